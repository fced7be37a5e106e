"""The plan review (Kế hoạch page) as plain functions: no Streamlit, so every rule is tested directly.

An analyst checks what the extractor read before it is stored, so the table speaks the
analyst's language: catalogue names instead of codes, ≥ ≤ symbols instead of comparator
codes, Vietnamese numbers (17.500; 0,88) typed back and read by chitieu.numbers, and the
rows the extractor doubts first, each with its reason. The locality is a choice among the
units of the registry (chitieu.units), candidates first; an unresolved locality is never
stored without the analyst saying so.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import pandas as pd

from chitieu.model import COMPARATORS, DOUBT_LABELS, Locality, PlanTarget
from chitieu.numbers import NumberError, format_vn, parse_cell_number
from chitieu.textnorm import fold, nfc
from ui.i18n import actor_label

UNMAPPED = "unmapped"
S: dict[str, tuple[str, str]] = {
    "unmapped": ("Chưa có trong danh mục", "Not in the catalogue"),
    "between": ("từ … đến …", "from … to …"),
    "exceed_assigned": ("vượt chỉ tiêu giao", "exceed the assigned figure"),
    "qualitative": ("định tính", "qualitative"),
    "col_keep": ("Giữ", "Keep"), "col_doubt": ("Cần xem lại", "Check"),
    "col_indicator": ("Chỉ tiêu (danh mục)", "Indicator (catalogue)"), "col_comparator": ("So sánh", "Comparator"),
    "col_value": ("Mức", "Value"), "col_value_high": ("Đến", "Up to"), "col_unit": ("Đơn vị", "Unit"),
    "col_text": ("Câu trong kế hoạch", "Plan sentence"),
    "col_indicator_label": ("Tên trong kế hoạch", "Name in the plan"),
    "col_scope": ("Phạm vi", "Scope"), "col_note": ("Ghi chú", "Note"),
    "col_locality": ("Địa phương", "Locality"), "col_province": ("Tỉnh / thành phố", "Province"),
    "col_year": ("Năm", "Year"), "col_targets": ("Số chỉ tiêu", "Targets"), "col_loaded_at": ("Lưu lúc", "Saved at"),
    "col_loaded_by": ("Người lưu", "Saved by"),
    "pre": ("trước 1/7/2025", "before 1 July 2025"), "post": ("từ 1/7/2025", "from 1 July 2025"),
    "row": ("Dòng {n}", "Row {n}"),
    "need_value": ("cần có mức chỉ tiêu (số)", "needs a figure"),
    "need_high": ("“từ … đến …” cần cả hai số", "“from … to …” needs both figures"),
    "need_comparator": ("chưa chọn cách so sánh", "no comparator chosen"),
    "need_content": ("chưa có câu hay tên chỉ tiêu", "no sentence or indicator name"),
    "unknown_indicator": ("chỉ tiêu “{v}” không có trong danh mục", "indicator “{v}” is not in the catalogue"),
    "doubt_unmapped": ("chưa khớp chỉ tiêu nào trong danh mục", "matches no catalogue indicator"),
    "doubt_no_value": ("không đọc được mức chỉ tiêu", "no figure read"),
    "doubt_other": ("bộ đọc chưa chắc chắn", "the reader is unsure"),
    # the page's own sentences
    "year_placeholder": ("Nhập năm", "Type the year"),
    "locality_choice": ("Địa phương (gõ tên để tìm; các đơn vị khớp với văn bản đứng đầu)",
                        "Locality (type to search; units matching the text come first)"),
    "locality_placeholder": ("Chọn hoặc gõ tên xã, phường, huyện, tỉnh…",
                             "Choose or type a commune, district, province…"),
    "rows_caption": ("{n} dòng cần xem lại đứng đầu bảng (lý do ở cột “Cần xem lại”). Sửa trực tiếp trong bảng; "
                     "bỏ chọn "
                     "“Giữ” để bỏ một dòng; thêm dòng bằng dấu + ở góc trên bên phải bảng, hoặc từ một câu bên dưới.",
                     "{n} rows to check come first (reason in “Check”). Edit in the table; untick “Keep” to drop a "
                     "row; add a row with + at the table's top right corner, or from a sentence below."),
    "add_from_sentence": ("Thêm chỉ tiêu bị sót từ một câu của kế hoạch (gõ vài chữ để tìm)",
                          "Add a missed target from a plan sentence (type a few words)"),
    "sentence_placeholder": ("Chọn câu…", "Choose a sentence…"),
    "add_row": ("Thêm dòng", "Add row"),
    "confirm_unresolved": ("Vẫn lưu với địa phương chưa xác định (kế hoạch sẽ không gắn với đơn vị hành chính nào)",
                           "Save with the locality unsettled (the plan is linked to no administrative unit)"),
    "replace": ("Thay thế kế hoạch đã lưu", "Replace the stored plan"),
    "not_saved": ("Chưa lưu:", "Not saved:"),
}
# Why the extractor doubts a row (issue 9): chitieu.model.DOUBT_LABELS says each reason code in
# words; the matcher's own reasons are said here too, in case a row carries them.
DOUBTS: dict[str, tuple[str, str]] = {
    "order": ("các từ của tên chỉ tiêu đứng khác thứ tự", "the indicator's words stand in another order"),
    "partial": ("chỉ khớp một phần tên chỉ tiêu", "only part of the indicator name matched"),
    "missing-words": ("thiếu từ của tên chỉ tiêu", "words of the indicator name are missing"),
    "ocr": ("chữ trong văn bản bị lỗi nhận dạng (OCR)", "the text has OCR damage"),
    "fuzzy_match": ("tên chỉ tiêu khớp gần đúng", "indicator name matched loosely"),
    "unmapped": S["doubt_unmapped"], "no_value": S["doubt_no_value"],
    **DOUBT_LABELS,
}


def tr(key: str, lang: str = "vi", **fmt) -> str:
    vi, en = S.get(key, (key, key))
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


# ---------------------------------------------------------------- comparators and numbers

def comparator_labels(lang: str = "vi") -> dict[str, str]:
    """code -> what the analyst reads and picks: ≥ > ≤ < = and words for the others."""
    symbols = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "="}
    return {c: symbols.get(c) or tr(c, lang) for c in COMPARATORS}


def number_text(v) -> str:
    """Exact figure in Vietnamese notation for editing (17.500; 0,88); '' when there is none."""
    return "" if _missing(v) else format_vn(float(v))


def read_value(text, original=None) -> float | None:
    """A figure typed in the table. Unchanged text keeps the exact original figure (so a value
    like 16,723 shown by us is not re-read as ambiguous); raises NumberError for bad input."""
    s = "" if _missing(text) else nfc(str(text)).strip()
    if not s:
        return None
    if not _missing(original) and s == number_text(original):
        return float(original)
    value, _mark = parse_cell_number(s)
    return value


# ---------------------------------------------------------------- indicators

def indicator_choices(catalogue: pd.DataFrame, lang: str = "vi") -> dict[str, str]:
    """label -> code for the indicator drop-down: 'not in the catalogue' first, then catalogue
    names in alphabetical order (diacritics folded), each label unique (unit added)."""
    name_col = "name_en" if lang == "en" else "name_vi"
    rows = []
    for r in catalogue.to_dict("records"):
        name = r.get(name_col) or r.get("name_vi") or r["code"]
        unit = r.get("unit") or ""
        label = f"{name} ({unit})" if unit else name
        rows.append((fold(label), label, r["code"]))
    out = {tr("unmapped", lang): UNMAPPED}
    for _, label, code in sorted(rows):
        while label in out:
            label += " ·"
        out[label] = code
    return out


def doubt_text(target: PlanTarget, lang: str = "vi") -> str:
    """Why the row might be wrong, in words; '' when nothing is doubted."""
    raw = getattr(target, "doubts", None) or ()
    if isinstance(raw, str):
        raw = [raw]
    reasons = []
    for d in raw:
        code = d.get("code") if isinstance(d, dict) else getattr(d, "code", d)
        if code == "locality_unresolved":
            continue  # said once, at the locality choice, not on every row
        said = d.get("vi" if lang != "en" else "en") if isinstance(d, dict) else None
        if not said:
            pair = DOUBTS.get(str(code))
            said = pair[1 if lang == "en" else 0] if pair else (
                str(code) if " " in str(code) and lang != "en" else tr("doubt_other", lang))
        reasons.append(said)
    if target.indicator == UNMAPPED:
        reasons.append(tr("doubt_unmapped", lang))
    if _missing(target.value) and target.comparator not in ("qualitative", "exceed_assigned"):
        reasons.append(tr("doubt_no_value", lang))
    return "; ".join(dict.fromkeys(reasons))


# What fits at 1280×720 first (figure, unit, the plan's sentence, why a row is doubted), then the rest.
EDIT_COLUMNS = ["keep", "indicator", "comparator", "value", "unit", "text", "doubt", "value_high",
                "indicator_label", "scope", "note"]
HIDDEN = ["start", "end", "orig_value", "orig_high"]
# Widths in pixels: at 1280×720 the main area is ~820 px wide (sidebar open); the browser test
# reaches cells by these positions.
WIDTHS = {"keep": 55, "indicator": 180, "comparator": 80, "value": 70, "unit": 80, "text": 170, "doubt": 150,
          "value_high": 70, "indicator_label": 200, "scope": 150, "note": 200}


def editor_columns(indicators: dict[str, str], lang: str = "vi") -> dict[str, tuple[str, dict]]:
    """column -> (st.column_config class name, its arguments) for the review table."""
    out = {}
    for c in EDIT_COLUMNS:
        kw = {"label": tr("col_" + c, lang), "width": WIDTHS[c]}
        if c == "keep":
            out[c] = ("CheckboxColumn", {**kw, "default": True})
        elif c in ("indicator", "comparator"):
            options = list(indicators) if c == "indicator" else list(comparator_labels(lang).values())
            out[c] = ("SelectboxColumn", {**kw, "options": options, "required": True, "default": options[0]})
        else:  # empty cells of added rows read '' (never "None")
            out[c] = ("TextColumn", {**kw, "default": ""})
    return out


def review_rows(targets: list[PlanTarget], indicators: dict[str, str], lang: str = "vi") -> pd.DataFrame:
    """The review table: doubtful rows first (in document order within each group)."""
    label_of = {code: label for label, code in indicators.items()}
    cmp_label = comparator_labels(lang)
    rows = []
    for t in targets:
        rows.append({
            "keep": True, "doubt": doubt_text(t, lang),
            "indicator": label_of.get(t.indicator, tr("unmapped", lang)),
            "comparator": cmp_label.get(t.comparator, cmp_label["ge"]),
            "value": number_text(t.value), "value_high": number_text(t.value_high), "unit": t.unit or "",
            "text": t.text or "", "indicator_label": t.indicator_label or "", "scope": t.scope or "",
            "note": t.note or "", "start": t.start, "end": t.end, "orig_value": t.value, "orig_high": t.value_high})
    rows.sort(key=lambda r: not r["doubt"])  # stable: document order kept within each group
    df = pd.DataFrame(rows, columns=EDIT_COLUMNS + HIDDEN)
    for c in ("start", "end"):
        df[c] = df[c].astype("Int64")
    for c in ("orig_value", "orig_high"):
        df[c] = df[c].astype("Float64")
    return df


def read_sentence(sentence: str) -> PlanTarget | None:
    """What the plan reader makes of one sentence the analyst marks as a target: read as an item
    of a target list (the analyst has said it is one), so a figure with no catalogue name still
    comes out, unmapped, with its value and unit to start from."""
    from loaders.plans.extract import extract_text
    found = extract_text("Các chỉ tiêu:\n1. " + nfc(sentence)).targets
    return found[0] if found else None


def add_row(df: pd.DataFrame, sentence: str = "", span: tuple[int, int] | None = None,
            found: PlanTarget | None = None, indicators: dict[str, str] | None = None, lang: str = "vi"
            ) -> pd.DataFrame:
    """The table with one more row on top: a missed target from a plan sentence (prefilled with
    what the reader finds in it, if anything) or blank for typing."""
    t = found or PlanTarget(UNMAPPED, "ge", text=sentence)
    t.text = sentence or t.text
    if span:
        t.start, t.end = span
    new = review_rows([t], indicators or {tr("unmapped", lang): UNMAPPED}, lang)
    return pd.concat([new, df], ignore_index=True)


def to_targets(df: pd.DataFrame, indicators: dict[str, str], units: dict[str, str] | None = None,
               lang: str = "vi") -> tuple[list[PlanTarget], list[str]]:
    """Kept rows as PlanTargets in the plan's own order (by their place in the text; typed rows
    last), plus one message per bad row (then nothing should be saved).

    A row mapped to a catalogue indicator with no unit takes the catalogue's unit."""
    by_cmp = {v: k for k, v in comparator_labels(lang).items()}
    units = units or {}
    out, errors = [], []
    for n, r in enumerate(df.to_dict("records"), start=1):
        if r.get("keep") is False or (_missing(r.get("keep")) and not any(
                not _missing(r.get(c)) and str(r.get(c)).strip() for c in ("text", "value", "indicator"))):
            continue
        problems = []
        code = indicators.get(r.get("indicator") or "", None)
        if code is None:
            code = UNMAPPED
            if not _missing(r.get("indicator")) and r.get("indicator"):
                problems.append(tr("unknown_indicator", lang, v=r["indicator"]))
        comparator = by_cmp.get(r.get("comparator") or "")
        if comparator is None:
            problems.append(tr("need_comparator", lang))
        values = []
        for col, orig in (("value", "orig_value"), ("value_high", "orig_high")):
            try:
                values.append(read_value(r.get(col), r.get(orig)))
            except NumberError as exc:
                values.append(None)
                problems.append(exc.en if lang == "en" else exc.vi)
        value, high = values
        if comparator in ("ge", "gt", "le", "lt", "eq", "between") and value is None and not problems:
            problems.append(tr("need_value", lang))
        if comparator == "between" and high is None and not problems:
            problems.append(tr("need_high", lang))
        text = "" if _missing(r.get("text")) else nfc(str(r["text"])).strip()
        label = "" if _missing(r.get("indicator_label")) else nfc(str(r["indicator_label"])).strip()
        if not text and not label and code == UNMAPPED:
            problems.append(tr("need_content", lang))
        if problems:  # the table shows no row numbers: name the row by its words too
            words = text or label or ("" if _missing(r.get("indicator")) else str(r["indicator"]))
            shown = f" (“{words[:50]}{'…' if len(words) > 50 else ''}”)" if words else ""
            errors.append(f"{tr('row', lang, n=n)}{shown}: {'; '.join(problems)}")
            continue
        unit = "" if _missing(r.get("unit")) else nfc(str(r["unit"])).strip()
        start, end = (None if _missing(r.get(k)) else int(r[k]) for k in ("start", "end"))
        out.append(PlanTarget(
            indicator=code, comparator=comparator, value=value, value_high=high if comparator == "between" else None,
            unit=unit or (units.get(code, "") if code != UNMAPPED else ""),
            scope="" if _missing(r.get("scope")) else nfc(str(r["scope"])).strip(),
            text=text, start=start, end=end, indicator_label=label or (text[:80] if code == UNMAPPED else ""),
            note="" if _missing(r.get("note")) else nfc(str(r["note"])).strip()))
    out.sort(key=lambda t: (t.start is None, t.start or 0))  # stable: typed rows keep their order
    return out, errors


