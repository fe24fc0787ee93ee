"""Demo data of major projects (filled in by the projects data work)."""

ORDER = 60


def load(ctx) -> None:
    pass
