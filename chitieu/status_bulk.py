"""The status rules of chitieu.status run over whole tables at once (numpy arrays, no row loop).

`chitieu.status.evaluate` stays THE definition: this module is the same rules written as array
operations, step for step in the same order, so that every target x period of the country is
judged in well under a second instead of one Python call per row (~23 s for the national
synthetic set). tests/test_status_bulk.py checks that both give the same status, percent and
rule for random targets and actuals (hypothesis) and for every target of the seed data and
of a synthetic national set. The "why" sentence is still written by `evaluate`, for the few
rows a reader opens (chitieu.store.reads.explain).

Input: a frame with the columns of chitieu.store.reads.target_rows — comparator, value,
value_high, direction, kind, measured, tolerance (catalogue), actual, actual_verdict,
assigned_value, actual_period (None: nothing reported; the target is then judged as of the
full year) and actual_standing. Output: status, percent (rounded to 0.1 like evaluate),
rule, percent_rule. A row `evaluate` would refuse (unknown comparator, period, standing,
verdict or tolerance) gets status no_data and rule "error", as the pages show it.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from chitieu.periods import parse_period, parse_standing
from chitieu.status import COMPARATORS, EXCEED_MARGIN, read_verdict

ERROR_RULE = "error"
_EPS = 1e-9  # chitieu.status._close_ge / _close_gt: forgive float noise relative to max(1, |b|)


def _missing(values: pd.Series) -> np.ndarray:
    """True where evaluate's _get would read None (None, NaN, pandas.NA)."""
    return values.isna().to_numpy()


