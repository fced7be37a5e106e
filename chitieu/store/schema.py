"""The database schema: every table of the product, in one place.

Localities are always (scheme, code): administrative codes were reused after the 2025
reform, so a bare code is ambiguous. Plans whose locality the registry cannot settle are
stored under scheme 'unresolved' with a code made from the folded name.

A plan's identity is its locality (scheme, code) and year, never its file name: `plan_key`
is only a label (unique; a second plan with the same file name gets a suffixed label).
Version 2 (issue 10) adds plan_versions (every replaced or deleted plan with its targets,
so it can be restored) and audit_log.via (the operating-system account or client address).
Version 3 (issue 13) adds the reporting cycle: cycle_deadlines (an administrator's calendar),
cycle_states (submitted / returned / approved per locality, year and period) and
explain_requests (explanation requests and their answers).
Version 4 (issue 13, notifications) adds notifications (one row per person concerned by a cycle
step: the in-app inbox, with the e-mail outcome) and users.email.
Version 5 (issue 13) adds explain_attachments: the file an analyst attaches to an answer, its bytes
kept in the database (backed up and restored with the data), one per request.
Changing SCHEMA_VERSION makes open_db back the file up first (<file>.bak-vN).
"""
SCHEMA_VERSION = 5

DDL = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    # Administrative units (issue 6): both schemes and the crosswalk between them.
    """CREATE TABLE IF NOT EXISTS admin_units (
        scheme VARCHAR NOT NULL, code VARCHAR NOT NULL, name VARCHAR NOT NULL,
        type VARCHAR, level VARCHAR, parent_code VARCHAR, province_code VARCHAR,
        valid_from DATE, valid_to DATE, name_folded VARCHAR,
        PRIMARY KEY (scheme, code))""",
    """CREATE TABLE IF NOT EXISTS unit_crosswalk (
        old_scheme VARCHAR NOT NULL, old_code VARCHAR NOT NULL,
        new_scheme VARCHAR NOT NULL, new_code VARCHAR NOT NULL, note VARCHAR,
        PRIMARY KEY (old_scheme, old_code, new_scheme, new_code))""",
    # Localities that plans and actuals refer to (a registry unit or an unresolved name).
    """CREATE TABLE IF NOT EXISTS localities (
        scheme VARCHAR NOT NULL, code VARCHAR NOT NULL, name VARCHAR NOT NULL,
        level VARCHAR, province VARCHAR, parent_scheme VARCHAR, parent_code VARCHAR,
        synthetic BOOLEAN DEFAULT FALSE,
        PRIMARY KEY (scheme, code))""",
    """CREATE TABLE IF NOT EXISTS indicators (
        code VARCHAR PRIMARY KEY, name_vi VARCHAR NOT NULL, name_en VARCHAR,
        unit VARCHAR, direction VARCHAR, category VARCHAR, kind VARCHAR,
        measured VARCHAR, tolerance VARCHAR, aliases VARCHAR)""",
    """CREATE SEQUENCE IF NOT EXISTS plan_ids START 1""",
    """CREATE TABLE IF NOT EXISTS plans (
        plan_id INTEGER PRIMARY KEY DEFAULT nextval('plan_ids'),
        plan_key VARCHAR NOT NULL UNIQUE,          -- a label (file stem), not the identity
        source_file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
        locality_scheme VARCHAR NOT NULL, locality_code VARCHAR NOT NULL,
        locality_name VARCHAR, level VARCHAR, province VARCHAR, year INTEGER NOT NULL,
        title VARCHAR, source_text VARCHAR, notes VARCHAR,
        loaded_at TIMESTAMP DEFAULT current_timestamp, loaded_by VARCHAR,
        synthetic BOOLEAN DEFAULT FALSE)""",
    """CREATE SEQUENCE IF NOT EXISTS target_ids START 1""",
    """CREATE TABLE IF NOT EXISTS targets (
        target_id INTEGER PRIMARY KEY DEFAULT nextval('target_ids'),
        plan_id INTEGER NOT NULL, seq INTEGER NOT NULL,
        indicator VARCHAR NOT NULL, indicator_label VARCHAR,
        scope VARCHAR NOT NULL DEFAULT '', comparator VARCHAR NOT NULL,
        value DOUBLE PRECISION, value_high DOUBLE PRECISION, unit VARCHAR, text VARCHAR,
        char_start INTEGER, char_end INTEGER, note VARCHAR)""",
    # Uploads of actuals (issue 3): one row per confirmed file.
    """CREATE SEQUENCE IF NOT EXISTS upload_ids START 1""",
    """CREATE TABLE IF NOT EXISTS uploads (
        upload_id INTEGER PRIMARY KEY DEFAULT nextval('upload_ids'),
        file_name VARCHAR, sha256 VARCHAR, uploader VARCHAR,
        uploaded_at TIMESTAMP DEFAULT current_timestamp,
        rows_accepted INTEGER, rows_rejected INTEGER,
        undone_at TIMESTAMP, undone_by VARCHAR, sample BOOLEAN DEFAULT FALSE)""",
    # Every reported value ever stored; the current one for a key is the newest active row.
    """CREATE SEQUENCE IF NOT EXISTS actual_ids START 1""",
    """CREATE TABLE IF NOT EXISTS actuals (
        actual_id INTEGER PRIMARY KEY DEFAULT nextval('actual_ids'),
        upload_id INTEGER,
        locality_scheme VARCHAR NOT NULL, locality_code VARCHAR NOT NULL,
        indicator VARCHAR NOT NULL, scope VARCHAR NOT NULL DEFAULT '',
        year INTEGER NOT NULL, period VARCHAR NOT NULL,
        value DOUBLE PRECISION, unit VARCHAR, verdict VARCHAR,      -- verdict: dat / khong_dat (qualitative)
        assigned_value DOUBLE PRECISION,                          -- figure assigned from above (exceed_assigned)
        standing VARCHAR,                                 -- estimate / preliminary / official
        note VARCHAR, source VARCHAR, illustrative BOOLEAN DEFAULT FALSE,
        created_at TIMESTAMP DEFAULT current_timestamp, created_by VARCHAR,
        superseded_by INTEGER, active BOOLEAN DEFAULT TRUE)""",
    # Access control and audit (issue 5).
    """CREATE TABLE IF NOT EXISTS users (
        username VARCHAR PRIMARY KEY, display_name VARCHAR, role VARCHAR NOT NULL,
        password_hash VARCHAR NOT NULL, disabled BOOLEAN DEFAULT FALSE,
        created_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS user_localities (
        username VARCHAR NOT NULL, locality_scheme VARCHAR NOT NULL, locality_code VARCHAR NOT NULL,
        PRIMARY KEY (username, locality_scheme, locality_code))""",
    """CREATE SEQUENCE IF NOT EXISTS audit_ids START 1""",
    """CREATE TABLE IF NOT EXISTS audit_log (
        audit_id INTEGER PRIMARY KEY DEFAULT nextval('audit_ids'),
        logged_at TIMESTAMP DEFAULT current_timestamp, actor VARCHAR, action VARCHAR NOT NULL,
        entity VARCHAR, entity_key VARCHAR, before_json VARCHAR, after_json VARCHAR)""",
    # Plan history (issue 10): a replaced or deleted plan, its targets as JSON, restorable.
    """CREATE SEQUENCE IF NOT EXISTS plan_version_ids START 1""",
    """CREATE TABLE IF NOT EXISTS plan_versions (
        version_id INTEGER PRIMARY KEY DEFAULT nextval('plan_version_ids'),
        plan_id INTEGER, plan_key VARCHAR, source_file VARCHAR, sha256 VARCHAR, content_hash VARCHAR,
        locality_scheme VARCHAR NOT NULL, locality_code VARCHAR NOT NULL, locality_name VARCHAR,
        level VARCHAR, province VARCHAR, year INTEGER NOT NULL, title VARCHAR, source_text VARCHAR,
        notes VARCHAR, loaded_at TIMESTAMP, loaded_by VARCHAR, synthetic BOOLEAN,
        targets_json VARCHAR NOT NULL, n_targets INTEGER,
        replaced_at TIMESTAMP DEFAULT current_timestamp, replaced_by VARCHAR,
        reason VARCHAR)""",                                # replace / delete / restore
    """ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS via VARCHAR""",
    # ---- reporting cycle (issue 13; chitieu/store/cycle.py owns these tables) --------------
    """CREATE TABLE IF NOT EXISTS cycle_deadlines (
        year INTEGER NOT NULL, period VARCHAR NOT NULL, cutoff DATE NOT NULL, due DATE NOT NULL,
        set_by VARCHAR, set_at TIMESTAMP DEFAULT current_timestamp,
        PRIMARY KEY (year, period))""",
    """CREATE TABLE IF NOT EXISTS cycle_states (
        locality_scheme VARCHAR NOT NULL, locality_code VARCHAR NOT NULL,
        year INTEGER NOT NULL, period VARCHAR NOT NULL,
        state VARCHAR NOT NULL,                            -- submitted / returned / approved / unlocked
        comment VARCHAR, updated_by VARCHAR, updated_at TIMESTAMP DEFAULT current_timestamp,
        PRIMARY KEY (locality_scheme, locality_code, year, period))""",
    """CREATE SEQUENCE IF NOT EXISTS explain_ids START 1""",
    """CREATE TABLE IF NOT EXISTS explain_requests (
        request_id INTEGER PRIMARY KEY DEFAULT nextval('explain_ids'),
        locality_scheme VARCHAR NOT NULL, locality_code VARCHAR NOT NULL,
        indicator VARCHAR NOT NULL, scope VARCHAR NOT NULL DEFAULT '', year INTEGER NOT NULL,
        message VARCHAR NOT NULL, due DATE, created_by VARCHAR,
        created_at TIMESTAMP DEFAULT current_timestamp,
        answer VARCHAR, answered_by VARCHAR, answered_at TIMESTAMP,
        state VARCHAR NOT NULL DEFAULT 'open',             -- open / answered / closed
        closed_by VARCHAR, closed_at TIMESTAMP)""",
    # The file attached to a request's answer (pdf, docx, xlsx, png, jpeg: chitieu.cycle.check_attachment);
    # BYTEA is DuckDB's BLOB under PostgreSQL's name, so the same DDL runs on both.
    """CREATE TABLE IF NOT EXISTS explain_attachments (
        request_id INTEGER PRIMARY KEY, file_name VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        size_bytes INTEGER NOT NULL, sha256 VARCHAR NOT NULL, data BYTEA NOT NULL,
        uploaded_by VARCHAR, uploaded_at TIMESTAMP DEFAULT current_timestamp)""",
    # Notifications (chitieu/store/notify.py owns it): one row per recipient and cycle step; the text is
    # made when shown (chitieu/notify.py), in the reader's language, from these fields.
    """CREATE SEQUENCE IF NOT EXISTS notification_ids START 1""",
    """CREATE TABLE IF NOT EXISTS notifications (
        notification_id INTEGER PRIMARY KEY DEFAULT nextval('notification_ids'),
        username VARCHAR NOT NULL,                         -- the recipient
        kind VARCHAR NOT NULL,                             -- explain.request/answer/close, cycle.submit/return/approve/unlock
        actor VARCHAR, locality_scheme VARCHAR, locality_code VARCHAR, locality_name VARCHAR,
        year INTEGER, period VARCHAR, indicator VARCHAR, indicator_name VARCHAR, request_id INTEGER,
        message VARCHAR,                                   -- the comment, request or answer text
        due DATE,                                          -- an explanation request's due date
        created_at TIMESTAMP DEFAULT current_timestamp, read_at TIMESTAMP,
        emailed_at TIMESTAMP, email_error VARCHAR)""",
    """CREATE INDEX IF NOT EXISTS notifications_user ON notifications(username)""",
    """ALTER TABLE users ADD COLUMN IF NOT EXISTS email VARCHAR""",
    # ---- end of the reporting cycle block ---------------------------------------------------
    """CREATE INDEX IF NOT EXISTS targets_plan ON targets(plan_id)""",
    """CREATE INDEX IF NOT EXISTS actuals_key ON actuals(locality_scheme, locality_code, indicator, year, period)""",
]
