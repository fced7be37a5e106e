"""Plans, their targets, localities and the indicator catalogue in the store.

A plan's identity is its locality (scheme, code) and its year — never its file name
(issue 10: an analyst who saved a file named like another locality's plan, or two people
who both saved "Ke hoach 2021.txt", replaced the other plan). `plan_key` is only a label:
the file stem when free, else the stem with the locality and year appended.

API for pages and commands (all writes audited in the same transaction):

    result = save_plan(con, plan, actor="lan", user=writer)            # -> SaveResult
    # raises PlanExists (a UserError, code 'plan-exists') when the locality already has a
    # different plan for that year; `exc.existing` is a PlanSummary of the stored plan
    # (exc.message(lang) is the sentence to show). After the person confirms:
    result = save_plan(con, plan, actor="lan", user=writer, replace=True)
    result.status        # 'created' | 'replaced' | 'unchanged' (same targets: nothing written)
    result.version_id    # history row holding the replaced plan (None unless 'replaced')
    find_plan(con, scheme, code, year) -> PlanSummary | None          # warn before saving
    plan_versions(con, scheme=None, code=None, year=None) -> DataFrame # history, newest first
    restore_plan(con, version_id, actor="lan", user=writer) -> SaveResult  # undo a replace/delete
    delete_plan(con, plan_key, actor) -> bool                         # kept in history too

`user` (a chitieu.auth.User) makes the store check the rights over the plan's locality
(analyst: assigned localities and below; admin: all) and raise UserError 'forbidden';
without it (build, tests) the caller has checked. Replaced, deleted and restored-over plans
go to `plan_versions` with all their targets; the audit rows (plan.store, plan.replace,
plan.restore, plan.delete) carry the version_id that `restore_plan` takes.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from chitieu.catalogue import Indicator
from chitieu.errors import UserError
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
            cur.execute("INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
                        "name_vi = excluded.name_vi, name_en = excluded.name_en, unit = excluded.unit, "
                        "direction = excluded.direction, category = excluded.category, kind = excluded.kind, "
                        "measured = excluded.measured, tolerance = excluded.tolerance, aliases = excluded.aliases",
                        list(r))
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


# ---- identity, summaries, results -----------------------------------------------------------

_TARGET_FIELDS = ("seq", "indicator", "indicator_label", "scope", "comparator", "value", "value_high", "unit",
                  "text", "char_start", "char_end", "note")
_CONTENT_FIELDS = ("indicator", "indicator_label", "scope", "comparator", "value", "value_high", "unit", "text",
                   "note")
_PLAN_FIELDS = ("plan_id", "plan_key", "source_file", "sha256", "locality_scheme", "locality_code",
                "locality_name", "level", "province", "year", "title", "source_text", "notes", "loaded_at",
                "loaded_by", "synthetic")


def _num(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f  # NaN from pandas is no value


def _content_hash(rows: list[dict]) -> str:
    """Hash of what a plan says (its targets in order), independent of file name and offsets."""
    canon = [[_num(r.get(k)) if k in ("value", "value_high") else str(r.get(k) or "") for k in _CONTENT_FIELDS]
             for r in rows]
    return hashlib.sha256(json.dumps(canon, ensure_ascii=False).encode("utf-8")).hexdigest()


def _plan_rows(plan: ExtractedPlan) -> list[dict]:
    return [{"seq": i, "indicator": t.indicator, "indicator_label": t.indicator_label, "scope": t.scope or "",
             "comparator": t.comparator, "value": _num(t.value), "value_high": _num(t.value_high), "unit": t.unit,
             "text": t.text, "char_start": t.start, "char_end": t.end, "note": t.note}
            for i, t in enumerate(plan.targets)]


def _stored_rows(cur, plan_id: int) -> list[dict]:
    cols = ", ".join(_TARGET_FIELDS)
    return [dict(zip(_TARGET_FIELDS, r)) for r in cur.execute(
        f"SELECT {cols} FROM targets WHERE plan_id = ? ORDER BY seq, target_id", [plan_id]).fetchall()]


@dataclass(frozen=True)
class PlanSummary:
    """A stored plan as a person would recognise it."""
    plan_id: int
    plan_key: str
    locality_scheme: str
    locality_code: str
    locality_name: str
    year: int
    targets: int
    source_file: str = ""
    title: str = ""
    loaded_at: object = None
    loaded_by: str = ""

    def describe(self, lang: str = "vi") -> str:
        when = self.loaded_at.strftime("%d/%m/%Y %H:%M") if hasattr(self.loaded_at, "strftime") else ""
        name = self.locality_name or f"{self.locality_scheme}:{self.locality_code}"
        if lang == "en":
            return (f"the {self.year} plan of {name} ({self.targets} targets, file “{self.source_file}”"
                    + (f", saved {when}" if when else "") + (f" by {self.loaded_by}" if self.loaded_by else "") + ")")
        return (f"kế hoạch năm {self.year} của {name} ({self.targets} chỉ tiêu, tệp “{self.source_file}”"
                + (f", lưu lúc {when}" if when else "") + (f" bởi {self.loaded_by}" if self.loaded_by else "") + ")")


class PlanExists(UserError):
    """The locality already has a different plan for that year; save again with replace=True to replace it."""

    exit_code = 4

    def __init__(self, existing: PlanSummary, others: int = 0):
        self.existing = existing
        self.others = others  # further plans stored for the same locality and year (older databases)
        super().__init__(
            "plan-exists",
            f"Đã có {existing.describe('vi')}. Lưu sẽ thay thế kế hoạch đó; kế hoạch cũ và các chỉ tiêu của nó "
            "được giữ trong lịch sử và khôi phục được. Hãy xác nhận nếu muốn thay thế.",
            f"There is already {existing.describe('en')}. Saving replaces it; the old plan and its targets are "
            "kept in the history and can be restored. Confirm to replace it.")


@dataclass(frozen=True)
class SaveResult:
    plan_id: int
    plan_key: str
    status: str                     # 'created' | 'replaced' | 'unchanged'
    targets: int
    version_id: int | None = None   # plan_versions row holding the plan that was replaced


def _summaries(cur, scheme: str, code: str, year: int) -> list[PlanSummary]:
    rows = cur.execute(
        "SELECT p.plan_id, p.plan_key, p.locality_scheme, p.locality_code, coalesce(p.locality_name, ''), p.year, "
        "(SELECT count(*) FROM targets t WHERE t.plan_id = p.plan_id), coalesce(p.source_file, ''), "
        "coalesce(p.title, ''), p.loaded_at, coalesce(p.loaded_by, '') "
        "FROM plans p WHERE p.locality_scheme = ? AND p.locality_code = ? AND p.year = ? ORDER BY p.plan_id",
        [scheme, code, int(year)]).fetchall()
    return [PlanSummary(*r) for r in rows]


def find_plan(con, scheme: str, code: str, year: int) -> PlanSummary | None:
    """The plan stored for a locality and year (the oldest, if an older database holds several)."""
    found = _summaries(con.cursor(), scheme, code, year)
    return found[0] if found else None


def _check_rights(con, user, scheme: str, code: str, name: str) -> None:
    if user is None:
        return
    from chitieu import auth
    if not auth.can_write(user, scheme, code, con):
        shown = name or f"{scheme}:{code}"
        raise auth.forbidden(f"lưu hoặc thay thế kế hoạch của {shown}", f"save or replace the plan of {shown}")


def _free_label(cur, wanted: str, scheme: str, code: str, year: int, mine: set[int]) -> str:
    """`wanted` if no other plan uses it, else the label with locality and year appended (then numbered)."""
    def taken(label: str) -> bool:
        row = cur.execute("SELECT plan_id FROM plans WHERE plan_key = ?", [label]).fetchone()
        return row is not None and row[0] not in mine
    wanted = wanted or f"{scheme}-{code}-{year}"
    if not taken(wanted):
        return wanted
    base = f"{wanted} [{scheme}:{code} {year}]"
    label, n = base, 1
    while taken(label):
        n += 1
        label = f"{base} ({n})"
    return label


def _snapshot(cur, plan_id: int, actor: str | None, reason: str) -> int:
    """Copy a plan and its targets into plan_versions; returns the version_id."""
    cols = ", ".join(_PLAN_FIELDS)
    row = dict(zip(_PLAN_FIELDS, cur.execute(f"SELECT {cols} FROM plans WHERE plan_id = ?", [plan_id]).fetchone()))
    targets = _stored_rows(cur, plan_id)
    return cur.execute(
        f"INSERT INTO plan_versions ({cols}, content_hash, targets_json, n_targets, replaced_by, reason) "
        f"VALUES ({', '.join('?' * len(_PLAN_FIELDS))}, ?, ?, ?, ?, ?) RETURNING version_id",
        [row[k] for k in _PLAN_FIELDS] + [_content_hash(targets), json.dumps(targets, ensure_ascii=False, default=str),
                                          len(targets), actor, reason]).fetchone()[0]


def _insert_targets(cur, plan_id: int, rows: list[dict]) -> None:
    if rows:  # executemany refuses an empty list
        cur.executemany(
            "INSERT INTO targets (plan_id, seq, indicator, indicator_label, scope, comparator, value, value_high, "
            "unit, text, char_start, char_end, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[plan_id, *(r.get(k) if k != "scope" else (r.get(k) or "") for k in _TARGET_FIELDS)] for r in rows])


def _write_plan(cur, keep_id: int | None, fields: dict, rows: list[dict]) -> int:
    """Insert a plan row (keep_id None) or overwrite plan `keep_id`, then its targets."""
    names = [k for k in _PLAN_FIELDS if k not in ("plan_id", "loaded_at")]
    values = [fields.get(k) for k in names]
    if keep_id is None:
        plan_id = cur.execute(
            f"INSERT INTO plans ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) RETURNING plan_id",
            values).fetchone()[0]
    else:
        plan_id = keep_id
        cur.execute("DELETE FROM targets WHERE plan_id = ?", [plan_id])
        cur.execute(f"UPDATE plans SET {', '.join(k + ' = ?' for k in names)}, loaded_at = current_timestamp "
                    "WHERE plan_id = ?", values + [plan_id])
    _insert_targets(cur, plan_id, rows)
    return plan_id


# ---- writes ---------------------------------------------------------------------------------

def save_plan(con, plan: ExtractedPlan, actor: str | None = None, version: str = "", *,
              replace: bool = False, user=None) -> SaveResult:
    """Store a plan under its identity (locality, year) in one transaction.

    - no plan for that locality and year: created (audit plan.store);
    - the stored plan has the same targets: 'unchanged', nothing but its file fingerprint is updated;
    - a different plan is stored: PlanExists unless replace=True; then the stored plan and its
      targets go to plan_versions and this one takes its place (audit plan.replace with version_id).
    `user` (chitieu.auth.User) makes the store check rights over the locality (UserError 'forbidden').
    """
    scheme, code = locality_key(plan)
    loc = plan.locality
    if plan.year is None:
        raise UserError("year-needed", "Kế hoạch chưa có năm: hãy nhập năm trước khi lưu.",
                        "The plan has no year: enter the year before saving.")
    year = int(plan.year)
    _check_rights(con, user, scheme, code, loc.name)
    rows = _plan_rows(plan)
    content = _content_hash(rows)
    notes = "\n".join(plan.notes)
    notes = f"{version}\n{notes}" if version else notes
    with transaction(con) as cur:
        existing = _summaries(cur, scheme, code, year)
        same = next((e for e in existing if _content_hash(_stored_rows(cur, e.plan_id)) == content), None)
        if same is not None and len(existing) == 1:
            # Same targets: keep the rows (and their ids); remember the new file fingerprint.
            cur.execute("UPDATE plans SET sha256 = ?, notes = ? WHERE plan_id = ?", [plan.sha256, notes, same.plan_id])
            return SaveResult(same.plan_id, same.plan_key, "unchanged", same.targets)
        if existing and not replace:
            raise PlanExists(existing[0], len(existing) - 1)
        cur.execute(
            "INSERT INTO localities (scheme, code, name, level, province) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (scheme, code) DO UPDATE SET name = excluded.name, level = excluded.level, "
            "province = excluded.province",
            [scheme, code, loc.name, loc.level, loc.province])
        versions = [_snapshot(cur, e.plan_id, actor, "replace") for e in existing]
        for extra in existing[1:]:  # an older database may hold several plans for one identity
            cur.execute("DELETE FROM targets WHERE plan_id = ?", [extra.plan_id])
            cur.execute("DELETE FROM plans WHERE plan_id = ?", [extra.plan_id])
        keep = existing[0].plan_id if existing else None
        label = _free_label(cur, plan.plan_key, scheme, code, year, {keep} if keep else set())
        plan_id = _write_plan(cur, keep, {
            "plan_key": label, "source_file": plan.source_file, "sha256": plan.sha256, "locality_scheme": scheme,
            "locality_code": code, "locality_name": loc.name, "level": loc.level, "province": loc.province,
            "year": year, "title": plan.title, "source_text": plan.text, "notes": notes, "loaded_by": actor,
            "synthetic": False}, rows)
        after = {"locality": loc.name, "scheme": scheme, "code": code, "year": year, "targets": len(rows),
                 "sha256": plan.sha256, "content_hash": content, "source_file": plan.source_file, "plan_key": label}
        if existing:
            before = {"version_id": versions[0], "versions": versions, "plan_key": existing[0].plan_key,
                      "targets": existing[0].targets, "source_file": existing[0].source_file,
                      "loaded_by": existing[0].loaded_by}
            record(cur, actor, "plan.replace", "plan", label, before, after)
        else:
            record(cur, actor, "plan.store", "plan", label, None, after)
    return SaveResult(plan_id, label, "replaced" if existing else "created", len(rows),
                      versions[0] if existing else None)


def restore_plan(con, version_id: int, actor: str | None = None, *, user=None) -> SaveResult:
    """Put a plan from the history back (undo of a replace or delete). The plan it displaces goes
    to the history in turn, so a restore can be undone the same way. Audit: plan.restore."""
    cur = con.cursor()
    cols = ", ".join(_PLAN_FIELDS)
    row = cur.execute(f"SELECT {cols}, targets_json FROM plan_versions WHERE version_id = ?",
                      [int(version_id)]).fetchone()
    if row is None:
        raise UserError("unknown-version", f"Không có phiên bản kế hoạch số {version_id} trong lịch sử.",
                        f"There is no plan version {version_id} in the history.")
    fields = dict(zip(_PLAN_FIELDS, row[:-1]))
    rows = json.loads(row[-1])
    scheme, code, year = fields["locality_scheme"], fields["locality_code"], int(fields["year"])
    _check_rights(con, user, scheme, code, fields["locality_name"] or "")
    with transaction(con) as cur:
        existing = _summaries(cur, scheme, code, year)
        versions = [_snapshot(cur, e.plan_id, actor, "restore") for e in existing]
        for extra in existing[1:]:
            cur.execute("DELETE FROM targets WHERE plan_id = ?", [extra.plan_id])
            cur.execute("DELETE FROM plans WHERE plan_id = ?", [extra.plan_id])
        keep = existing[0].plan_id if existing else None
        cur.execute("INSERT INTO localities (scheme, code, name, level, province) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (scheme, code) DO NOTHING",
                    [scheme, code, fields["locality_name"] or code, fields["level"], fields["province"]])
        fields["plan_key"] = _free_label(cur, fields["plan_key"], scheme, code, year, {keep} if keep else set())
        fields["loaded_by"] = actor
        plan_id = _write_plan(cur, keep, fields, rows)
        record(cur, actor, "plan.restore", "plan", fields["plan_key"],
               {"version_id": versions[0] if versions else None, "versions": versions},
               {"restored_version": int(version_id), "locality": fields["locality_name"], "scheme": scheme,
                "code": code, "year": year, "targets": len(rows)})
    return SaveResult(plan_id, fields["plan_key"], "replaced" if existing else "created", len(rows),
                      versions[0] if versions else None)


def delete_plan(con, plan_key: str, actor: str | None = None) -> bool:
    """Remove a plan and its targets; they stay in plan_versions (restore_plan undoes it)."""
    with transaction(con) as cur:
        row = cur.execute("SELECT plan_id FROM plans WHERE plan_key = ?", [plan_key]).fetchone()
        if not row:
            return False
        n = cur.execute("SELECT count(*) FROM targets WHERE plan_id = ?", [row[0]]).fetchone()[0]
        version_id = _snapshot(cur, row[0], actor, "delete")
        cur.execute("DELETE FROM targets WHERE plan_id = ?", [row[0]])
        cur.execute("DELETE FROM plans WHERE plan_id = ?", [row[0]])
        record(cur, actor, "plan.delete", "plan", plan_key, {"targets": n, "version_id": version_id}, None)
    return True


def plan_versions(con, scheme: str | None = None, code: str | None = None, year: int | None = None):
    """The history: replaced, deleted and restored-over plans, newest first. Columns: version_id,
    plan_key, source_file, locality_scheme, locality_code, locality_name, year, n_targets, loaded_at,
    loaded_by, replaced_at, replaced_by, reason ('replace' / 'delete' / 'restore')."""
    conds, params = [], []
    for col, val in (("locality_scheme", scheme), ("locality_code", code), ("year", year)):
        if val is not None:
            conds.append(f"{col} = ?")
            params.append(int(val) if col == "year" else val)
    where = f"WHERE {' AND '.join(conds)}" if conds else ""
    return query_df(con, f"""
        SELECT version_id, plan_key, source_file, locality_scheme, locality_code, locality_name, year, n_targets,
               loaded_at, loaded_by, replaced_at, replaced_by, reason
        FROM plan_versions {where} ORDER BY version_id DESC""", params)


def version_targets(con, version_id: int) -> list[dict]:
    """The targets of a plan in the history (as stored: seq, indicator, comparator, value, ...)."""
    row = con.cursor().execute("SELECT targets_json FROM plan_versions WHERE version_id = ?",
                               [int(version_id)]).fetchone()
    return json.loads(row[0]) if row else []


def list_plans(con):
    """One row per plan: plan_key, locality, level, province, year, targets, loaded_at."""
    return query_df(con, """
        SELECT p.plan_id, p.plan_key, p.source_file, p.locality_scheme, p.locality_code, p.locality_name,
               p.level, p.province, p.year, p.title, p.loaded_at, p.loaded_by, p.synthetic,
               count(t.target_id) AS targets
        FROM plans p LEFT JOIN targets t USING (plan_id)
        GROUP BY p.plan_id, p.plan_key, p.source_file, p.locality_scheme, p.locality_code, p.locality_name,
                 p.level, p.province, p.year, p.title, p.loaded_at, p.loaded_by, p.synthetic
        ORDER BY p.year DESC, p.locality_name""")


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