# ---------------------------------------------------------------- sentences of the plan

_SENTENCE_END = re.compile(r"(?<=[.;!?:])\s+(?=\S)|\n+")


def sentences(text: str, targets: list[PlanTarget] = (), limit: int = 400) -> list[tuple[int, int, str]]:
    """Sentences of the plan not already read as a target, as (start, end, text) in its text."""
    taken = [(t.start, t.end) for t in targets if t.start is not None and t.end is not None]
    out, pos = [], 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        a, b = pos, end
        while a < b and text[a].isspace():
            a += 1
        piece = text[a:b].strip()
        overlaps = any(s < a + len(piece) and a < e for s, e in taken)
        if 12 <= len(piece) <= 600 and re.search(r"\w", piece) and not overlaps:
            out.append((a, a + len(piece), piece))
        pos = m.end() if m else len(text)
        if len(out) >= limit:
            break
    return out


# ---------------------------------------------------------------- locality

@lru_cache(maxsize=4)
def unit_keys(schemes: tuple[str, ...]) -> tuple[str, ...]:
    """Every unit of the schemes as 'scheme:code', alphabetical by name, then province."""
    from chitieu import units
    us = [u for u in units.all_units() if u.scheme in schemes]
    us.sort(key=lambda u: (fold(u.bare_name), u.name, fold(u.province_name), u.scheme))
    return tuple(f"{u.scheme}:{u.code}" for u in us)