def _floats(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _text(values: pd.Series, default: str = "") -> np.ndarray:
    """Object array of str: missing and empty values become `default` (evaluate's `x or default`)."""
    out = values.astype(object).where(values.notna(), None).to_numpy(dtype=object)
    return np.array([default if v is None or v == "" else v for v in out], dtype=object)


def _per_unique(values: np.ndarray, fn) -> tuple[np.ndarray, np.ndarray]:
    """fn over each distinct value (a handful: periods, standings, verdicts, tolerances).
    Returns (results as object array, error mask)."""
    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    res = np.empty(len(uniq), dtype=object)
    bad = np.zeros(len(uniq), dtype=bool)
    for k, v in enumerate(uniq):
        try:
            res[k] = fn(v)
        except Exception:  # noqa: BLE001 — the same input makes evaluate raise: an error row
            bad[k] = True
    return res[codes], bad[codes]


def _tolerance_spec(text: Any) -> tuple[bool, float]:
    """(is_percent, number) of a catalogue tolerance, as chitieu.status.parse_tolerance reads it."""
    s = str(text or "").strip().replace(",", ".")
    if not s:
        return False, 0.0
    if s.endswith("%"):
        return True, float(s[:-1])
    return False, float(s)


def _tolerance(is_pct: np.ndarray, number: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """parse_tolerance(spec, reference): abs(reference or 0) * p / 100 for "p%", else the number."""
    ref = np.where(np.isnan(reference) | (reference == 0), 0.0, reference)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(is_pct, np.abs(ref) * number / 100.0, number)


def _ge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """_close_ge(a, b) elementwise (NaN compares False; callers mask unbounded sides)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return a >= b - _EPS * np.maximum(1.0, np.abs(b))


def _gt(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):
        return a > b + _EPS * np.maximum(1.0, np.abs(b))


def judge(rows: pd.DataFrame) -> pd.DataFrame:
    """status, percent, rule, percent_rule for every row of `rows` (index kept)."""
    n = len(rows)
    idx = rows.index
    if n == 0:
        return pd.DataFrame({"status": pd.Series([], dtype=object), "percent": pd.Series([], dtype="float64"),
                             "rule": pd.Series([], dtype=object), "percent_rule": pd.Series([], dtype=object)},
                            index=idx)
    cmp = np.array([str(v).strip() if v is not None else "" for v in
                    rows["comparator"].astype(object).where(rows["comparator"].notna(), "").to_numpy()],
                   dtype=object)
    direction = _text(rows["direction"], "higher_is_better")
    kind = _text(rows["kind"], "level")
    measured = _text(rows["measured"], "periodic")
    has_actual = ~_missing(rows["actual_period"]) & (rows["actual_period"].astype(object)
                                                     .where(rows["actual_period"].notna(), "") != "").to_numpy()

    status = np.full(n, "", dtype=object)
    rule = np.full(n, "", dtype=object)
    percent = np.full(n, np.nan)
    percent_rule = np.full(n, None, dtype=object)
    decided = np.zeros(n, dtype=bool)

    def settle(mask: np.ndarray, st: Any, ru: Any) -> None:
        m = mask & ~decided
        status[m] = st if not isinstance(st, np.ndarray) else st[m]
        rule[m] = ru if not isinstance(ru, np.ndarray) else ru[m]
        decided[m] = True

    # 1. Unknown comparator, then the period and the standing: evaluate raises before anything else.
    settle(~np.isin(cmp, COMPARATORS), "no_data", ERROR_RULE)
    periods = np.where(has_actual, rows["actual_period"].astype(object).to_numpy(), "FY")
    months_obj, bad_period = _per_unique(periods, lambda p: parse_period(p).months)
    settle(bad_period, "no_data", ERROR_RULE)
    months = np.array([m if m is not None else 12 for m in months_obj], dtype="float64")
    full_year = months == 12
    standings = np.where(has_actual, rows["actual_standing"].astype(object)
                         .where(rows["actual_standing"].notna(), None).to_numpy(), None)
    _, bad_standing = _per_unique(np.array(["" if s is None else s for s in standings], dtype=object),
                                  lambda s: parse_standing(s or None, default=None))
    settle(bad_standing, "no_data", ERROR_RULE)

    # 2. Measured once a year, asked before the year is over.
    settle((measured == "annual") & ~full_year, "not_assessable", "annual_only")

    # 3. Qualitative targets: the analyst's verdict.
    qual = cmp == "qualitative"
    if qual.any():
        verdict_in = np.where(has_actual, rows["actual_verdict"].astype(object)
                              .where(rows["actual_verdict"].notna(), None).to_numpy(), None)
        verdicts, bad_verdict = _per_unique(np.array(["" if v is None else v for v in verdict_in], dtype=object),
                                            lambda v: read_verdict(v if v != "" else None))
        settle(qual & bad_verdict, "no_data", ERROR_RULE)
        settle(qual & (verdicts == None), "no_data", "no_data")  # noqa: E711 — elementwise
        ok = verdicts == "dat"
        q_status = np.where(full_year, np.where(ok, "met", "not_met"), np.where(ok, "on_track", "at_risk"))
        settle(qual, q_status.astype(object), "qualitative")

    # 4. Nothing reported.
    x = np.where(has_actual, _floats(rows["actual"]), np.nan)
    settle(np.isnan(x), "no_data", "no_data")

    # 5. The figure compared with: the target, or for exceed_assigned the assigned figure.
    t = _floats(rows["value"])
    h = _floats(rows["value_high"])
    exa = cmp == "exceed_assigned"
    assigned = np.where(has_actual, _floats(rows["assigned_value"]), np.nan)
    assigned = np.where(np.isnan(assigned), t, assigned)
    settle(exa & np.isnan(assigned), "needs_assigned", "needs_assigned")
    t = np.where(exa, assigned, t)
    between = cmp == "between"
    swap = between & (t > h)
    t, h = np.where(swap, h, t), np.where(swap, t, h)
    settle(np.isnan(t) | (between & np.isnan(h)), "not_assessable", "target_without_value")

    # 6. Tolerance of the catalogue (a malformed one makes evaluate raise here).
    tol_spec, bad_tol = _per_unique(_text(rows["tolerance"], ""), _tolerance_spec)
    settle(bad_tol, "no_data", ERROR_RULE)
    live = ~decided
    if not live.any():
        return _frame(idx, status, percent, rule, percent_rule)
    tol_pct = np.array([bool(s[0]) if s is not None else False for s in tol_spec])
    tol_num = np.array([s[1] if s is not None else 0.0 for s in tol_spec], dtype="float64")
    tol = _tolerance(tol_pct, tol_num, t)
    tol_high = _tolerance(tol_pct, tol_num, np.where(np.isnan(h), t, h))

    # 7. Sense, mode and the figure judged.
    sense = np.where(np.isin(cmp, ("ge", "gt")), "up", np.where(np.isin(cmp, ("le", "lt")), "down",
                     np.where(direction == "lower_is_better", "down",
                              np.where((direction == "target_band") & ~exa, "band", "up"))))
    flow = ~full_year & (kind == "flow")
    mode = np.where(full_year, "full_year", np.where(flow, "flow_pace", "level_direct"))
    with np.errstate(invalid="ignore", over="ignore"):
        judged = np.where(flow, x * 12 / months, x)
    op = np.where(exa, np.where(sense == "down", "le", "ge"), cmp)
    up, down, band = sense == "up", sense == "down", sense == "band"

    # 8. The interval of values that meet the target (chitieu.status._met_interval).
    nan = np.full(n, np.nan)
    is_ge, is_le = np.isin(op, ("ge", "gt")), np.isin(op, ("le", "lt"))
    is_between, is_eq = op == "between", op == "eq"
    with np.errstate(invalid="ignore", over="ignore"):
        lo = np.select([is_ge, is_le, is_between & up, is_between & down, is_between & band,
                        is_eq & up, is_eq & down, is_eq & band],
                       [t, nan, t, nan, t - tol, t - tol, nan, t - tol], nan)
        hi = np.select([is_ge, is_le, is_between & up, is_between & down, is_between & band,
                        is_eq & up, is_eq & down, is_eq & band],
                       [nan, t, nan, h, h + tol_high, nan, t + tol, t + tol], nan)
    lo_open = (is_le | (is_between & down) | (is_eq & down))
    hi_open = (is_ge | (is_between & up) | (is_eq & up))
    strict = (op == "gt") | (op == "lt")
    above = lo_open | np.where(strict, _gt(judged, lo), _ge(judged, lo))
    below = hi_open | np.where(strict, _gt(hi, judged), _ge(hi, judged))
    ok = above & below

    # 9. Exceeded: beyond the far end of a range, or the 5 % margin past a positive point target.
    point = ~is_between & ~band & (t > 0)
    with np.errstate(invalid="ignore", over="ignore"):
        ex_lo = np.select([is_between & up & ~band, point & up], [h, t * (1 + EXCEED_MARGIN)], nan)
        ex_hi = np.select([is_between & down & ~band, point & down], [t, t * (1 - EXCEED_MARGIN)], nan)
    has_ex_lo = (is_between & up) | (point & up)
    has_ex_hi = (is_between & down) | (point & down)
    beyond = np.where(has_ex_lo, np.where(is_between, _gt(judged, ex_lo), _ge(judged, ex_lo)),
                      np.where(has_ex_hi, np.where(is_between, _gt(ex_hi, judged), _ge(ex_hi, judged)), False))
    exceeded = ok & beyond

    # 10. Percent (chitieu.status._percent).
    h_or_t = np.where(np.isnan(h) | (h == 0), t, h)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        ref = np.where(is_between, np.select([up, down], [t, h], (t + h_or_t) / 2), t)
        zero = ~(ref > 0)  # None or <= 0
        mirror = 100.0 + (ref - judged) / ref * 100.0
        ratio = judged / ref * 100.0
        pct = np.where(zero, np.where(ok, 100.0, 0.0), np.maximum(0.0, np.where(down, mirror, ratio)))
    p_rule = np.where(zero, "zero_target", np.where(down, "mirror", np.where(band, "band_ratio", "ratio")))

    # 11. Status and rule key.
    num_status = np.where(full_year, np.where(exceeded, "exceeded", np.where(ok, "met", "not_met")),
                          np.where(ok, "on_track", "at_risk"))
    rule_cmp = np.where((cmp == "eq") & band, "eq_band", cmp)
    num_rule = np.char.add(np.char.add(rule_cmp.astype(str), "."), mode.astype(str))
    # A percent too large for a float (a target of 1e-320) makes evaluate's sentence fail: an error row.
    settle(live & ~np.isfinite(pct), "no_data", ERROR_RULE)
    live &= np.isfinite(pct)
    percent[live] = [round(float(p), 1) for p in pct[live]]
    percent_rule[live] = p_rule[live]
    settle(live, num_status.astype(object), num_rule.astype(object))
    return _frame(idx, status, percent, rule, percent_rule)


def _frame(idx, status, percent, rule, percent_rule) -> pd.DataFrame:
    return pd.DataFrame({"status": status, "percent": percent, "rule": rule, "percent_rule": percent_rule},
                        index=idx)
