"""Plans, their targets, localities and the indicator catalogue in the store."""
from __future__ import annotations

from chitieu.catalogue import Indicator
from chitieu.model import ExtractedPlan
from chitieu.store import query_df, transaction
from chitieu.store.audit import record
from chitieu.textnorm import fold

EXTRACTOR_VERSION_KEY = "extractor_version"


def sync_catalogue(con, catalogue: dict[str, Indicator]) -> int:
    """Make the indicators table equal the catalogue; returns rows changed."""
    rows = [(i.code, i.name_vi, i.name_en, i.unit, i.direction, i.category, i.kind, i.measured,
             i.tolerance, "|".join(i.aliases)) for i in catalogue.values()]
    with transaction(con) as cur:
        before = {r[0]: r for r in cur.execute(
            "SELECT code, name_vi, name_en, unit, direction, category, kind, measured, tolerance, aliases "
            "FROM indicators").fetchall()}
        changed = [r for r in rows if before.get(r[0]) != r]
        for r in changed:
            cur.execute("INSERT OR REPLACE INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", list(r))
        gone = set(before) - {r[0] for r in rows}
        for code in gone:
            cur.execute("DELETE FROM indicators WHERE code = ?", [code])
    return len(changed) + len(gone)


def locality_key(plan: ExtractedPlan) -> tuple[str, str]:
    loc = plan.locality
    if loc.scheme != "unresolved" and loc.code:
        return loc.scheme, loc.code
    return "unresolved", fold(f"{loc.name} {loc.province}").replace(" ", "-") or "khong-ro"


def stored_plan_fingerprint(con, plan_key: str) -> tuple[str, str] | None:
    cur = con.cursor()
    row = cur.execute("SELECT sha256, coalesce(notes, '') FROM plans WHERE plan_key = ?", [plan_key]).fetchone()
    return (row[0], row[1]) if row else None


def save_plan(con, plan: ExtractedPlan, actor: str | None = None, version: str = "") -> int:
    """Store a plan and replace its targets (and nothing else) in one transaction.

    Returns the plan_id. The caller decides whether an unchanged plan needs saving (see
    `stored_plan_fingerprint`); saving twice gives the same rows.
    """
    scheme, code = locality_key(plan)
    loc = plan.locality
    with transaction(con) as cur:
        cur.execute(
            "INSERT INTO localities (scheme, code, name, level, province) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (scheme, code) DO UPDATE SET name = excluded.name, level = excluded.level, "
            "province = excluded.province",
            [scheme, code, loc.name, loc.level, loc.province])
        old = cur.execute("SELECT plan_id FROM plans WHERE plan_key = ?", [plan.plan_key]).fetchone()
        before = None
        notes = "\n".join(plan.notes)
        if old:
            plan_id = old[0]
            before = {"targets": cur.execute("SELECT count(*) FROM targets WHERE plan_id = ?", [plan_id]).fetchone()[0]}
            cur.execute("DELETE FROM targets WHERE plan_id = ?", [plan_id])
            cur.execute(
                "UPDATE plans SET source_file = ?, sha256 = ?, locality_scheme = ?, locality_code = ?, "
                "locality_name = ?, level = ?, province = ?, year = ?, title = ?, source_text = ?, notes = ?, "
                "loaded_at = current_timestamp, loaded_by = ? WHERE plan_id = ?",
                [plan.source_file, plan.sha256, scheme, code, loc.name, loc.level, loc.province, plan.year,
                 plan.title, plan.text, f"{version}\n{notes}" if version else notes, actor, plan_id])
        else:
            plan_id = cur.execute(
                "INSERT INTO plans (plan_key, source_file, sha256, locality_scheme, locality_code, locality_name, "
                "level, province, year, title, source_text, notes, loaded_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING plan_id",
                [plan.plan_key, plan.source_file, plan.sha256, scheme, code, loc.name, loc.level, loc.province,
                 plan.year, plan.title, plan.text, f"{version}\n{notes}" if version else notes, actor]).fetchone()[0]
        cur.executemany(
            "INSERT INTO targets (plan_id, seq, indicator, indicator_label, scope, comparator, value, value_high, "
            "unit, text, char_start, char_end, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[plan_id, i, t.indicator, t.indicator_label, t.scope or "", t.comparator, t.value, t.value_high,
              t.unit, t.text, t.start, t.end, t.note] for i, t in enumerate(plan.targets)] or [])
        record(cur, actor, "plan.store", "plan", plan.plan_key, before,
               {"locality": loc.name, "year": plan.year, "targets": len(plan.targets), "sha256": plan.sha256})
    return plan_id