def schemes(year) -> tuple[str, ...]:
    from chitieu import units
    return units.schemes_for_year(None if _missing(year) else int(year))


def _unit(key: str):
    from chitieu import units
    scheme, _, code = str(key).partition(":")
    return units.get_unit(scheme, code) if code else None


@lru_cache(maxsize=65_536)  # the drop-down labels every unit on each rerun: ~90 ms for 14,000 uncached
def unit_label(key: str, lang: str = "vi", both: bool = False) -> str:
    """'Xã Tam Phước — Huyện Phú Ninh, Tỉnh Quảng Nam'; text that is not a unit key as typed."""
    u = _unit(key)
    if u is None:
        return str(key)
    parents = [p for p in dict.fromkeys((u.parent_name, u.province_name)) if p and p != u.name]
    label = f"{u.name} — {', '.join(parents)}" if parents else u.name
    return f"{label} ({tr('pre' if u.scheme == 'gso_pre2025' else 'post', lang)})" if both else label


def candidate_keys(loc: Locality, year) -> list[str]:
    """The extractor's locality candidates as unit keys ('scheme:code'), the detected unit first.
    Accepts (scheme, code, name, parent) tuples, (code, name, district, province) tuples, dicts
    and objects with scheme/code."""
    allowed = set(schemes(year))
    keys = [f"{loc.scheme}:{loc.code}"] if loc.scheme in allowed and loc.code else []
    for c in loc.candidates or []:
        if isinstance(c, dict):
            scheme, code = c.get("scheme", ""), str(c.get("code", ""))
        elif hasattr(c, "code"):
            scheme, code = getattr(c, "scheme", ""), str(c.code)
        else:
            c = tuple(c)
            scheme, code = (c[0], str(c[1])) if c and c[0] in ("gso_pre2025", "gso_2025") else ("", str(c[0]))
        for s in ([scheme] if scheme else sorted(allowed)):
            if s in allowed and _unit(f"{s}:{code}") is not None:
                keys.append(f"{s}:{code}")
    return list(dict.fromkeys(keys))


