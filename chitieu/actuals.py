"""Validation of reported actuals: pure functions, no database, no Streamlit.

`validate(raw_rows, context)` turns raw rows (from `loaders.actuals.excel_read`) into checked rows,
each carrying its issues — typed data with a stable code, the Excel row and field, a
Vietnamese and an English message, and a severity (error blocks the whole file, warning
does not). `plan_changes(rows, stored)` then says what each row would do against what is
stored: new / same / revision (a figure of a higher standing replaces an estimate) /
supersede. Nothing is written while an error remains (see chitieu.store.actuals.confirm).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from chitieu.catalogue import Indicator
from chitieu.errors import UserError
from chitieu.matching import CatalogueMatcher, header_code, matcher_for
from chitieu.numbers import NumberError, format_vn, parse_cell_number
from chitieu.periods import STANDINGS, parse_period, parse_standing
from chitieu.textnorm import fold, nfc
from chitieu.units import name_key, split_type

ERROR, WARNING = "error", "warning"
_VERDICTS = {"dat": "dat", "khong dat": "khong_dat", "chua dat": "khong_dat", "met": "dat", "not met": "khong_dat"}


@dataclass(frozen=True)
class Issue:
    row: int            # Excel row (0 = the whole file)
    field: str          # locality, indicator, period, value, standing, year, scope, assigned, file
    code: str           # stable: unknown-locality, non-numeric-value, duplicate-row, ...
    message_vi: str
    message_en: str
    severity: str = ERROR
    sheet: str = ""

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


@dataclass
class Context:
    """What validation needs to know about the store (built by chitieu.store.actuals)."""
    catalogue: dict[str, Indicator]
    localities: list[tuple[str, str, str]]                      # (scheme, code, name)
    plan_years: set[tuple[str, str, int]]                       # (scheme, code, year) with a plan
    targets: dict[tuple[str, str, int, str], list[dict]]        # (scheme, code, year, indicator) -> targets
    years: range = range(2015, 2036)
    allow_duplicates: bool = False    # sample data: keep both conflicting figures, as warnings
    allow_no_plan: bool = False       # sample data: keep figures for years without a plan, as warnings


@dataclass
class CheckedRow:
    sheet: str
    row: int
    column: str = ""
    locality_scheme: str = ""
    locality_code: str = ""
    locality_name: str = ""
    indicator: str = ""
    scope: str = ""
    year: int | None = None
    period: str = ""
    value: float | None = None
    unit: str = ""
    verdict: str | None = None          # dat / khong_dat for qualitative targets
    assigned_value: float | None = None
    standing: str | None = None
    note: str = ""
    source: str = ""
    illustrative: bool = False
    issues: list[Issue] = field(default_factory=list)
    change: str | None = None           # new / same / revision / supersede
    previous_id: int | None = None
    previous_value: float | None = None
    previous_standing: str | None = None

    @property
    def key(self) -> tuple:
        return (self.locality_scheme, self.locality_code, self.indicator, self.scope, self.year, self.period)

    @property
    def outcome(self) -> str:
        if any(i.severity == ERROR for i in self.issues):
            return ERROR
        return WARNING if self.issues else "ok"

    def add(self, field_: str, code: str, vi: str, en: str, severity: str = ERROR) -> None:
        self.issues.append(Issue(self.row, field_, code, vi, en, severity, self.sheet))


# --- indicator rules ---------------------------------------------------------------

def can_be_negative(ind: Indicator | None) -> bool:
    """Growth rates and reductions can fall below zero; counts, amounts and rates cannot."""
    return ind is not None and ("growth" in ind.code or "reduction" in ind.code)


def is_bounded_rate(ind: Indicator | None) -> bool:
    """A share of a whole (coverage, rate, share): between 0 and 100 %."""
    if ind is None or ind.unit != "%" or can_be_negative(ind):
        return False
    c = ind.code
    return c.endswith("_rate") or "coverage" in c or "cover" in c or c.startswith("share_")


# --- plausibility (values no real report can hold) -------------------------------------

# Beyond this magnitude no figure in any catalogue unit is real: the whole country's GDP is
# ~1e16 đồng but budgets and outputs are given in tỷ đồng (GDP ~1e7); 1e308 or 10^30 is a typing
# slip or a hostile file, and would be stored, then summed, as a float.
MAX_MAGNITUDE = 1e15
# People-like counts (workers, households, party members) cannot exceed the people living in the
# locality. Orders of magnitude with room to spare (2025): the country ~1e8; the largest
# province (Hồ Chí Minh City after the merger) ~1.4e7; the largest district-level unit ~1.2e6;
# the largest commune or ward ~2e5. Above the country: error; above the locality's order: warning.
PEOPLE_UNITS = {"người", "lao động", "hộ", "hộ gia đình", "đảng viên", "học sinh", "hội viên", "đoàn viên"}
COUNTRY_POPULATION = 1.2e8
POPULATION_ORDER = {"xã": 1e6, "phường": 1e6, "thị trấn": 1e6, "đặc khu": 1e6, "huyện": 3e6, "quận": 3e6,
                    "thị xã": 3e6, "thành phố": 3e7, "tỉnh": 3e7}
STANDING_VI = {s.code: s.label_vi for s in STANDINGS}


def _magnitude(value: float) -> str:
    return f"10^{int(math.floor(math.log10(abs(value))))}" if value else "0"


def _people_scale(unit: str) -> float | None:
    """Multiplier to persons for a people-like unit ("nghìn lao động" -> 1000), else None."""
    u = nfc(unit or "").strip().lower()
    scale = 1.0
    for w, f in _SCALE.items():
        if u.startswith(w + " "):
            scale, u = f, u[len(w):].strip()
            break
    return scale if u in PEOPLE_UNITS else None


def check_plausible(row: "CheckedRow", value: float, ind: Indicator | None) -> bool:
    """Record why a value cannot be real (error) or is doubtful (warning); False when it must not be kept."""
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        row.add("value", "implausible-value",
                f"Giá trị khoảng {_magnitude(value)} quá lớn để là số liệu thật (giới hạn 10^15): có thể nhập nhầm.",
                f"The value (about {_magnitude(value)}) is too large to be a real figure (limit 10^15): "
                "probably a typing slip.")
        return False
    if can_be_negative(ind) and ind.unit == "%":
        v = format_vn(value)
        if value < -100:
            row.add("value", "growth-out-of-range",
                    f"Tốc độ {v} % nhỏ hơn −100 %: không thể giảm quá toàn bộ giá trị kỳ trước.",
                    f"A rate of {value:g} % is below -100 %: nothing can fall by more than all of it.")
            return False
        if value > 1000:
            row.add("value", "growth-out-of-range",
                    f"Tốc độ tăng {v} % nghĩa là gấp hơn 11 lần trong một năm: không thể là số thật.",
                    f"A growth of {value:g} % means over 11 times in a year: not a real figure.")
            return False
        if value > 100:
            row.add("value", "growth-over-100",
                    f"Tốc độ tăng {v} % nghĩa là hơn gấp đôi trong một năm: hãy kiểm tra (có phải là chỉ số phát "
                    f"triển, ví dụ 107 thay cho 7?).",
                    f"A growth of {value:g} % means more than doubling in a year: check it (is it an index, "
                    "e.g. 107 for 7?).", WARNING)
    scale = _people_scale(row.unit or (ind.unit if ind else ""))
    if scale is not None:
        people = value * scale
        if people > COUNTRY_POPULATION:
            row.add("value", "implausible-count",
                    f"Số {format_vn(value)} {row.unit} lớn hơn dân số cả nước (khoảng 100 triệu người).",
                    f"{value:g} {row.unit} is more than the whole country's population (about 100 million).")
            return False
        kind = split_type(row.locality_name)[0] if row.locality_name else ""
        order = POPULATION_ORDER.get(kind)
        if order and people > order:
            row.add("value", "count-over-population",
                    f"Số {format_vn(value)} {row.unit} vượt quy mô dân số của một {kind} (dưới {format_vn(order)} "
                    "người): hãy kiểm tra lại.",
                    f"{value:g} {row.unit} is above the population of any {kind} (under {order:g}): check it.",
                    WARNING)
    return True


_SCALE = {"nghìn": 1e3, "nghin": 1e3, "triệu": 1e6, "trieu": 1e6, "tỷ": 1e9, "ty": 1e9}


def unit_factor(from_unit: str, to_unit: str) -> float | None:
    """Multiplier taking a value in `from_unit` to `to_unit` ("lượt" -> "triệu lượt": 1e-6).

    Only scale words (nghìn, triệu, tỷ) differ; None when the units are not comparable.
    """
    def split(u: str) -> tuple[float, str]:
        u = nfc(u or "").strip().lower()
        for w, f in _SCALE.items():
            if u.startswith(w + " "):
                return f, u[len(w):].strip()
        if u == "đồng":
            return 1.0, "đồng"
        return 1.0, u
    fa, ba = split(from_unit)
    fb, bb = split(to_unit)
    if ba != bb:
        return None
    return fa / fb


def indicator_index(catalogue: dict[str, Indicator]) -> CatalogueMatcher:
    """The catalogue's indicator matcher: the one plan reading uses (chitieu.matching)."""
    return matcher_for(catalogue)