def delete_plan(con, plan_key: str, actor: str | None = None) -> bool:
    with transaction(con) as cur:
        row = cur.execute("SELECT plan_id FROM plans WHERE plan_key = ?", [plan_key]).fetchone()
        if not row:
            return False
        n = cur.execute("SELECT count(*) FROM targets WHERE plan_id = ?", [row[0]]).fetchone()[0]
        cur.execute("DELETE FROM targets WHERE plan_id = ?", [row[0]])
        cur.execute("DELETE FROM plans WHERE plan_id = ?", [row[0]])
        record(cur, actor, "plan.delete", "plan", plan_key, {"targets": n}, None)
    return True


def list_plans(con):
    """One row per plan: plan_key, locality, level, province, year, targets, loaded_at."""
    return query_df(con, """
        SELECT p.plan_id, p.plan_key, p.source_file, p.locality_scheme, p.locality_code, p.locality_name,
               p.level, p.province, p.year, p.title, p.loaded_at, p.loaded_by, p.synthetic,
               count(t.target_id) AS targets
        FROM plans p LEFT JOIN targets t USING (plan_id)
        GROUP BY ALL ORDER BY p.year DESC, p.locality_name""")


TARGET_COLUMNS = """
    t.target_id, p.plan_key, p.locality_scheme, p.locality_code, p.locality_name, p.level, p.province,
    p.year, t.seq, t.indicator, t.indicator_label, coalesce(i.name_vi, t.indicator_label) AS indicator_name_vi,
    coalesce(i.name_en, t.indicator_label) AS indicator_name_en, i.category, i.direction, i.kind, i.measured,
    i.tolerance, t.scope, t.comparator, t.value, t.value_high, t.unit, t.text, t.char_start, t.char_end, t.note"""


def targets_for(con, locality_scheme: str, locality_code: str, year: int):
    """Targets of one locality and year (from every plan stored for it)."""
    return query_df(con, f"""
        SELECT {TARGET_COLUMNS} FROM targets t JOIN plans p USING (plan_id)
        LEFT JOIN indicators i ON i.code = t.indicator
        WHERE p.locality_scheme = ? AND p.locality_code = ? AND p.year = ?
        ORDER BY p.plan_key, t.seq""", [locality_scheme, locality_code, int(year)])


def plan_targets(con, plan_key: str):
    return query_df(con, f"""
        SELECT {TARGET_COLUMNS} FROM targets t JOIN plans p USING (plan_id)
        LEFT JOIN indicators i ON i.code = t.indicator
        WHERE p.plan_key = ? ORDER BY t.seq""", [plan_key])


def all_targets(con, year: int | None = None):
    if year is None:
        return query_df(con, f"""SELECT {TARGET_COLUMNS} FROM targets t JOIN plans p USING (plan_id)
            LEFT JOIN indicators i ON i.code = t.indicator ORDER BY p.year, p.locality_name, t.seq""")
    return query_df(con, f"""SELECT {TARGET_COLUMNS} FROM targets t JOIN plans p USING (plan_id)
        LEFT JOIN indicators i ON i.code = t.indicator WHERE p.year = ?
        ORDER BY p.locality_name, t.seq""", [int(year)])


def list_localities(con):
    return query_df(con, "SELECT * FROM localities ORDER BY province, name")