def locality_options(loc: Locality, year) -> list[str]:
    """Candidates first, then every unit of the year's schemes (the drop-down filters as you type)."""
    cands = candidate_keys(loc, year)
    return cands + [k for k in unit_keys(schemes(year)) if k not in set(cands)]


def index_of(key: str, options: list[str]) -> int | None:
    """Where the extractor's own settled unit stands in the drop-down; None (nothing chosen) otherwise."""
    return options.index(key) if key in options else None


def resolve_choice(choice, year, detected: Locality, context: str = "") -> tuple[Locality, str]:
    """The Locality for what the analyst chose or typed, and 'resolved' / 'ambiguous' / 'unknown'.

    A unit key resolves at once; typed text goes through the registry (chitieu.units); nothing
    chosen keeps the detected locality (resolved only if the extractor resolved it)."""
    from chitieu import units
    if _missing(choice) or not str(choice).strip():
        if detected.scheme != "unresolved" and detected.code and detected.scheme in schemes(year):
            return detected, "resolved"
        return Locality(name=detected.name, level=detected.level, province=detected.province), (
            "ambiguous" if detected.candidates else "unknown")
    u = _unit(choice)
    if u is None:
        res = units.resolve_locality(str(choice), context=context, year=None if _missing(year) else int(year))
        if res.status != "resolved":
            return Locality(name=nfc(str(choice)).strip()), res.status
        u = res.unit
    province = re.sub(r"^(Tỉnh|Thành phố)\s+", "", u.province_name or "")
    return Locality(name=u.name, level=u.level, province=province, scheme=u.scheme, code=u.code), "resolved"


