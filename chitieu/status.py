"""Status rules: is a target met, given what was reported against it? Pure functions.

`evaluate(target, indicator, actual, period)` returns a `Verdict` that keeps every input
(target, actual, period, rule, thresholds, projection) and says in Vietnamese and English
why it has its status, so the dashboard can answer "why this colour" beside the figure.
The CLI, the Excel import and the dashboard all call this one function.

The rules (README, section "Status rules", has worked examples):

* Sense. ge/gt (and exceed_assigned) mean "more is better" for this target, le/lt mean
  "less is better"; between and eq take the sense from the indicator's direction
  (higher_is_better -> up, lower_is_better -> down, target_band -> band). The comparator
  wins over the catalogue because it is what the plan actually says.
* Met / exceeded (full year only). Met when the comparator holds (eq and target-band ranges
  within the catalogue tolerance). Exceeded when met *and* beyond the target by at least
  EXCEED_MARGIN (5 %) in the good direction, i.e. percent >= 105; for between, beyond the
  far end of the range. Bands and zero targets are never "exceeded".
* Partial year. Flow indicators (accumulate: revenue, arrivals, jobs) are projected to the
  year end (actual x 12 / months) and the projection is judged like a full-year figure; that
  is the same as comparing the actual with the pace target x months / 12. Level indicators
  (rates, coverage) are compared directly. Either way the answer is on_track or at_risk,
  never met/not_met before the year is over. measured=annual indicators are not_assessable
  before FY.
* Percent (100 = exactly on target; >= 100 means on the good side, except at a strict gt/lt
  boundary): up: x / T; down: mirror, 100 + (T - x) / T, so 10 % above a ceiling is 90 %,
  like 10 % below a floor; band: x / T (T = midpoint of a range); ranges use the end that
  must be reached (lower end when up, upper end when down). Floored at 0. A zero or negative T makes a ratio
  meaningless: percent is then 100 when met and 0 when not. x is the projection for flows
  mid-year, so the percent is "percent of the pace".
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

from chitieu.errors import UserError
from chitieu.numbers import format_vn
from chitieu.periods import FY, Period, Standing, parse_period, parse_standing
from chitieu.textnorm import fold

EXCEED_MARGIN = 0.05  # "vượt" means at least 5 % beyond the target; a hair over is just "đạt"
COMPARATORS = ("ge", "gt", "le", "lt", "eq", "between", "exceed_assigned", "qualitative")

# Okabe-Ito colours (safe for the common colour-vision deficiencies); every status also has
# an icon and a label, so colour is never the only signal. severity: higher = more behind.
STATUS_INFO: dict[str, dict[str, Any]] = {
    "exceeded":       {"vi": "Vượt", "en": "Exceeded", "icon": "★", "color": "#0072B2", "severity": 0},
    "met":            {"vi": "Đạt", "en": "Met", "icon": "✔", "color": "#009E73", "severity": 1},
    "on_track":       {"vi": "Đúng tiến độ", "en": "On track", "icon": "↗", "color": "#56B4E9", "severity": 2},
    "not_assessable": {"vi": "Chưa đánh giá được", "en": "Not assessable yet", "icon": "◌",
                       "color": "#BBBBBB", "severity": 3},
    "no_data":        {"vi": "Chưa có số liệu", "en": "No data", "icon": "○", "color": "#999999", "severity": 4},
    "needs_assigned": {"vi": "Chưa có chỉ tiêu giao", "en": "Assigned figure missing", "icon": "✎",
                       "color": "#CC79A7", "severity": 5},
    "at_risk":        {"vi": "Có nguy cơ không đạt", "en": "At risk", "icon": "⚠", "color": "#E69F00",
                       "severity": 6},
    "not_met":        {"vi": "Chưa đạt", "en": "Not met", "icon": "✘", "color": "#D55E00", "severity": 7},
}
STATUSES: tuple[str, ...] = tuple(STATUS_INFO)
# Most behind first: the order of a "most behind" list.
SEVERITY_ORDER: tuple[str, ...] = tuple(sorted(STATUS_INFO, key=lambda s: -STATUS_INFO[s]["severity"]))


@dataclass(frozen=True)
class TargetIn:
    comparator: str
    value: float | None = None
    value_high: float | None = None
    unit: str = ""
    scope: str = ""


@dataclass(frozen=True)
class ActualIn:
    value: float | None = None
    verdict: str | None = None          # qualitative: "dat" / "khong_dat"
    assigned_value: float | None = None  # exceed_assigned: the figure assigned from above
    period: str | None = None
    standing: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The status of one target at one period, with everything that produced it."""

    status: str
    rule: str                       # stable key, e.g. "ge.full_year", "le.flow_pace", "annual_only"
    percent: float | None           # rounded to 0.1, as shown; None when there is nothing to compare
    period: str
    comparator: str
    target: float | None
    target_high: float | None
    unit: str
    actual: float | None
    standing: str | None = None
    verdict: str | None = None      # qualitative input
    assigned: float | None = None   # exceed_assigned: the figure compared with
    sense: str | None = None        # up / down / band
    percent_rule: str | None = None  # ratio / mirror / band_ratio / zero_target
    projection: float | None = None  # flows mid-year: actual x 12 / months
    percent_of_annual: float | None = None  # flows mid-year: actual / annual target, as reports print it
    thresholds: dict[str, Any] = field(default_factory=dict)
    explanation_vi: str = ""
    explanation_en: str = ""

    def label(self, lang: str = "vi") -> str:
        return STATUS_INFO[self.status]["en" if lang == "en" else "vi"]

    def explanation(self, lang: str = "vi") -> str:
        return self.explanation_en if lang == "en" else self.explanation_vi

    @property
    def icon(self) -> str:
        return STATUS_INFO[self.status]["icon"]

    @property
    def color(self) -> str:
        return STATUS_INFO[self.status]["color"]

    @property
    def severity(self) -> int:
        return STATUS_INFO[self.status]["severity"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def behind_key(v: Verdict) -> tuple:
    """Sort key for "most behind first": severity, then lowest percent (unknown percent last)."""
    return (-v.severity, v.percent is None, v.percent if v.percent is not None else 0.0)


# ---------------------------------------------------------------- inputs


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        value = obj.get(name, default)
    else:
        value = getattr(obj, name, default)
    try:
        if value != value:  # NaN from pandas / DuckDB means missing
            return default
    except TypeError:  # pandas.NA refuses to be compared: also missing
        return default
    return default if value is None else value


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


_DAT = {"dat", "d", "yes", "met", "true", "1", "x", "co"}
_KHONG_DAT = {"khong dat", "chua dat", "no", "not met", "false", "0", "k", "khong"}


def read_verdict(text: Any) -> str | None:
    """Qualitative verdict from an analyst: "dat" / "khong_dat", None when blank."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    key = ("true" if text else "false") if isinstance(text, bool) else fold(str(text))  # "khong_dat" -> "khong dat"
    if key in _DAT:
        return "dat"
    if key in _KHONG_DAT:
        return "khong_dat"
    raise UserError("unknown-verdict",
                    f'Đánh giá "{text}" không hợp lệ: ghi "Đạt" hoặc "Không đạt".',
                    f'Verdict "{text}" not understood: write "Đạt" (met) or "Không đạt" (not met).')


def parse_tolerance(text: Any, reference: float | None) -> float:
    """Catalogue tolerance: "1" = ±1 in the unit, "5%" = ±5 % of the reference; blank = 0."""
    s = str(text or "").strip().replace(",", ".")
    if not s:
        return 0.0
    if s.endswith("%"):
        return abs(reference or 0.0) * float(s[:-1]) / 100.0
    return float(s)


def _close_ge(a: float, b: float) -> bool:
    """a >= b, forgiving float noise such as 3.0 * 12 / 3 != 12.0."""
    return a >= b - 1e-9 * max(1.0, abs(b))


def _close_gt(a: float, b: float) -> bool:
    return a > b + 1e-9 * max(1.0, abs(b))


# ---------------------------------------------------------------- formatting


def _round(x: float) -> float:
    """Derived figures (pace, projection, bounds) get as many decimals as a reader needs."""
    return round(x, 2 if abs(x) < 100 else 1 if abs(x) < 10_000 else 0)


def _vi(x: float | None, derived: bool = False) -> str:
    """Vietnamese notation (1.234,5); inputs keep their decimals, derived figures are rounded."""
    if x is None:
        return "–"
    return format_vn(_round(x) if derived else round(x, 4))


def _en(x: float | None, derived: bool = False) -> str:
    if x is None:
        return "–"
    x = _round(x) if derived else round(x, 4)
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def _u(unit: str) -> str:
    return unit if unit in ("%", "‰") or not unit else " " + unit


def _condition(cmp: str, t: float | None, h: float | None, unit: str, tol: float, lang: str,
               sense: str | None = "up") -> str:
    n = _en if lang == "en" else _vi
    u = _u(unit)
    pm = f" (± {n(tol, True)}{u})" if tol else ""
    if cmp == "between":
        return f"{n(t)}–{n(h)}{u}{pm}" if lang == "en" else f"từ {n(t)} đến {n(h)}{u}{pm}"
    if cmp == "exceed_assigned":
        sym = "≤" if sense == "down" else "≥"
        return f"{sym} assigned {n(t)}{u}" if lang == "en" else f"{sym} mức giao {n(t)}{u}"
    sym = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "="}[cmp]
    return f"{sym} {n(t)}{u}{pm}"


# ---------------------------------------------------------------- the rules


def _sense(comparator: str, direction: str) -> str:
    if comparator in ("ge", "gt"):
        return "up"
    if comparator in ("le", "lt"):
        return "down"
    if comparator == "exceed_assigned":
        return "down" if direction == "lower_is_better" else "up"
    return {"lower_is_better": "down", "target_band": "band"}.get(direction, "up")


def _met_interval(cmp: str, sense: str, t: float, h: float | None, tol: float, tol_high: float
                  ) -> tuple[float | None, float | None, bool]:
    """(min, max, strict) of the values that meet the target; None = unbounded."""
    if cmp in ("ge", "gt"):
        return t, None, cmp == "gt"
    if cmp in ("le", "lt"):
        return None, t, cmp == "lt"
    if cmp == "between":
        if sense == "up":
            return t, None, False       # above the range is "exceeded", still good
        if sense == "down":
            return None, h, False       # below the range is "exceeded", still good
        return t - tol, h + tol_high, False
    # eq: a point target; a band allows the tolerance both ways, a direction one way only.
    if sense == "up":
        return t - tol, None, False
    if sense == "down":
        return None, t + tol, False
    return t - tol, t + tol, False


def _exceed_bound(cmp: str, sense: str, t: float, h: float | None) -> tuple[float | None, float | None]:
    """(exceed_min, exceed_max): beyond these the target is exceeded. None = cannot exceed."""
    if sense == "band":
        return None, None
    if cmp == "between":
        return (h, None) if sense == "up" else (None, t)
    if t <= 0:
        return None, None  # zero targets ("no new poor households") are met or not, never exceeded
    return (t * (1 + EXCEED_MARGIN), None) if sense == "up" else (None, t * (1 - EXCEED_MARGIN))


def _inside(x: float, lo: float | None, hi: float | None, strict: bool) -> bool:
    above = True if lo is None else (_close_gt(x, lo) if strict else _close_ge(x, lo))
    below = True if hi is None else (_close_gt(hi, x) if strict else _close_ge(hi, x))
    return above and below


def _beyond(x: float, ex_lo: float | None, ex_hi: float | None, strict: bool) -> bool:
    if ex_lo is not None:
        return _close_gt(x, ex_lo) if strict else _close_ge(x, ex_lo)
    if ex_hi is not None:
        return _close_gt(ex_hi, x) if strict else _close_ge(ex_hi, x)
    return False


def _percent(cmp: str, sense: str, x: float, t: float, h: float | None, met: bool) -> tuple[float, str]:
    ref = t
    if cmp == "between":
        ref = {"up": t, "down": h, "band": (t + (h or t)) / 2}[sense]
    if ref is None or ref <= 0:
        return (100.0 if met else 0.0), "zero_target"
    if sense == "down":
        return max(0.0, 100.0 + (ref - x) / ref * 100.0), "mirror"
    return max(0.0, x / ref * 100.0), ("band_ratio" if sense == "band" else "ratio")


def _resolve_period(period: Any, actual: Any) -> Period:
    own = _get(actual, "period")
    if period is None:
        return parse_period(own) if own else FY
    p = parse_period(period)
    if own and parse_period(own) != p:
        raise ValueError(f"actual is for period {own}, evaluated as {p.code}")
    return p


def evaluate(target: Any, indicator: Any, actual: Any = None, period: Any = None) -> Verdict:
    """Status of `target` given `actual` (None = nothing reported) at `period`.

    target: TargetIn, a mapping or any object with comparator, value, value_high, unit.
    indicator: catalogue Indicator or mapping (direction, kind, measured, tolerance, unit);
      None means higher_is_better, level, periodic.
    actual: ActualIn, a mapping or object with value, verdict, assigned_value, period, standing.
    period: code or label or Period; defaults to the actual's period, else FY. A period that
      contradicts the actual's own is a caller bug (ValueError).
    Raises UserError("unknown-comparator") for a comparator outside COMPARATORS.
    """
    cmp = str(_get(target, "comparator", "")).strip()
    if cmp not in COMPARATORS:
        raise UserError("unknown-comparator", f'Phép so sánh "{cmp}" không hợp lệ.',
                        f'Unknown comparator "{cmp}".')
    per = _resolve_period(period, actual)
    direction = _get(indicator, "direction", "higher_is_better")
    kind = _get(indicator, "kind", "level")
    unit = _get(target, "unit", "") or _get(indicator, "unit", "") or ""
    t, h = _num(_get(target, "value")), _num(_get(target, "value_high"))
    x = _num(_get(actual, "value"))
    standing = parse_standing(_get(actual, "standing"), default=None)
    sense = None if cmp == "qualitative" else _sense(cmp, direction)
    base = dict(period=per.code, comparator=cmp, target=t, target_high=h, unit=unit, actual=x,
                standing=standing.code if standing else None, sense=sense)
    head_vi, head_en = _heads(per, x, unit, standing, kind == "flow")

    def done(status: str, rule: str, why_vi: str, why_en: str, **kw: Any) -> Verdict:
        return Verdict(status=status, rule=rule, percent=kw.pop("percent", None), **base, **kw,
                       explanation_vi=f"{head_vi}. {why_vi}", explanation_en=f"{head_en}. {why_en}")

    if _get(indicator, "measured", "periodic") == "annual" and not per.is_full_year:
        return done("not_assessable", "annual_only",
                    f"Chỉ tiêu này chỉ đo một lần vào cuối năm, nên ở kỳ báo cáo {per.label_vi} chưa đánh giá được "
                    "(không phải là chưa đạt).",
                    f"This indicator is measured once a year, so a {per.label_en} report cannot assess it yet "
                    "(which is not the same as not met).")

    if cmp == "qualitative":
        v = read_verdict(_get(actual, "verdict"))
        if v is None:
            return done("no_data", "no_data", "Chưa có đánh giá Đạt / Không đạt của cán bộ theo dõi.",
                        "No Đạt / Không đạt verdict from the analyst yet.")
        ok = v == "dat"
        status = ("met" if ok else "not_met") if per.is_full_year else ("on_track" if ok else "at_risk")
        word_vi, word_en = ("Đạt", "met") if ok else ("Không đạt", "not met")
        return done(status, "qualitative", f"Chỉ tiêu định tính: cán bộ theo dõi đánh giá {word_vi}"
                    + ("" if per.is_full_year else " (tính đến kỳ này)") + ".",
                    f"Qualitative target: the analyst judged it {word_en}"
                    + ("" if per.is_full_year else " so far") + ".", verdict=v)

    if x is None:
        cond_vi = _condition(cmp, t, h, unit, 0, "vi") if t is not None else "chưa có"
        cond_en = _condition(cmp, t, h, unit, 0, "en") if t is not None else "none"
        return done("no_data", "no_data", f"Chưa có số liệu thực hiện (chỉ tiêu: {cond_vi}).",
                    f"No actual reported yet (target: {cond_en}).")

    assigned = None
    if cmp == "exceed_assigned":
        assigned = _num(_get(actual, "assigned_value"))
        assigned = assigned if assigned is not None else t
        if assigned is None:
            return done("needs_assigned", "needs_assigned",
                        "Chỉ tiêu là vượt mức cấp trên giao, nhưng chưa nhập số được giao nên chưa so được.",
                        "The target is to exceed the figure assigned from above, which has not been entered yet.")
        t = assigned
    if cmp == "between" and t is not None and h is not None and t > h:
        t, h = h, t  # "từ 9 đến 8" is the same range
        base.update(target=t, target_high=h)
    if t is None or (cmp == "between" and h is None):
        return done("not_assessable", "target_without_value",
                    "Chỉ tiêu chưa có giá trị số nên chưa so được.",
                    "The target has no numeric value to compare with.", assigned=assigned)

    tol_spec = _get(indicator, "tolerance", "")
    tol = parse_tolerance(tol_spec, t)
    tol_high = parse_tolerance(tol_spec, h if h is not None else t)
    mode = "full_year" if per.is_full_year else ("flow_pace" if kind == "flow" else "level_direct")
    judged = x * 12 / per.months if mode == "flow_pace" else x
    # Once its figure is known, "exceed the assigned figure" is a floor (a ceiling if less is better).
    op = {"up": "ge", "down": "le"}[sense] if cmp == "exceed_assigned" else cmp
    lo, hi, strict = _met_interval(op, sense, t, h, tol, tol_high)
    ok = _inside(judged, lo, hi, strict)
    ex_lo, ex_hi = _exceed_bound(op, sense, t, h)
    # Beyond the far end of a range is exceeded; a point target needs the full margin.
    exceeded = ok and _beyond(judged, ex_lo, ex_hi, strict=op == "between")
    pct, pct_rule = _percent(op, sense, judged, t, h, ok)
    thresholds: dict[str, Any] = {"met_min": lo, "met_max": hi, "strict": strict,
                                  "exceed_min": ex_lo, "exceed_max": ex_hi, "tolerance": tol or None}
    extra: dict[str, Any] = {}
    if mode == "flow_pace":
        thresholds["pace"] = t * per.months / 12
        thresholds["pace_high"] = h * per.months / 12 if h is not None else None
        extra["projection"] = judged
        if t > 0:
            extra["percent_of_annual"] = round(x / t * 100.0, 1)

    if mode == "full_year":
        status = "exceeded" if exceeded else ("met" if ok else "not_met")
    else:
        status = "on_track" if ok else "at_risk"
    rule_cmp = "eq_band" if cmp == "eq" and sense == "band" else cmp
    why_vi, why_en = _reason(status, mode, cmp, sense, per, t, h, unit, tol, judged, round(pct, 1),
                             pct_rule, ex_lo, ex_hi)
    return done(status, f"{rule_cmp}.{mode}", why_vi, why_en, percent=round(pct, 1), percent_rule=pct_rule,
                assigned=assigned, thresholds=thresholds, **extra)


def _heads(per: Period, x: float | None, unit: str, standing: Standing | None, flow: bool
           ) -> tuple[str, str]:
    st_vi = f" ({standing.label_vi.lower()})" if standing else ""
    st_en = f" ({standing.label_en})" if standing else ""
    if x is None:
        return per.label_vi, per.label_en.capitalize()
    cumulative = flow and not per.is_full_year
    what_vi = "lũy kế" if cumulative else "thực hiện"
    what_en = "cumulative actual" if cumulative else "actual"
    return (f"{per.label_vi}: {what_vi} {_vi(x)}{_u(unit)}{st_vi}",
            f"{per.label_en.capitalize()}: {what_en} {_en(x)}{_u(unit)}{st_en}")


def _reason(status: str, mode: str, cmp: str, sense: str, per: Period, t: float, h: float | None, unit: str,
            tol: float, judged: float, pct: float, pct_rule: str, ex_lo: float | None, ex_hi: float | None
            ) -> tuple[str, str]:
    """The 'why this colour' sentence: target, how the actual was judged, the outcome."""
    cond_vi, cond_en = (_condition(cmp, t, h, unit, tol, lang, sense) for lang in ("vi", "en"))
    u = _u(unit)
    vi = [f"Chỉ tiêu năm {cond_vi}."]
    en = [f"Annual target {cond_en}."]
    if mode == "flow_pace":
        m = per.months
        vi.append(f"Chỉ tiêu cộng dồn theo thời gian: ước cả năm {_vi(judged, True)}{u} (= lũy kế × 12/{m}), "
                  f"tiến độ cần đạt sau {m} tháng là {_vi(t * m / 12, True)}{u} (= chỉ tiêu × {m}/12).")
        en.append(f"A flow indicator: projected year total {_en(judged, True)}{u} (= actual × 12/{m}); "
                  f"the pace needed after {m} months is {_en(t * m / 12, True)}{u} (= target × {m}/12).")
    elif mode == "level_direct":
        vi.append("Chỉ tiêu dạng mức/tỷ lệ nên so trực tiếp với chỉ tiêu năm.")
        en.append("A level indicator, so the actual is compared directly with the annual target.")
    of_vi = "tiến độ cần đạt" if mode == "flow_pace" else "chỉ tiêu"
    of_en = "of the pace" if mode == "flow_pace" else "of target"
    if pct_rule == "zero_target":
        vi.append(f"Chỉ tiêu bằng 0 nên tỷ lệ hoàn thành là {_vi(pct)}% (100% nếu đạt, 0% nếu không).")
        en.append(f"The target is zero, so percent is {_en(pct)}% (100% if met, 0% if not).")
    else:
        vi.append(f"Hoàn thành {_vi(pct)}% {of_vi}.")
        en.append(f"{_en(pct)}% {of_en}.")
    label_vi, label_en = STATUS_INFO[status]["vi"], STATUS_INFO[status]["en"]
    if status == "exceeded":
        bound = ex_lo if ex_lo is not None else ex_hi
        if cmp == "between":
            side_vi, side_en = ("trên", "above") if sense == "up" else ("dưới", "below")
            vi.append(f"{label_vi}: {side_vi} mức {_vi(bound)}{u} của khoảng chỉ tiêu.")
            en.append(f"{label_en}: {side_en} the {_en(bound)}{u} end of the range.")
        else:
            side_vi = "≥" if ex_lo is not None else "≤"
            vi.append(f"{label_vi}: vượt chỉ tiêu từ 5% trở lên ({side_vi} {_vi(bound, True)}{u}).")
            en.append(f"{label_en}: at least 5% beyond the target ({side_vi} {_en(bound, True)}{u}).")
    else:
        vi.append(f"→ {label_vi}.")
        en.append(f"→ {label_en}.")
    return " ".join(vi), " ".join(en)


# ---------------------------------------------------------------- revisions


@dataclass(frozen=True)
class Revision:
    """What a new figure does to the stored one for the same key (locality, indicator, scope, year, period).

    kind: "revision" (a more final standing replaces a less final one, e.g. official over
    estimate), "correction" (same standing, different value), "downgrade" (a less final
    standing would replace a more final one: show it as a warning).
    """

    kind: str
    old_value: float | None
    new_value: float | None
    old_standing: str | None
    new_standing: str | None
    change_percent: float | None
    label_vi: str
    label_en: str


def detect_revision(old_actual: Any, new_actual: Any) -> Revision | None:
    """Compare the stored actual with a new one; None when nothing changed (or nothing was stored)."""
    if old_actual is None:
        return None
    ov, nv = _num(_get(old_actual, "value")), _num(_get(new_actual, "value"))
    os_, ns = (parse_standing(_get(a, "standing"), default=None) for a in (old_actual, new_actual))
    ovd, nvd = _get(old_actual, "verdict"), _get(new_actual, "verdict")
    if ov == nv and os_ == ns and ovd == nvd:
        return None
    change = round((nv - ov) / abs(ov) * 100.0, 1) if ov not in (None, 0) and nv is not None else None
    rank = lambda s: s.rank if s else 0  # noqa: E731  (unknown standing ranks lowest)
    if rank(ns) > rank(os_):
        kind = "revision"
    elif rank(ns) < rank(os_):
        kind = "downgrade"
    else:
        kind = "correction"
    olab_vi = os_.label_vi.lower() if os_ else "chưa rõ mức độ"
    nlab_vi = ns.label_vi.lower() if ns else "chưa rõ mức độ"
    olab_en = os_.label_en if os_ else "unknown standing"
    nlab_en = ns.label_en if ns else "unknown standing"
    delta_vi = f" ({'+' if (change or 0) > 0 else ''}{_vi(change)}%)" if change is not None else ""
    delta_en = f" ({'+' if (change or 0) > 0 else ''}{_en(change)}%)" if change is not None else ""
    values_vi, values_en = f"{_vi(ov)} → {_vi(nv)}{delta_vi}", f"{_en(ov)} → {_en(nv)}{delta_en}"
    if kind == "revision":
        lv, le = (f"Điều chỉnh: số {nlab_vi} thay số {olab_vi}, {values_vi}",
                  f"Revised: {nlab_en} figure replaces the {olab_en}, {values_en}")
    elif kind == "downgrade":
        lv, le = (f"Cảnh báo: số {nlab_vi} thay số {olab_vi} đã có, {values_vi}",
                  f"Warning: an {nlab_en} figure would replace the {olab_en} one, {values_en}")
    else:
        lv, le = (f"Sửa số liệu ({nlab_vi}): {values_vi}", f"Corrected ({nlab_en}): {values_en}")
    return Revision(kind, ov, nv, os_.code if os_ else None, ns.code if ns else None, change, lv, le)

