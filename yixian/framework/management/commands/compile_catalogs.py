"""Compile every .po catalogue under LOCALE_PATHS to .mo with polib (no GNU gettext needed).

Chinese is the source language (msgids are Chinese); the catalogues hold the other languages.
Like msgfmt, fuzzy, obsolete and untranslated entries are left out of the .mo, so the UI
falls back to the Chinese text for them. The header dates that makemessages refreshes on every
run (POT-Creation-Date, PO-Revision-Date) are left out of the .mo, and a .mo is only rewritten
when its content changes, so the committed .mo changes only when a translation does.

    python manage.py compile_catalogs          # compile, report untranslated / fuzzy entries
    python manage.py compile_catalogs --check  # write nothing; fail if a .mo is out of date
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    """Every .po file under LOCALE_PATHS, sorted."""
    found: set[Path] = set()
    for base in settings.LOCALE_PATHS:
        found.update(Path(base).rglob("*.po"))
    return sorted(found)


# Header fields gettext does not use at run time and makemessages rewrites on every run.
VOLATILE_METADATA = ("POT-Creation-Date", "PO-Revision-Date")


def compile_po(po_path: Path) -> tuple[polib.POFile, bytes]:
    """Parse a .po file and return it with its compiled .mo bytes (deterministic)."""
    po = polib.pofile(str(po_path))
    for key in VOLATILE_METADATA:
        po.metadata.pop(key, None)
    return po, po.to_binary()


class Command(BaseCommand):
    help = "Compile every .po under LOCALE_PATHS to .mo with polib (no GNU gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit with an error if a .mo is missing or out of date with its .po.",
        )

    def handle(self, *args, **options):
        check = options["check"]
        paths = catalogues()
        if not paths:
            self.stdout.write("compile_catalogs: no .po file under LOCALE_PATHS")
            return
        stale = []
        for po_path in paths:
            try:
                po, binary = compile_po(po_path)
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po_path}: {exc}")
            mo_path = po_path.with_suffix(".mo")
            current = mo_path.read_bytes() if mo_path.exists() else None
            untranslated = len(po.untranslated_entries())
            fuzzy = len(po.fuzzy_entries())
            counts = f"{len(po.translated_entries())} translated, {untranslated} untranslated, {fuzzy} fuzzy"
            rel = _relative(mo_path)
            if current == binary:
                state = "up to date"
            elif check:
                stale.append(rel)
                state = "OUT OF DATE"
            else:
                mo_path.write_bytes(binary)
                state = "written"
            line = f"{rel}: {state} ({counts})"
            if untranslated or fuzzy:
                self.stdout.write(self.style.WARNING(line))
                for entry in po:
                    if not entry.obsolete and (entry.fuzzy or not entry.translated()):
                        mark = "fuzzy" if entry.fuzzy else "todo"
                        self.stdout.write(f"    [{mark}] {entry.msgid}")
            else:
                self.stdout.write(line)
        if stale:
            raise CommandError("out of date (run `make messages`): " + ", ".join(stale))


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)
