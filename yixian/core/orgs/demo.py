"""Demo org tree: the district, its 18 streets with official codes, communities,
departments, the 12 service groups and the 30 commercial communities. Idempotent."""

from .gongshu import COMMERCIAL_COMMUNITIES, COMMUNITIES, DEPARTMENTS, DISTRICT, SERVICE_GROUPS, STREETS
from .models import OrgUnit, OrgUnitKind

ORDER = 10


def ensure_unit(parent: OrgUnit | None, *, code: str, name: str, kind: str, short_name: str = "", aliases: str = "") -> OrgUnit:
    """Create the unit under `parent` or update it in place (matched by code)."""
    unit = OrgUnit.objects.filter(code=code).first()
    fields = {"name": name, "kind": kind, "short_name": short_name, "aliases": aliases}
    if unit is None:
        return parent.add_child(code=code, **fields) if parent else OrgUnit.add_root(code=code, **fields)
    changed = [k for k, v in fields.items() if getattr(unit, k) != v]
    if changed:
        for k in changed:
            setattr(unit, k, fields[k])
        unit.save()
    return unit


def load(ctx) -> None:
    district = ensure_unit(None, code=DISTRICT[0], name=DISTRICT[1], kind=OrgUnitKind.DISTRICT, short_name="拱墅")
    streets = {}
    for code, name, short in STREETS:
        streets[short] = ensure_unit(district, code=code, name=name, kind=OrgUnitKind.STREET, short_name=short)
    for short, names in COMMUNITIES.items():
        street = streets[short]
        for i, cname in enumerate(names, start=1):
            ensure_unit(street, code=f"{street.code}{i:03d}", name=f"{cname}社区", kind=OrgUnitKind.COMMUNITY, short_name=cname)
    for code, name in DEPARTMENTS:
        ensure_unit(district, code=code, name=name, kind=OrgUnitKind.DEPARTMENT, short_name=name.removeprefix("区"))
    for i, name in enumerate(SERVICE_GROUPS, start=1):
        ensure_unit(district, code=f"SG{i:02d}", name=name, kind=OrgUnitKind.SERVICE_GROUP)
    for i, (short, name) in enumerate(COMMERCIAL_COMMUNITIES, start=1):
        ensure_unit(streets[short], code=f"CC{i:02d}", name=f"{name}商务社区", kind=OrgUnitKind.COMMERCIAL_COMMUNITY)
    ctx.note(
        f"组织单元 {OrgUnit.objects.count()} 个（18 个街道、{len(SERVICE_GROUPS)} 个专项服务组、{len(COMMERCIAL_COMMUNITIES)} 个商务社区）"
    )
