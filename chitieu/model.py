"""Plain records shared by the extractor, the store and the pages."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

COMPARATORS = ("ge", "gt", "le", "lt", "eq", "between", "exceed_assigned", "qualitative")
COMPARATOR_SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "between": "–",
                      "exceed_assigned": "vượt chỉ tiêu giao", "qualitative": "định tính"}
LEVELS = ("province", "district", "commune")


@dataclass
class PlanTarget:
    """One target of a plan, as extracted (or as corrected by an analyst)."""
    indicator: str                 # catalogue code, or "unmapped"
    comparator: str                # one of COMPARATORS
    value: float | None = None
    value_high: float | None = None
    unit: str = ""
    scope: str = ""
    text: str = ""                 # the exact words of the plan (a substring of it)
    start: int | None = None       # character offsets of `text` in the plan's NFC text
    end: int | None = None
    indicator_label: str = ""      # the plan's own name for the concept (kept for unmapped)
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Locality:
    name: str = ""                 # full name with diacritics, e.g. "Thành phố Quảng Ngãi"
    level: str = ""                # province / district / commune
    province: str = ""             # "Quảng Ngãi"
    scheme: str = "unresolved"     # gso_pre2025 / gso_2025 / unresolved
    code: str = ""
    candidates: list = field(default_factory=list)  # when ambiguous: [(scheme, code, name, parent)]
    note: str = ""


@dataclass
class ExtractedPlan:
    plan_key: str                  # file stem
    source_file: str
    sha256: str
    text: str                      # NFC text the offsets refer to
    locality: Locality
    year: int | None
    title: str = ""
    targets: list[PlanTarget] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
