"""Plain records shared by the extractor, the store and the pages.

Confidence of an extracted target (`PlanTarget.doubts`): a list of reason codes, empty when the
reader has no doubt. The codes are stable (the review page sorts and explains rows by them);
`DOUBT_LABELS` says each in Vietnamese and English:
- ``fuzzy_match``: the indicator name matched loosely (words in another order, part of the name,
  OCR damage; from the matcher's score and reasons);
- ``inherited_subject``: the row has no indicator name of its own; it continues the subject of
  the clause before ("…tăng 7,5%; công nghiệp tăng 9%");
- ``ambiguous_number``: the figure can be read two ways ("16,723"); the note says which was taken;
- ``guessed_unit``: the unit was completed by the reader, not written ("72 triệu" -> triệu đồng);
- ``locality_unresolved``: the plan's locality is not settled (none found, or a shared name);
- ``unmapped``: the concept is not in the catalogue; the row keeps the plan's own name.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

COMPARATORS = ("ge", "gt", "le", "lt", "eq", "between", "exceed_assigned", "qualitative")
COMPARATOR_SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "between": "–",
                      "exceed_assigned": "vượt chỉ tiêu giao", "qualitative": "định tính"}
LEVELS = ("province", "district", "commune")
DOUBT_LABELS: dict[str, tuple[str, str]] = {
    "fuzzy_match": ("tên chỉ tiêu khớp gần đúng", "indicator name matched loosely"),
    "inherited_subject": ("chủ ngữ lấy từ câu trước", "subject taken from the clause before"),
    "ambiguous_number": ("số có thể đọc hai cách", "the number can be read two ways"),
    "guessed_unit": ("đơn vị do bộ đọc đoán", "unit guessed by the reader"),
    "locality_unresolved": ("chưa xác định được địa phương", "locality not settled"),
    "unmapped": ("chưa khớp chỉ tiêu nào trong danh mục", "matches no catalogue indicator"),
}


def doubt_labels(codes, lang: str = "vi") -> list[str]:
    """The reasons of `PlanTarget.doubts` in words (unknown codes are skipped)."""
    k = 1 if lang == "en" else 0
    return [DOUBT_LABELS[c][k] for c in codes or () if c in DOUBT_LABELS]


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
    doubts: list[str] = field(default_factory=list)  # reason codes of DOUBT_LABELS, [] when sure

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Locality:
    name: str = ""                 # full name with diacritics, e.g. "Thành phố Quảng Ngãi"
    level: str = ""                # province / district / commune
    province: str = ""             # "Quảng Ngãi"
    scheme: str = "unresolved"     # gso_pre2025 / gso_2025 / unresolved
    code: str = ""
    # when not settled: every unit the name may mean, as dicts with keys
    # scheme, code, name, level, district, province ("" where the scheme has no district)
    candidates: list = field(default_factory=list)
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
