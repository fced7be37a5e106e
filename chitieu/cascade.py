"""Cascade check (issue 13): do the units' targets add up to (or agree with) the level above's?

Pure: takes the parent/unit target pairs from chitieu.store.cycle.cascade_pairs (with the
catalogue's kind and direction of each indicator).
- Amounts and counts that add up (a unit of measure that is a count or an amount: lao động, xã,
  tỷ đồng — not '%', '‰', per-head '…/người', 'tiêu chí' or no unit; see `additive`): the units'
  targets are summed. Higher-is-better (jobs created, revenue, new-rural communes): a gap when the sum is below
  the level above's target — the units meeting their own targets would not reach it. Lower-is-better
  (new poor households): a gap when the sum is above it.
- Rates, shares, per-head figures, scores: they do not add up; a gap when no unit's target is
  as ambitious as the level above's (higher-is-better: the highest unit target is below it; lower-is-
  better: the lowest is above it), since then the level above cannot follow from its units.
- Units with other units of measure, or a parent with a range or a qualitative target: not compared.
Only some units may set the target: `units_with` / `units_planned` says how many did; with fewer than
all, a sum below the level above is reported as "incomplete", not as a gap.
"""
from __future__ import annotations

import pandas as pd

from chitieu.numbers import format_vn

VERDICT_VI = {"consistent": "Khớp", "gap": "Vênh", "incomplete": "Chưa đủ đơn vị", "not_comparable": "Không so được"}
VERDICT_EN = {"consistent": "Consistent", "gap": "Gap", "incomplete": "Not all units", "not_comparable": "Not comparable"}
_KEYS = ["parent_scheme", "parent_code", "parent_name", "province", "indicator", "scope"]


def _fmt(v: float) -> str:
    try:
        return format_vn(v)
    except Exception:  # noqa: BLE001 - a display helper must not break the check
        return f"{v:g}"


def additive(kind: str | None, unit: str) -> bool:
    """Do the units' figures add up to the level above's? Counts and amounts do (lao động, xã, tỷ đồng);
    rates, shares, per-head figures and scores do not ('%', '‰', '…/người', 'tiêu chí', no unit)."""
    u = (unit or "").strip().lower()
    return bool(u) and u not in ("%", "‰", "điểm", "lần") and "/" not in u and not u.startswith("tiêu chí")


def _q(v: float, unit: str) -> str:
    return f"{_fmt(v)} {unit or ''}".strip()


def _qe(v: float, unit: str) -> str:
    return f"{v:,.10g} {unit or ''}".strip()


def check(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per (parent locality, indicator, scope): rule ('sum' / 'range' / None), verdict
    ('consistent', 'gap', 'incomplete', 'not_comparable'), the figures and a sentence saying so
    (`message` in Vietnamese, `message_en` in English; `indicator_name_en` when the pairs carry it)."""
    cols = [*_KEYS, "indicator_name", "indicator_name_en", "rule", "verdict", "parent_value", "unit", "units_with",
            "units_planned", "units_total", "message", "message_en"]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    p = pairs.copy()
    if "indicator_name_en" not in p:
        p["indicator_name_en"] = p["indicator_name"]
    p["scope"] = p["scope"].fillna("")
    p["same"] = (p["unit_unit"].fillna("") == p["parent_unit"].fillna("")) & p["unit_comparator"].isin(_CMP)
    p["v"] = p["unit_value"].where(p["same"])
    g = p.groupby(_KEYS, sort=False, dropna=False).agg(
        parent_value=("parent_value", "first"), indicator_name=("indicator_name", "first"),
        indicator_name_en=("indicator_name_en", "first"),
        kind=("kind", "first"), direction=("direction", "first"), unit=("parent_unit", "first"), comparator=("comparator", "first"),
        units_with=("unit_code", "size"), units_planned=("units_planned", "first"), n_same=("same", "sum"),
        total=("v", "sum"), low=("v", "min"), high=("v", "max")).reset_index()
    out = [_judge(r) for r in g.to_dict("records")]
    return pd.DataFrame(out, columns=cols)


_CMP = ("ge", "gt", "le", "lt", "eq")


def _judge(r: dict) -> dict:
    unit, parent = r["unit"] or "", float(r["parent_value"])
    base = {k: r[k] for k in (*_KEYS, "indicator_name", "indicator_name_en", "parent_value", "units_with",
                              "units_planned")}
    base.update(unit=unit, rule=None, units_total=None)
    if not isinstance(r["kind"], str) or not r["n_same"] or r["comparator"] not in _CMP:
        return {**base, "verdict": "not_comparable",
                "message": "Không so được (đơn vị tính khác nhau, chỉ tiêu định tính hoặc khoảng).",
                "message_en": "Not comparable (different units of measure, a qualitative target or a range)."}
    lower = r["direction"] == "lower_is_better"
    if additive(r["kind"], unit):
        total = float(r["total"])
        base.update(rule="sum", units_total=total)
        if not (total > parent if lower else total < parent):
            return {**base, "verdict": "consistent", "message": f"Các đơn vị cộng lại {_q(total, unit)}, "
                    f"{'không vượt' if lower else 'đủ'} chỉ tiêu cấp trên {_q(parent, unit)}.",
                    "message_en": f"The units add up to {_qe(total, unit)}, "
                    f"{'not above' if lower else 'enough for'} the level above's target of {_qe(parent, unit)}."}
        partial = r["units_with"] < r["units_planned"] and not lower
        msg = (f"Các đơn vị cộng lại {_q(total, unit)}, {'cao' if lower else 'thấp'} hơn chỉ tiêu cấp trên "
               f"{_q(parent, unit)} ({'vượt' if lower else 'thiếu'} {_q(abs(total - parent), unit)})")
        msg += f"; mới {r['units_with']}/{r['units_planned']} đơn vị đặt chỉ tiêu này." if partial else "."
        en = (f"The units add up to {_qe(total, unit)}, {'above' if lower else 'below'} the level above's target of "
              f"{_qe(parent, unit)} ({'over' if lower else 'short'} by {_qe(abs(total - parent), unit)})")
        en += f"; only {r['units_with']} of {r['units_planned']} units set this target." if partial else "."
        return {**base, "verdict": "incomplete" if partial else "gap", "message": msg, "message_en": en}
    best = float(r["low"] if lower else r["high"])
    base.update(rule="range", units_total=best)
    if (best > parent) if lower else (best < parent):
        return {**base, "verdict": "gap", "message": (
            f"Chỉ tiêu {'thấp nhất' if lower else 'cao nhất'} của các đơn vị là {_q(best, unit)}, "
            f"{'cao' if lower else 'thấp'} hơn chỉ tiêu cấp trên {_q(parent, unit)}: cấp trên không thể đạt "
            "nếu các đơn vị chỉ đạt chỉ tiêu của mình."), "message_en": (
            f"The {'lowest' if lower else 'highest'} unit target is {_qe(best, unit)}, {'above' if lower else 'below'} "
            f"the level above's target of {_qe(parent, unit)}: the level above cannot reach it if the units only "
            "meet their own.")}
    return {**base, "verdict": "consistent", "message": (
        f"Chỉ tiêu các đơn vị từ {_q(float(r['low']), unit)} đến {_q(float(r['high']), unit)}, phù hợp với "
        f"chỉ tiêu cấp trên {_q(parent, unit)}."), "message_en": (
        f"The units' targets range from {_qe(float(r['low']), unit)} to {_qe(float(r['high']), unit)}, consistent "
        f"with the level above's target of {_qe(parent, unit)}.")}
