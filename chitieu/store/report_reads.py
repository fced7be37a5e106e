"""Read queries behind the printed report (chitieu.report): parameterised SQL, a cursor per query.

The verdicts themselves come from `chitieu.store.reads.status_table` (the dashboard's rule);
this module adds only what a report prints beside them, each in one bulk query whatever the
number of units: the same period last year, the revisions of the year, the units under a
locality and the locality's own description.
"""
from __future__ import annotations

import pandas as pd

from chitieu.store import query_df

_LIVE = "FROM actuals a LEFT JOIN uploads u USING (upload_id) WHERE a.active AND u.undone_at IS NULL"


def describe_locality(con, scheme: str, code: str) -> dict | None:
    """name, level, province, parent (scheme, code, name) of a locality or registry unit; None if unknown."""
    df = query_df(con, """
        WITH me AS (
            SELECT coalesce(l.scheme, u.scheme) AS scheme, coalesce(l.code, u.code) AS code,
                   coalesce(l.name, u.name) AS name, coalesce(l.level, u.level) AS level, l.province,
                   coalesce(l.parent_scheme, u.scheme) AS parent_scheme, coalesce(l.parent_code, u.parent_code)
                   AS parent_code, u.province_code
            FROM (SELECT ? AS scheme, ? AS code) k
            LEFT JOIN localities l ON l.scheme = k.scheme AND l.code = k.code
            LEFT JOIN admin_units u ON u.scheme = k.scheme AND u.code = k.code)
        SELECT me.*, coalesce(pl.name, pu.name) AS parent_name, prov.name AS province_name
        FROM me
        LEFT JOIN localities pl ON pl.scheme = me.parent_scheme AND pl.code = me.parent_code
        LEFT JOIN admin_units pu ON pu.scheme = me.parent_scheme AND pu.code = me.parent_code
        LEFT JOIN admin_units prov ON prov.scheme = me.scheme AND prov.code = me.province_code""", [scheme, str(code)])
    if df.empty or pd.isna(df.iloc[0]["name"]):
        return None
    r = {k: (None if pd.isna(v) else v) for k, v in df.iloc[0].to_dict().items()}
    if not r.get("province") and r.get("province_name"):
        r["province"] = str(r["province_name"]).split(" ", 1)[-1] if r["province_name"].startswith(
            ("Tỉnh ", "Thành phố ")) else r["province_name"]
    return r


def locality_names(con) -> list[tuple[str, str, str]]:
    """(scheme, code, name) of every locality with plans or figures."""
    return list(query_df(con, "SELECT scheme, code, name FROM localities ORDER BY 1, 2").itertuples(
        index=False, name=None))


def registry_matches(con, name: str) -> pd.DataFrame:
    """Localities and registry units whose name is exactly `name` (tone marks kept); `known`: the
    locality has plans or figures."""
    return query_df(con, """
        SELECT scheme, code, max(name) AS name, bool_or(known) AS known FROM (
            SELECT scheme, code, name, TRUE AS known FROM localities WHERE lower(name) = lower(?)
            UNION ALL SELECT scheme, code, name, FALSE FROM admin_units WHERE lower(name) = lower(?)) m
        GROUP BY scheme, code ORDER BY scheme DESC, code""", [name, name])


def units_under(con, scheme: str, code: str, year: int) -> pd.DataFrame:
    """Units directly under a locality that have a plan of `year` (key, name, level); when none
    does, their own units (a pre-reform province whose districts have no plan: its communes)."""
    df = query_df(con, """
        WITH RECURSIVE tree(scheme, code, depth) AS (
            SELECT ?::VARCHAR, ?::VARCHAR, 0
            UNION ALL
            SELECT c.scheme, c.code, t.depth + 1 FROM tree t
            JOIN (SELECT l.scheme, l.code, coalesce(l.parent_scheme, au.scheme) AS ps,
                         coalesce(l.parent_code, au.parent_code) AS pc
                  FROM localities l LEFT JOIN admin_units au ON au.scheme = l.scheme AND au.code = l.code
                  UNION
                  SELECT au.scheme, au.code, au.scheme, au.parent_code FROM admin_units au) c
              ON c.ps = t.scheme AND c.pc = t.code
            WHERE t.depth < 2)
        SELECT DISTINCT t.depth, t.scheme || ':' || t.code AS key, t.scheme, t.code, p.locality_name AS name,
               p.level, min(p.plan_id) OVER (PARTITION BY t.scheme, t.code) AS first_plan
        FROM tree t JOIN plans p ON p.locality_scheme = t.scheme AND p.locality_code = t.code AND p.year = ?
        WHERE t.depth > 0
        ORDER BY t.depth, name""", [scheme, str(code), int(year)])
    if df.empty:
        return df
    return df[df["depth"] == df["depth"].min()].drop_duplicates("key").reset_index(drop=True)


def figures_of_year(con, localities: list[str], year: int) -> pd.DataFrame:
    """The current figure of every (locality, indicator, scope, period) of one year, for a list of
    locality keys ('scheme:code'): value, verdict, unit, standing, illustrative. Where two
    figures are current for one key (a conflict in the sources) the later one is taken, as
    the dashboard does."""
    return query_df(con, f"""
        WITH live AS (
            SELECT a.locality_scheme || ':' || a.locality_code AS key, a.indicator, a.scope, a.period, a.value,
                   a.verdict, a.unit, a.standing, coalesce(a.illustrative, FALSE) AS illustrative,
                   row_number() OVER (PARTITION BY a.locality_scheme, a.locality_code, a.indicator, a.scope,
                                      a.period ORDER BY a.actual_id DESC) AS newest
            {_LIVE} AND a.year = ? AND a.locality_scheme || ':' || a.locality_code = ANY(?))
        SELECT key, indicator, scope, period,
               max(CASE WHEN newest = 1 THEN value END) AS value, max(CASE WHEN newest = 1 THEN verdict END) AS verdict,
               max(CASE WHEN newest = 1 THEN unit END) AS unit, max(CASE WHEN newest = 1 THEN standing END) AS standing,
               bool_or(illustrative) AS illustrative
        FROM live GROUP BY key, indicator, scope, period""", [int(year), list(localities)])


def revisions(con, scheme: str, code: str, year: int) -> pd.DataFrame:
    """Figures of a locality and year that a later upload replaced (and that replacement is still
    live): indicator, scope, period, old/new value and standing, when."""
    return query_df(con, """
        SELECT o.indicator, o.scope, o.period, o.value AS old_value, o.standing AS old_standing,
               o.verdict AS old_verdict, n.value AS new_value, n.standing AS new_standing,
               n.verdict AS new_verdict, n.created_at, coalesce(n.illustrative, FALSE) AS illustrative
        FROM actuals o JOIN actuals n ON n.actual_id = o.superseded_by
        LEFT JOIN uploads nu ON nu.upload_id = n.upload_id
        WHERE o.locality_scheme = ? AND o.locality_code = ? AND o.year = ? AND n.active AND nu.undone_at IS NULL
        ORDER BY o.indicator, o.scope, o.period, n.created_at""", [scheme, str(code), int(year)])