def match_indicator(header: str, index: CatalogueMatcher) -> str | None:
    """Catalogue code for a column header or indicator name, or None (chitieu.matching)."""
    return header_code(header, index)


# --- locality resolution -----------------------------------------------------------

class LocalityIndex:
    """Names compared with their marks (Ba Tơ and Ba Tô are neighbours: chitieu.units.name_key);
    the type word may differ or be missing ("TP. Quảng Ngãi", "Quảng Ngãi"). Folding only suggests."""

    def __init__(self, localities: list[tuple[str, str, str]]):
        self.by_key = {(s, c): n for s, c, n in localities}
        self.by_name: dict[str, list[tuple[str, str]]] = {}
        self.by_bare: dict[str, list[tuple[str, str]]] = {}
        self.by_fold: dict[str, list[str]] = {}
        for s, c, n in localities:
            kind, bare = split_type(n)
            self.by_name.setdefault(f"{kind} {name_key(bare)}", []).append((s, c))
            self.by_bare.setdefault(name_key(bare), []).append((s, c))
            self.by_fold.setdefault(fold(bare), []).append(n)

    def candidates(self, ref: str, name: str) -> list[tuple[str, str]]:
        """Every locality the reference or name may mean (empty: unknown)."""
        if ref and ":" in ref:
            s, _, c = ref.partition(":")
            if (s, c) in self.by_key:
                return [(s, c)]
        if not name.strip():
            return []
        kind, bare = split_type(name)
        found = self.by_name.get(f"{kind} {name_key(bare)}") if kind else None
        return list(dict.fromkeys(found or self.by_bare.get(name_key(bare), [])))

    def resolve(self, ref: str, name: str, prefer=None) -> tuple[tuple[str, str] | None, str, list[str]]:
        """((scheme, code) or None, problem code, names to suggest).

        `prefer(key) -> bool` narrows several candidates (e.g. those with a plan that year).
        """
        found = self.candidates(ref, name)
        if len(found) > 1 and prefer is not None:
            found = [k for k in found if prefer(k)] or found
        if len(found) == 1:
            return found[0], "", []
        if found:
            return None, "ambiguous-locality", sorted(f"{self.by_key[k]} ({k[0]}:{k[1]})" for k in found)
        return None, "unknown-locality", self.by_fold.get(fold(split_type(name)[1]), [])


