"""Writing the synthetic national dataset (loaders.synth) in bulk.

Frames are registered with DuckDB and copied with INSERT ... SELECT (no per-row Python);
plan_id, target_id and actual_id still come from their sequences, so later ordinary
writes (save_plan, uploads) into the same file do not collide with them.
"""
from __future__ import annotations

import pandas as pd

from chitieu.store import transaction


def real_data_counts(con) -> dict[str, int]:
    """Rows that are NOT synthetic: a file holding any of these is not ours to fill."""
    cur = con.cursor()
    try:
        row = cur.execute("""SELECT
            (SELECT count(*) FROM plans WHERE NOT coalesce(synthetic, FALSE)),
            (SELECT count(*) FROM actuals WHERE NOT coalesce(illustrative, FALSE)),
            (SELECT count(*) FROM users)""").fetchone()
    finally:
        cur.close()
    return dict(zip(("plans", "actuals", "users"), map(int, row)))


def synthetic_counts(con) -> dict[str, int]:
    cur = con.cursor()
    try:
        row = cur.execute("""SELECT (SELECT count(*) FROM plans WHERE synthetic),
                                    (SELECT count(*) FROM actuals WHERE illustrative)""").fetchone()
    finally:
        cur.close()
    return {"plans": int(row[0]), "actuals": int(row[1])}


def clear_synthetic(con) -> None:
    """Remove every synthetic row (plans, their targets, illustrative actuals, localities, sample uploads)."""
    with transaction(con) as cur:
        cur.execute("DELETE FROM actuals WHERE illustrative")
        cur.execute("DELETE FROM targets WHERE plan_id IN (SELECT plan_id FROM plans WHERE synthetic)")
        cur.execute("DELETE FROM plans WHERE synthetic")
        cur.execute("DELETE FROM localities WHERE synthetic")
        cur.execute("DELETE FROM uploads WHERE sample AND file_name = 'synthetic:national'")


def write_synthetic(con, localities: pd.DataFrame, plans: pd.DataFrame, targets: pd.DataFrame,
                    actuals: pd.DataFrame) -> dict[str, int]:
    """Insert the frames in one transaction; returns the row counts written."""
    with transaction(con) as cur:
        cur.register("syn_localities", localities)
        cur.execute("""INSERT INTO localities (scheme, code, name, level, province, parent_scheme, parent_code, synthetic)
                       SELECT scheme, code, name, level, province, parent_scheme, parent_code, synthetic
                       FROM syn_localities""")
        cur.register("syn_plans", plans)
        cur.execute("""INSERT INTO plans (plan_key, source_file, sha256, locality_scheme, locality_code,
                           locality_name, level, province, year, title, notes, loaded_by, synthetic)
                       SELECT plan_key, source_file, sha256, locality_scheme, locality_code, locality_name,
                              level, province, year, title, notes, loaded_by, synthetic FROM syn_plans""")
        cur.register("syn_targets", targets)
        cur.execute("""INSERT INTO targets (plan_id, seq, indicator, indicator_label, scope, comparator,
                           value, value_high, unit, text, note)
                       SELECT p.plan_id, t.seq, t.indicator, t.indicator_label, t.scope, t.comparator,
                              t.value, t.value_high, t.unit, t.text, t.note
                       FROM syn_targets t JOIN plans p ON p.plan_key = t.plan_key""")
        upload_id = cur.execute(
            """INSERT INTO uploads (file_name, sha256, uploader, rows_accepted, rows_rejected, sample)
               VALUES ('synthetic:national', 'synthetic', 'synth', ?, 0, TRUE) RETURNING upload_id""",
            [len(actuals)]).fetchone()[0]
        cur.register("syn_actuals", actuals)
        cur.execute("""INSERT INTO actuals (upload_id, locality_scheme, locality_code, indicator, scope, year,
                           period, value, unit, standing, source, illustrative, created_by, active)
                       SELECT ?, locality_scheme, locality_code, indicator, scope, year, period, value, unit,
                              standing, source, illustrative, created_by, active FROM syn_actuals""",
                    [upload_id])
        for name in ("syn_localities", "syn_plans", "syn_targets", "syn_actuals"):
            cur.unregister(name)
    cur = con.cursor()
    try:
        cur.execute("CHECKPOINT")
    finally:
        cur.close()
    return {"localities": len(localities), "plans": len(plans), "targets": len(targets), "actuals": len(actuals)}
