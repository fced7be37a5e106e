"""Read queries behind the dashboard pages: parameterised SQL, one cursor per query, no Streamlit.

Every function takes the process-wide connection (`chitieu.store.open_db`) and returns a
pandas DataFrame or plain values; the pages cache them (ui/common.py) and clear the cache
after every write. The status of each target comes from `chitieu.status_bulk.judge`: the rules
of `chitieu.status.evaluate` (the one definition, which the CLI and the import use too) run over
the whole table at once; `explain(row)` asks `evaluate` for the "why" of a row a reader opens.

"As of" a period: actuals are cumulative from 1 January, so the status of a target as of
a period P uses the latest period reported with at most P's months (as of "9 tháng" a
figure for "8 tháng" is used when no 9-month figure exists). FY therefore means "latest".
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict

import pandas as pd

from chitieu.periods import parse_period
from chitieu.status import STATUS_INFO, Verdict, evaluate
from chitieu.status_bulk import judge
from chitieu.store import query_df

# Months of a stored period code (Q1, H1, 9M, FY, NM) computed in SQL.
def months_sql(column: str = "period") -> str:
    """Months of a stored period code (Q1, H1, 9M, FY, NM) as an SQL expression on `column` (fixed
    text from the store, never user input); portable SQL (DuckDB and PostgreSQL)."""
    return (f"CASE WHEN {column} = 'Q1' THEN 3 WHEN {column} = 'H1' THEN 6 WHEN {column} = 'FY' THEN 12 "
            f"WHEN {column} ~ '^[0-9]+M$' THEN CAST(rtrim({column}, 'M') AS INTEGER) END")



_TARGET_COLS = """
    t.target_id, p.plan_key, p.locality_scheme, p.locality_code, p.locality_name, p.level, p.province,
    p.year, t.seq, t.indicator, t.indicator_label,
    coalesce(i.name_vi, nullif(t.indicator_label, ''), t.indicator) AS name_vi,
    coalesce(i.name_en, nullif(t.indicator_label, ''), t.indicator) AS name_en,
    coalesce(i.category, '') AS category, i.direction, i.kind, i.measured, i.tolerance,
    t.scope, t.comparator, t.value, t.value_high, coalesce(nullif(t.unit, ''), i.unit, '') AS unit,
    t.text, t.note, p.synthetic"""


def plan_years(con) -> list[int]:
    """Years that have at least one plan, newest first."""
    df = query_df(con, "SELECT DISTINCT year FROM plans ORDER BY year DESC")
    return [int(y) for y in df["year"]]


def _plan_filter(year: int | None, province: str | None) -> tuple[list[str], list]:
    """SQL conditions on plans `p` (fixed text) and their parameters, for a year and a province."""
    conds, params = [], []
    if year is not None:
        conds.append("p.year = ?")
        params.append(int(year))
    if province:
        conds.append("p.province = ?")
        params.append(province)
    return conds, params


def localities(con, year: int | None = None, province: str | None = None) -> pd.DataFrame:
    """Localities with plans (optionally of one year and province): key 'scheme:code', name, level,
    province, targets, years."""
    conds, params = _plan_filter(year, province)
    where = ("WHERE " + " AND ".join(conds)) if conds else ""
    return query_df(con, f"""
        SELECT p.locality_scheme || ':' || p.locality_code AS key, p.locality_scheme, p.locality_code,
               max(p.locality_name) AS name, max(p.level) AS level,
               max(p.province) AS province, count(t.target_id) AS targets,
               array_agg(DISTINCT p.year ORDER BY p.year DESC) AS years
        FROM plans p LEFT JOIN targets t USING (plan_id) {where}
        GROUP BY p.locality_scheme, p.locality_code ORDER BY province, name""", params)


def indicators_in_use(con) -> pd.DataFrame:
    """Catalogue indicators that have at least one target: code, names, unit, category, targets."""
    return query_df(con, """
        SELECT i.code, i.name_vi, i.name_en, i.unit, i.category, count(*) AS targets
        FROM targets t JOIN indicators i ON i.code = t.indicator
        GROUP BY i.code, i.name_vi, i.name_en, i.unit, i.category ORDER BY i.category, i.name_vi""")


def catalogue(con) -> pd.DataFrame:
    return query_df(con, """SELECT code, name_vi, name_en, unit, direction, category, kind, measured,
                                   tolerance, aliases FROM indicators ORDER BY category, code""")


def provinces(con, year: int | None = None) -> pd.DataFrame:
    """Provinces named by the plans (of one year): province, localities — for the sidebar filter."""
    where, params = ("WHERE year = ?", [int(year)]) if year is not None else ("", [])
    return query_df(con, f"""
        SELECT coalesce(province, '') AS province,
               count(DISTINCT locality_scheme || ':' || locality_code) AS localities
        FROM plans {where} GROUP BY 1 ORDER BY 1""", params)


def indicator_choices(con, year: int | None = None, province: str | None = None) -> pd.DataFrame:
    """Indicators planned (in a year / province), most reported first: code, name_vi, name_en, unit,
    localities (planning it), with_data (localities with a figure for it)."""
    conds, params = _plan_filter(year, province)
    conds.insert(0, "t.indicator <> 'unmapped'")
    return query_df(con, f"""
        WITH planned AS (
            SELECT DISTINCT t.indicator, p.locality_scheme, p.locality_code, p.year
            FROM targets t JOIN plans p USING (plan_id) WHERE {' AND '.join(conds)}),
        reported AS (SELECT DISTINCT indicator, locality_scheme, locality_code, year FROM actuals WHERE active)
        SELECT pl.indicator AS code, coalesce(max(i.name_vi), pl.indicator) AS name_vi,
               coalesce(max(i.name_en), pl.indicator) AS name_en, coalesce(max(i.unit), '') AS unit,
               count(DISTINCT pl.locality_scheme || ':' || pl.locality_code) AS localities,
               count(DISTINCT CASE WHEN r.indicator IS NOT NULL THEN pl.locality_scheme || ':' || pl.locality_code END)
                   AS with_data
        FROM planned pl LEFT JOIN reported r USING (indicator, locality_scheme, locality_code, year)
        LEFT JOIN indicators i ON i.code = pl.indicator
        GROUP BY pl.indicator ORDER BY with_data DESC, localities DESC, name_vi""", params)


# What a roll-up needs of a target: who, which area, and the inputs of the verdict (no texts).
_LEAN_COLS = """
    t.target_id, p.locality_scheme, p.locality_code, p.locality_name, p.level, p.province, p.year, t.indicator,
    coalesce(i.category, '') AS category, i.direction, i.kind, i.measured, i.tolerance,
    t.scope, t.comparator, t.value, t.value_high, coalesce(nullif(t.unit, ''), i.unit, '') AS unit"""
_LEAN_ACTUAL = """r.value AS actual, r.verdict AS actual_verdict, r.assigned_value, r.period AS actual_period,
               r.standing AS actual_standing"""
_FULL_ACTUAL = """r.value AS actual, r.verdict AS actual_verdict, r.assigned_value, r.period AS actual_period,
               r.months AS actual_months, r.standing AS actual_standing, r.source AS actual_source,
               r.note AS actual_note, coalesce(r.illustrative, FALSE) AS illustrative,
               coalesce(nv.n_values, 0) AS n_values"""


def target_rows(con, year: int | None, months: int, locality: tuple[str, str] | None = None,
                indicator: str | None = None, *, province: str | None = None,
                indicators: tuple[str, ...] | None = None, localities: tuple[str, ...] | None = None,
                target_ids: tuple[int, ...] | None = None, lean: bool = False) -> pd.DataFrame:
    """Targets joined with the actual that judges them as of `months` (see module docstring).

    Filters: year, one locality (scheme, code), one indicator, a province, or lists of
    indicator codes / locality keys ('scheme:code') / target ids. lean=True returns only what
    a roll-up needs (locality, area, the verdict's inputs), several times less to fetch."""
    where, params = ["TRUE"], [int(months)]
    if target_ids is not None:
        where.append("t.target_id = ANY(?)")
        params.append([int(i) for i in target_ids])
    if province:
        where.append("p.province = ?")
        params.append(province)
    if indicators is not None:
        where.append("t.indicator = ANY(?)")
        params.append(list(indicators))
    if localities is not None:
        where.append("p.locality_scheme || ':' || p.locality_code = ANY(?)")
        params.append(list(localities))
    if year is not None:
        where.append("p.year = ?")
        params.append(int(year))
    if locality is not None:
        where.append("p.locality_scheme = ? AND p.locality_code = ?")
        params += list(locality)
    if indicator is not None:
        where.append("t.indicator = ?")
        params.append(indicator)
    tp = f"""SELECT {_LEAN_COLS if lean else _TARGET_COLS}
            FROM targets t JOIN plans p USING (plan_id)
            LEFT JOIN indicators i ON i.code = t.indicator
            WHERE {' AND '.join(where)}"""
    order = f"ORDER BY tp.year, tp.locality_name, {'tp.target_id' if lean else 'tp.seq'}"
    if getattr(con, "dialect", "duckdb") != "duckdb":
        return query_df(con, _target_rows_server(tp, order, lean), params[1:] + [int(months), bool(lean)])
    # The actuals are narrowed to the keys of the chosen targets first, so one province (or one
    # locality) never ranks the figures of the whole country.
    return query_df(con, f"""
        WITH tp AS ({tp}),
        keys AS (SELECT DISTINCT locality_scheme, locality_code, indicator, scope, year FROM tp),
        act AS (
            SELECT a.*, {months_sql('a.period')} AS months
            FROM actuals a JOIN keys k ON k.locality_scheme = a.locality_scheme
                 AND k.locality_code = a.locality_code AND k.indicator = a.indicator
                 AND k.scope = a.scope AND k.year = a.year
            LEFT JOIN uploads u ON u.upload_id = a.upload_id
            WHERE a.active AND u.undone_at IS NULL AND (CAST(? AS INTEGER) IS NULL OR a.year = ?)),
        nv AS (SELECT locality_scheme, locality_code, indicator, scope, year, period,
                      count(DISTINCT value) AS n_values
               FROM act WHERE NOT ? GROUP BY locality_scheme, locality_code, indicator, scope, year, period),
        -- the latest figure of each key: most months, then newest, then highest id (an aggregate,
        -- several times cheaper than ranking every figure with a window)
        pick AS (
            SELECT max_by(actual_id, struct_pack(m := months, c := created_at, i := actual_id)) AS actual_id
            FROM act WHERE months <= ?
            GROUP BY locality_scheme, locality_code, indicator, scope, year),
        latest AS (SELECT act.* FROM act JOIN pick USING (actual_id))
        SELECT tp.*, {_LEAN_ACTUAL if lean else _FULL_ACTUAL}
        FROM tp
        LEFT JOIN latest r ON r.locality_scheme = tp.locality_scheme AND r.locality_code = tp.locality_code
             AND r.indicator = tp.indicator AND r.scope = tp.scope AND r.year = tp.year
        LEFT JOIN nv ON nv.locality_scheme = r.locality_scheme AND nv.locality_code = r.locality_code
             AND nv.indicator = r.indicator AND nv.scope = r.scope AND nv.year = r.year AND nv.period = r.period
        {order}""", params[1:] + [year, year, bool(lean)] + params[:1])


def _target_rows_server(tp: str, order: str, lean: bool) -> str:
    """target_rows on PostgreSQL: the same rows, found per target through the actuals index.

    The planner cannot estimate how many figures a set of target keys joins to (it guesses one), and
    with that guess the set-based form above runs as nested loops over whole CTEs (tens of seconds
    for one province of the national set). Looking the latest figure up per target (LATERAL ...
    LIMIT 1 on actuals_key) costs a few index probes each, whatever the planner believes."""
    same_key = """a.locality_scheme = {x}.locality_scheme AND a.locality_code = {x}.locality_code
                  AND a.indicator = {x}.indicator AND a.scope = {x}.scope AND a.year = {x}.year"""
    return f"""
        WITH tp AS ({tp})
        SELECT tp.*, {_LEAN_ACTUAL if lean else _FULL_ACTUAL}
        FROM tp
        LEFT JOIN LATERAL (
            SELECT a.*, {months_sql('a.period')} AS months
            FROM actuals a LEFT JOIN uploads u ON u.upload_id = a.upload_id
            WHERE {same_key.format(x='tp')} AND a.active AND u.undone_at IS NULL
              AND {months_sql('a.period')} <= ?
            ORDER BY months DESC, a.created_at DESC, a.actual_id DESC LIMIT 1) r ON TRUE
        LEFT JOIN LATERAL (
            SELECT count(DISTINCT a.value) AS n_values
            FROM actuals a LEFT JOIN uploads u ON u.upload_id = a.upload_id
            WHERE NOT ? AND {same_key.format(x='r')} AND a.period = r.period AND a.active
              AND u.undone_at IS NULL) nv ON TRUE
        {order}"""


def _clean(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _evaluate_inputs(r) -> tuple[dict, dict, dict | None, str | None]:
    """(target, indicator, actual, period) of one target_rows() row, as `evaluate` takes them."""
    get = r.get if isinstance(r, dict) else (lambda k: getattr(r, k, None))
    target = {"comparator": get("comparator"), "value": _clean(get("value")),
              "value_high": _clean(get("value_high")), "unit": get("unit")}
    indicator = {"direction": _clean(get("direction")) or "higher_is_better", "kind": _clean(get("kind")) or "level",
                 "measured": _clean(get("measured")) or "periodic", "tolerance": _clean(get("tolerance")) or "",
                 "unit": get("unit")}
    actual = None
    if _clean(get("actual_period")):
        actual = {"value": _clean(get("actual")), "verdict": _clean(get("actual_verdict")),
                  "assigned_value": _clean(get("assigned_value")), "period": get("actual_period"),
                  "standing": _clean(get("actual_standing"))}
    return target, indicator, actual, (get("actual_period") if actual else None)


def explain(r) -> Verdict | None:
    """The full verdict of one row (with its "why" sentences), from `evaluate` itself; None when
    the stored row cannot be evaluated. For the few rows a reader opens."""
    try:
        return evaluate(*_evaluate_inputs(r))
    except Exception:  # noqa: BLE001 — a malformed stored row must not take a page down
        return None


def explanation(r, lang: str = "vi") -> str:
    """The "why this status" sentence of one row, in Vietnamese or English."""
    v = explain(r)
    if v is None:
        return ("Không đánh giá được chỉ tiêu này từ số liệu đã lưu (dữ liệu không hợp lệ)." if lang != "en" else
                "This target cannot be evaluated from the stored figures (invalid data).")
    return v.explanation(lang)


def attach_status(rows: pd.DataFrame) -> pd.DataFrame:
    """Add status, percent, rule, severity and the actual's period in words to target_rows() output
    (pure). Verdicts come from chitieu.status_bulk (the rules of chitieu.status over the whole
    table); the "why" text of a row is `explain(row)`."""
    out = rows.copy()
    judged = judge(rows)
    out["status"] = judged["status"].astype(object)
    out["percent"] = judged["percent"].astype("float64")
    out["rule"] = judged["rule"].astype(object)
    out["severity"] = out["status"].map(_SEVERITY).astype("int64")
    labels = {code: parse_period(code) for code in out["actual_period"].dropna().unique()}
    for lang in ("vi", "en"):
        words = out["actual_period"].map({c: p.label(lang) for c, p in labels.items()}).astype(object)
        out["period_" + lang] = words.where(words.notna(), None)
    return out


_SEVERITY = {s: info["severity"] for s, info in STATUS_INFO.items()}


def status_table(con, year: int | None, period: str = "FY", locality: tuple[str, str] | None = None,
                 indicator: str | None = None, **filters) -> pd.DataFrame:
    """One row per target with the actual that judges it as of `period` and its verdict
    (filters as in target_rows)."""
    months = parse_period(period).months
    return attach_status(target_rows(con, year, months, locality, indicator, **filters))


def actual_history(con, scheme: str, code: str, indicator: str, scope: str, year: int) -> pd.DataFrame:
    """Every figure ever stored for one key (newest first), for the 'why' panel."""
    return query_df(con, f"""
        SELECT a.period, a.value, a.unit, a.standing, a.source, a.note, a.illustrative, a.active,
               a.created_at, a.created_by, u.file_name, u.undone_at
        FROM actuals a LEFT JOIN uploads u USING (upload_id)
        WHERE a.locality_scheme = ? AND a.locality_code = ? AND a.indicator = ? AND a.scope = ? AND a.year = ?
        ORDER BY {months_sql('a.period')} DESC, a.created_at DESC""",
                    [scheme, code, indicator, scope, int(year)])


def data_counts(con) -> dict[str, int]:
    """How much is stored: plans, targets, actuals (active), localities."""
    cur = con.cursor()
    try:
        row = cur.execute("""SELECT (SELECT count(*) FROM plans), (SELECT count(*) FROM targets),
                                    (SELECT count(*) FROM actuals WHERE active),
                                    (SELECT count(*) FROM indicators)""").fetchone()
    finally:
        cur.close()
    return dict(zip(("plans", "targets", "actuals", "indicators"), map(int, row)))


def plans(con) -> pd.DataFrame:
    """Stored plans with their target counts, newest year first."""
    return query_df(con, """
        SELECT p.plan_key, p.source_file, p.locality_name, p.level, p.province, p.year, p.title,
               count(t.target_id) AS targets, p.loaded_at, p.loaded_by
        FROM plans p LEFT JOIN targets t USING (plan_id)
        GROUP BY p.plan_key, p.source_file, p.locality_name, p.level, p.province, p.year, p.title, p.loaded_at,
                 p.loaded_by
        ORDER BY p.year DESC, p.locality_name""")


def default_year(con) -> int | None:
    """The year a first visit opens on: the one with most localities planned (newest on a tie)."""
    cur = con.cursor()
    try:
        row = cur.execute("""SELECT year FROM plans GROUP BY year
                             ORDER BY count(DISTINCT locality_scheme || ':' || locality_code) DESC, year DESC
                             LIMIT 1""").fetchone()
    finally:
        cur.close()
    return int(row[0]) if row else None


def upload_localities(con, upload_id: int) -> list[tuple[str, str]]:
    """The localities an upload wrote figures for (to check the right to undo it)."""
    df = query_df(con, "SELECT DISTINCT locality_scheme, locality_code FROM actuals WHERE upload_id = ? ORDER BY 1, 2",
                  [int(upload_id)])
    return list(df.itertuples(index=False, name=None))


def related_units(con, scheme: str, code: str, year: int | None) -> pd.DataFrame:
    """Units linked to a locality in the unit registry, for the hierarchy on the locality page.

    relation 'child': units directly under it that have a plan of `year`;
    'predecessor': units it replaced in the 2025 reform that have plans (any year);
    'successor': units that replaced it (with or without plans).
    Columns: relation, key ('scheme:code'), name, level, province, years (plan years, newest first).
    """
    return query_df(con, """
        WITH rel AS (
            SELECT 'child' AS relation, u.scheme, u.code FROM admin_units u
            WHERE u.scheme = ? AND u.parent_code = ?
              AND EXISTS (SELECT 1 FROM plans p WHERE p.locality_scheme = u.scheme AND p.locality_code = u.code
                          AND p.year = ?)
            UNION ALL
            SELECT 'predecessor', x.old_scheme, x.old_code FROM unit_crosswalk x
            WHERE x.new_scheme = ? AND x.new_code = ?
              AND EXISTS (SELECT 1 FROM plans p WHERE p.locality_scheme = x.old_scheme
                          AND p.locality_code = x.old_code)
            UNION ALL
            SELECT 'successor', x.new_scheme, x.new_code FROM unit_crosswalk x
            WHERE x.old_scheme = ? AND x.old_code = ?)
        SELECT r.relation, r.scheme || ':' || r.code AS key,
               coalesce(u.name, max(p.locality_name)) AS name, coalesce(u.level, max(p.level)) AS level,
               max(p.province) AS province,
               array_agg(DISTINCT p.year ORDER BY p.year DESC) FILTER (WHERE p.year IS NOT NULL) AS years
        FROM rel r
        LEFT JOIN admin_units u ON u.scheme = r.scheme AND u.code = r.code
        LEFT JOIN plans p ON p.locality_scheme = r.scheme AND p.locality_code = r.code
        GROUP BY r.relation, r.scheme, r.code, u.name, u.level
        ORDER BY r.relation, name""",
        [scheme, str(code), int(year or 0), scheme, str(code), scheme, str(code)])


# ---------------------------------------------------------------- roll-ups (a province, the country)

_JUDGED: "OrderedDict[tuple, pd.DataFrame]" = OrderedDict()
_JUDGED_LOCK = threading.Lock()
_COMPUTING: dict[tuple, threading.Lock] = {}
_JUDGED_KEEP = 6  # (year, period, province) tables kept per process; the whole country is ~30 MB


def judged_rows(con, year: int, period: str = "FY", province: str | None = None) -> pd.DataFrame:
    """Every target of a year (one province or the whole country) with its verdict, lean columns
    only: locality, level, province, area (category), indicator, status, percent, severity.

    Kept in this process for the current data version (chitieu.store.version), so the roll-up
    and the "most behind" list of one view judge the country once, and a write anywhere makes
    the next call judge afresh."""
    from chitieu.store.version import data_version
    months = parse_period(period).months
    key = (id(con), data_version(con), int(year), months, province or None)
    with _JUDGED_LOCK:
        hit = _JUDGED.get(key)
        if hit is not None:
            _JUDGED.move_to_end(key)
            return hit
        computing = _COMPUTING.setdefault(key, threading.Lock())
    with computing:  # one computation per key: a second reader (or the warm-up) waits for the first
        with _JUDGED_LOCK:
            hit = _JUDGED.get(key)
        if hit is not None:
            return hit
        out = _judge_lean(con, year, months, province)
        with _JUDGED_LOCK:
            _JUDGED[key] = out
            _COMPUTING.pop(key, None)
            while len(_JUDGED) > _JUDGED_KEEP:
                _JUDGED.popitem(last=False)
        return out


def _judge_lean(con, year: int, months: int, province: str | None) -> pd.DataFrame:
    rows = target_rows(con, year, months, province=province, lean=True)
    judged = judge(rows)
    out = rows[["target_id", "locality_scheme", "locality_code", "locality_name", "level", "province",
                "category", "indicator", "scope", "comparator", "value", "value_high", "unit", "actual"]].copy()
    out["status"] = judged["status"].to_numpy()
    out["percent"] = judged["percent"].to_numpy()
    out["severity"] = out["status"].map(_SEVERITY).astype("int64")
    return out


def warm(con, localities_over: int = 200) -> None:
    """Judge the whole country of the default year ahead of its first reader, when the database is
    national-size (more than `localities_over` localities that year); for a background thread."""
    try:
        year = default_year(con)
        if year is None or int(provinces(con, year)["localities"].sum()) <= localities_over:
            return
        judged_rows(con, year, "FY", None)
    except Exception:  # noqa: BLE001 — only a head start: the reader's own request computes it anyway
        pass


def rollup_counts(con, year: int, period: str = "FY", province: str | None = None) -> pd.DataFrame:
    """Targets counted by locality, area and status (a few thousand rows for the whole country):
    key ('scheme:code'), locality_name, level, province, category, status, n."""
    rows = judged_rows(con, year, period, province)
    if rows.empty:
        return pd.DataFrame(columns=["key", "locality_name", "level", "province", "category", "status", "n"])
    out = (rows.assign(key=rows["locality_scheme"] + ":" + rows["locality_code"])
           .groupby(["key", "locality_name", "level", "province", "category", "status"], dropna=False, observed=True)
           .size().reset_index(name="n"))
    return out[out["n"] > 0].reset_index(drop=True)


def most_behind(con, year: int, period: str = "FY", province: str | None = None, limit: int = 50) -> pd.DataFrame:
    """The `limit` targets furthest behind (not met / at risk; lowest percent first), as full
    status_table rows (plan sentence, actual, period) for the "why" list."""
    rows = judged_rows(con, year, period, province)
    behind = rows[rows["status"].isin(["not_met", "at_risk"])].sort_values(
        ["severity", "percent", "target_id"], ascending=[False, True, True]).head(int(limit))
    if behind.empty:
        return attach_status(target_rows(con, year, parse_period(period).months, target_ids=()))
    full = attach_status(target_rows(con, year, parse_period(period).months, target_ids=tuple(behind["target_id"])))
    order = {tid: i for i, tid in enumerate(behind["target_id"])}
    return full.sort_values("target_id", key=lambda s: s.map(order)).reset_index(drop=True)


def indicator_ranking(con, year: int, period: str, indicator: str, province: str | None = None) -> pd.DataFrame:
    """Every unit's verdict on one indicator, for ranking: the provinces' own targets for the whole
    country, the localities under a province for one province (all levels when the data has no
    province level). Columns of judged_rows plus key ('scheme:code'); best percent first."""
    rows = judged_rows(con, year, period, province)
    rows = rows[rows["indicator"] == indicator]
    level = rows["level"].fillna("")
    if province is None and (level == "province").any():
        rows = rows[level == "province"]
    elif province is not None and (level != "province").any():
        rows = rows[level != "province"]
    rows = rows.assign(key=rows["locality_scheme"] + ":" + rows["locality_code"])
    return rows.sort_values(["percent", "locality_name"], ascending=[False, True], na_position="last"
                            ).reset_index(drop=True)