# --- validation --------------------------------------------------------------------

def _number(raw, row: CheckedRow, field_: str) -> tuple[float | None, str | None]:
    """(value, mark) from an Excel number or Vietnamese text; records an issue when not a number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        row.add(field_, "non-numeric-value", f'Giá trị "{raw}" không phải là số.', f'"{raw}" is not a number.')
        return None, None
    if isinstance(raw, (int, float)):
        if math.isnan(raw) or math.isinf(raw):
            row.add(field_, "non-numeric-value", "Giá trị không phải là số.", "The value is not a number.")
            return None, None
        return float(raw), None
    try:
        return parse_cell_number(raw)
    except NumberError as exc:
        row.add(field_, exc.code, f"Dòng {row.row}: {exc.vi}", f"Row {row.row}: {exc.en}")
        return None, None


def _year(raw, row: CheckedRow, ctx: Context) -> int | None:
    if raw is None or raw == "":
        row.add("year", "missing-year", "Thiếu năm báo cáo.", "The year is missing.")
        return None
    try:
        y = int(float(str(raw).strip()))
    except (ValueError, OverflowError):  # "abc", "inf"
        row.add("year", "invalid-year", f'Năm "{raw}" không hợp lệ.', f'"{raw}" is not a year.')
        return None
    if y not in ctx.years:
        row.add("year", "invalid-year", f"Năm {y} nằm ngoài khoảng cho phép ({ctx.years.start}–{ctx.years.stop - 1}).",
                f"The year {y} is outside the accepted range ({ctx.years.start}-{ctx.years.stop - 1}).")
        return None
    return y


def _check_value(row: CheckedRow, raw, percent_cell: bool, ind: Indicator | None, targets: list[dict]) -> None:
    qualitative = any(t["comparator"] == "qualitative" for t in targets) or (ind is not None and not ind.unit)
    if isinstance(raw, str) and fold(raw) in _VERDICTS and qualitative:
        row.verdict = _VERDICTS[fold(raw)]
        return
    value, mark = _number(raw, row, "value")
    if value is None:
        return
    if percent_cell:
        value, mark = value * 100, "%"   # a cell showing 96 % holds 0.96
    if not check_plausible(row, value, ind):
        return
    unit = row.unit
    if mark and unit and not unit.startswith(mark):
        row.add("value", "unit-mismatch", f'Giá trị ghi "{mark}" nhưng đơn vị của chỉ tiêu là "{unit}".',
                f'The value is written with "{mark}" but the indicator unit is "{unit}".', WARNING)
    if value < 0 and not can_be_negative(ind):
        row.add("value", "negative-value", f"Giá trị {format_vn(value)} âm: chỉ tiêu này không thể nhỏ hơn 0.",
                f"The value {value:g} is negative; this indicator cannot be below zero.")
    elif is_bounded_rate(ind) and value > 100:
        row.add("value", "percent-over-100", f"Tỷ lệ {format_vn(value)} % vượt quá 100 %.",
                f"The rate {value:g} % is over 100 %.")
    elif (unit == "%" and not percent_cell and mark is None and 0 < abs(value) < 1
          and any((t.get("value") or 0) >= 5 for t in targets)):
        row.add("value", "looks-like-fraction",
                f"Giá trị {format_vn(value)} rất nhỏ so với chỉ tiêu (%). Nếu ý là {format_vn(value * 100)} %, "
                "hãy nhập 96 hoặc 96%.",
                f"The value {value:g} looks like a fraction; if you mean {value * 100:g} %, type 96 or 96%.", WARNING)
    row.value = value


def validate(raw_rows, ctx: Context) -> list[CheckedRow]:
    """Check every raw row; rows without a value (blank template lines) are dropped."""
    locs = LocalityIndex(ctx.localities)
    ind_index = indicator_index(ctx.catalogue)
    out: list[CheckedRow] = []
    seen: dict[tuple, int] = {}
    periods: dict = {}     # raw text -> code: parsed once per distinct spelling, not per row
    standings: dict = {}
    for raw in raw_rows:
        formula, cell_error = getattr(raw, "formula", ""), getattr(raw, "cell_error", "")
        blank_value = raw.value is None or (isinstance(raw.value, str) and not raw.value.strip())
        if blank_value and raw.assigned in (None, "") and not (formula or cell_error):
            continue
        row = CheckedRow(sheet=raw.sheet, row=raw.row, column=raw.column, note=raw.note, source=raw.source)
        out.append(row)
        year_hint = raw.year if isinstance(raw.year, int) else None
        key, problem, hints = locs.resolve(raw.locality_ref, raw.locality,
                                           prefer=lambda k: (k[0], k[1], year_hint) in ctx.plan_years)
        if key:
            row.locality_scheme, row.locality_code = key
            row.locality_name = locs.by_key[key]
        elif problem == "ambiguous-locality":
            row.add("locality", problem, f'Tên "{raw.locality}" trùng nhiều địa phương: {", ".join(hints)}. '
                    "Hãy dùng cột Mã địa phương.",
                    f'"{raw.locality}" matches several localities: {", ".join(hints)}. Use the locality code column.')
        else:
            hint_vi = f' Có phải là: {", ".join(hints)}?' if hints else ""
            hint_en = f' Did you mean: {", ".join(hints)}?' if hints else ""
            row.add("locality", problem, f'Không có địa phương "{raw.locality or raw.locality_ref}" trong hệ thống.{hint_vi}',
                    f'Unknown locality "{raw.locality or raw.locality_ref}".{hint_en}')
        row.year = _year(raw.year, row, ctx)
        if key and row.year is not None and (key[0], key[1], row.year) not in ctx.plan_years:
            row.add("year", "no-plan-for-year",
                    f"{row.locality_name} chưa có kế hoạch năm {row.year}: không có chỉ tiêu để so sánh.",
                    f"{row.locality_name} has no plan for {row.year}: there is no target to compare with.",
                    WARNING if ctx.allow_no_plan else ERROR)
        code = match_indicator(raw.indicator, ind_index) if raw.indicator else None
        ind = ctx.catalogue.get(code) if code else None
        if ind is None:
            row.add("indicator", "unknown-indicator", f'Chỉ tiêu "{raw.indicator}" không có trong danh mục.',
                    f'The indicator "{raw.indicator}" is not in the catalogue.')
        else:
            row.indicator = ind.code
        row.scope = raw.scope or ""
        targets = ctx.targets.get((row.locality_scheme, row.locality_code, row.year, row.indicator), []) if ind else []
        if targets and row.scope not in {t["scope"] or "" for t in targets}:
            row.add("scope", "scope-not-in-plan",
                    f'Phạm vi "{row.scope}" không khớp chỉ tiêu kế hoạch ({", ".join(t["scope"] or "(chung)" for t in targets)}).',
                    f'Scope "{row.scope}" matches no target of the plan.', WARNING)
        elif ind and not targets and (key and row.year is not None
                                      and (key[0], key[1], row.year) in ctx.plan_years):
            row.add("indicator", "indicator-not-in-plan",
                    f"Kế hoạch năm {row.year} không có chỉ tiêu {ind.name_vi}; số liệu được lưu nhưng chưa đánh giá.",
                    f"The {row.year} plan has no target for {ind.name_en}; stored without a verdict.", WARNING)
        match = [t for t in targets if (t["scope"] or "") == row.scope] or targets
        row.unit = (match[0]["unit"] if match and match[0].get("unit") else (ind.unit if ind else "")) or raw.unit
        try:
            if raw.period in (None, ""):
                row.period = ""
            else:
                if raw.period not in periods:
                    periods[raw.period] = parse_period(raw.period).code
                row.period = periods[raw.period]
            if not row.period:
                row.add("period", "missing-period", "Thiếu kỳ báo cáo (Quý I, 6 tháng, 9 tháng, cả năm, N tháng).",
                        "The reporting period is missing (Q1, H1, 9M, FY, N months).")
        except UserError as exc:
            row.add("period", exc.code, exc.vi, exc.en)
        try:
            text = raw.standing if isinstance(raw.standing, str) else None
            if text not in standings:
                st = parse_standing(text, default=None)
                standings[text] = st.code if st else None
            row.standing = standings[text]
        except UserError as exc:
            row.add("standing", exc.code, exc.vi, exc.en)
        cell = f"{raw.column}{raw.row}" if raw.column else f"dòng {raw.row}"
        if cell_error:    # never dropped: the analyst must see the row that has no figure
            row.add("value", "error-cell",
                    f"Ô {cell} có lỗi Excel {cell_error}, không phải số liệu. Hãy sửa công thức hoặc nhập số.",
                    f"Cell {cell} holds the Excel error {cell_error}, not a figure. Fix the formula or type "
                    "the number.")
        elif formula:     # calamine hands back the cached result; a formula is not a reported figure
            shown = formula if len(formula) <= 60 else formula[:57] + "…"
            row.add("value", "formula-cell",
                    f"Ô {cell} chứa công thức {shown}, không phải số đã nhập. Hãy dán giá trị (Dán đặc biệt → "
                    "Giá trị) rồi tải lên lại.",
                    f"Cell {cell} holds the formula {shown}, not a typed figure. Paste it as a value (Paste "
                    "Special → Values) and upload again.")
        elif not blank_value:
            _check_value(row, raw.value, raw.value_percent_cell, ind, match)
        row.assigned_value, _ = _number(raw.assigned, row, "assigned")
        if row.outcome != ERROR:
            first = seen.get(row.key)
            if first is not None:
                row.add("row", "duplicate-row",
                        f"Trùng với dòng {first}: cùng địa phương, chỉ tiêu, phạm vi, năm và kỳ báo cáo.",
                        f"Duplicates row {first}: same locality, indicator, scope, year and period.",
                        WARNING if ctx.allow_duplicates else ERROR)
            else:
                seen[row.key] = row.row
    return out


_RANK = {"estimate": 1, "preliminary": 2, "official": 3, None: 0}


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def plan_changes(rows: list[CheckedRow], stored: dict[tuple, dict]) -> None:
    """Set each row's change against the stored current value for its key (in place).

    stored: key -> {actual_id, value, standing, verdict, assigned_value}. A second row of the
    same key in one file (sample data only: two published figures that disagree) is "new"
    beside the first; both stay current and chitieu.store.actuals.conflicts reports them.
    """
    in_file: set[tuple] = set()
    for row in rows:
        if row.outcome == ERROR:
            continue
        old = None if row.key in in_file else stored.get(row.key)
        in_file.add(row.key)
        if old is None:
            row.change = "new"
        else:
            row.previous_id = old.get("actual_id")
            row.previous_value = old.get("value")
            row.previous_standing = old.get("standing")
            if (_same(old.get("value"), row.value) and old.get("standing") == row.standing
                    and old.get("verdict") == row.verdict and _same(old.get("assigned_value"), row.assigned_value)):
                row.change = "same"
            elif _RANK.get(row.standing, 0) > _RANK.get(old.get("standing"), 0) and old.get("standing"):
                row.change = "revision"
            else:
                row.change = "supersede"
                if _RANK.get(row.standing, 0) < _RANK.get(old.get("standing"), 0):
                    new_vi = f"mức «{STANDING_VI[row.standing]}»" if row.standing in STANDING_VI else "chưa ghi mức độ"
                    old_vi = STANDING_VI.get(old.get("standing"), "")
                    row.add("standing", "standing-downgrade",
                            f"Số {format_vn(row.value) if row.value is not None else ''} ({new_vi}) sẽ thay số "
                            f"«{old_vi}» đã lưu ({format_vn(old.get('value')) if old.get('value') is not None else ''}). "
                            "Chỉ xác nhận nếu số đã lưu thật sự sai.",
                            f"A {row.standing or 'unqualified'} figure would replace the stored {old.get('standing')} "
                            "one. Confirm only if the stored figure is wrong.",
                            WARNING)


# --- the preview an analyst sees before confirming -----------------------------------

OUTCOME_VI = {"ok": "hợp lệ", WARNING: "cảnh báo", ERROR: "lỗi"}
CHANGE_VI = {"new": "mới", "same": "không đổi", "revision": "điều chỉnh (số chính thức thay số ước tính)",
             "supersede": "thay số cũ", None: ""}


@dataclass
class Preview:
    """A dry run: every row's outcome and planned change, and the file-level issues."""
    file_name: str
    sha256: str
    size: int
    uploader: str | None = None
    shape: str = ""
    rows: list[CheckedRow] = field(default_factory=list)
    file_issues: list[Issue] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        return [*self.file_issues, *(i for r in self.rows for i in r.issues)]

    @property
    def ok(self) -> bool:
        """True when nothing blocks the upload (warnings allowed)."""
        return bool(self.rows) and not any(i.severity == ERROR for i in self.issues)

    def codes(self, severity: str | None = None) -> list[tuple[int, str, str]]:
        """[(row, field, code)], for tests and quick checks."""
        return [(i.row, i.field, i.code) for i in self.issues if severity in (None, i.severity)]

    def counts(self) -> dict[str, int]:
        c = {"rows": len(self.rows), "ok": 0, WARNING: 0, ERROR: 0, "new": 0, "same": 0, "revision": 0,
             "supersede": 0}
        for r in self.rows:
            c[r.outcome] += 1
            if r.change:
                c[r.change] += 1
        return c

    def table(self, lang: str = "vi"):
        """One line per row for display: where, what, value, outcome, change, why."""
        import pandas as pd
        en = lang == "en"
        return pd.DataFrame([{
            "sheet": r.sheet, "row": r.row, "locality": r.locality_name, "indicator": r.indicator,
            "scope": r.scope, "year": r.year, "period": r.period, "value": r.value, "verdict": r.verdict,
            "unit": r.unit, "standing": r.standing, "outcome": r.outcome if en else OUTCOME_VI[r.outcome],
            "change": r.change if en else CHANGE_VI[r.change], "previous_value": r.previous_value,
            "previous_standing": r.previous_standing,
            "why": "; ".join(i.message(lang) for i in r.issues)} for r in self.rows],
            columns=["sheet", "row", "locality", "indicator", "scope", "year", "period", "value", "verdict",
                     "unit", "standing", "outcome", "change", "previous_value", "previous_standing", "why"])

    def report(self, lang: str = "vi", limit: int = 50) -> str:
        """A readable plain-text summary (command line)."""
        c = self.counts()
        lines = [f"{self.file_name}: {c['rows']} dòng / rows — {c['ok']} hợp lệ/ok, {c[WARNING]} cảnh báo/warnings, "
                 f"{c[ERROR]} lỗi/errors; {c['new']} mới/new, {c['revision']} điều chỉnh/revisions, "
                 f"{c['supersede']} thay số cũ/superseding, {c['same']} không đổi/unchanged"]
        for i in self.issues[:limit]:
            where = f"{i.sheet}!{i.row}" if i.row else "tệp/file"
            lines.append(f"  [{i.severity}] {where} {i.field} {i.code}: {i.message_vi} / {i.message_en}")
        if len(self.issues) > limit:
            lines.append(f"  … {len(self.issues) - limit} more")
        return "\n".join(lines)