# ---------------------------------------------------------------- stored plans

def when(v) -> str:
    """'02/12/2026 07:15' — no seconds, no microseconds."""
    if _missing(v) or v is pd.NaT:
        return "–"
    try:
        return pd.Timestamp(v).strftime("%d/%m/%Y %H:%M")
    except (ValueError, TypeError):
        return str(v)


def stored_plans(df: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The stored-plans list as shown: locality, province, year, target count, readable date, by whom.
    No file names: the bundled plans are named by hashes ("000_df2d31d57fad400c.txt")."""
    cols = ["locality_name", "province", "year", "targets", "loaded_at", "loaded_by"]
    view = df.reindex(columns=cols).copy()
    view["loaded_at"] = view["loaded_at"].map(when)
    view["loaded_by"] = [actor_label(a, lang) if isinstance(a, str) and a else a for a in view["loaded_by"]]
    for c in ("locality_name", "province", "loaded_by"):
        view[c] = view[c].astype(object).where(view[c].notna() & (view[c].astype(str) != ""), "–")
    view["year"] = view["year"].map(lambda y: "–" if _missing(y) else str(int(y)))
    view["targets"] = view["targets"].fillna(0).astype(int)
    names = {"locality_name": "col_locality", "province": "col_province", "year": "col_year",
             "targets": "col_targets", "loaded_at": "col_loaded_at", "loaded_by": "col_loaded_by"}
    return view.rename(columns={c: tr(k, lang) for c, k in names.items()})



# ---------------------------------------------------------------- what the page says

def locality_message(status: str, loc: Locality, detected: Locality, n_candidates: int, both: bool,
                     lang: str = "vi") -> str:
    """The line under the locality choice: settled (with the unit's parents and code) or why not."""
    en = lang == "en"
    if status == "resolved":
        label = unit_label(f"{loc.scheme}:{loc.code}", lang, both)
        return (f"Locality settled: {label} · code {loc.code}" if en else
                f"Đã xác định địa phương: {label} · mã {loc.code}")
    name = loc.name or detected.name
    if status == "ambiguous" and n_candidates > 1:
        return (f"“{name}” is shared by {n_candidates} units: choose the right one (top of the list)." if en else
                f"“{name}” trùng tên với {n_candidates} đơn vị: chọn đúng đơn vị (đứng đầu danh sách).")
    quoted = f" “{name}”" if name else ""
    return (f"Locality{quoted} not settled: choose it in the list of administrative units." if en else
            f"Chưa xác định được địa phương{quoted}: chọn trong danh sách đơn vị hành chính.")


def save_problems(errors: list[str], year, targets: list, status: str, confirmed: bool, lang: str = "vi") -> list[str]:
    """Everything that stops a save, in words; empty when the plan may be saved."""
    en = lang == "en"
    out = list(errors)
    if _missing(year):
        out.append("The plan's year is missing." if en else "Chưa có năm của kế hoạch.")
    if not targets and not errors:
        out.append("No row is kept." if en else "Không còn dòng nào được giữ.")
    if status != "resolved" and not confirmed:
        out.append("Choose the locality, or tick “Save with the locality unsettled”." if en else
                   "Chọn địa phương, hoặc đánh dấu “Vẫn lưu với địa phương chưa xác định”.")
    return out


def saved_message(status: str, name: str, year, n: int, lang: str = "vi") -> str:
    """What a save did: created, replaced (the old plan kept in the history) or nothing new."""
    if lang == "en":
        return {"replaced": f"Replaced the {year} plan of {name}: {n} targets (the old plan is kept in the history).",
                "unchanged": f"The {year} plan of {name} is already stored with these {n} targets: nothing changed."
                }.get(status, f"Saved the {year} plan of {name}: {n} targets.")
    return {"replaced": f"Đã thay thế kế hoạch năm {year} của {name}: {n} chỉ tiêu "
                        "(kế hoạch cũ được giữ trong lịch sử).",
            "unchanged": f"Kế hoạch năm {year} của {name} đã được lưu với đúng {n} chỉ tiêu này: không có gì thay đổi."
            }.get(status, f"Đã lưu kế hoạch năm {year} của {name}: {n} chỉ tiêu.")
