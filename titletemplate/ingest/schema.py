"""The store's SQLite schema and its migrations (PRAGMA user_version is the schema version)."""

from __future__ import annotations

from ..columns import COLUMNS

KEYS = tuple(c.key for c in COLUMNS)  # the 12 value columns of `rows`, in layout order
SCHEMA_VERSION = 4
# SQL functions the connection must register before migrating (Store does): the dedupe keys are
# Python's str.upper and vocab.text_key (NFKC), which SQLite's upper() does not reproduce.
UPPER_FUNCTION = "titletemplate_upper"
TEXT_KEY_FUNCTION = "titletemplate_text_key"

_SCHEMA_1 = f"""
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    template_id TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    unit_code TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL,
    vocab_fingerprint TEXT NOT NULL DEFAULT '',
    sheet TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('current', 'superseded', 'rejected')),
    code TEXT NOT NULL DEFAULT '',
    superseded_by INTEGER REFERENCES submissions(id)
);
CREATE INDEX submissions_template ON submissions(template_id, status);
CREATE TABLE rows (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    excel_row INTEGER NOT NULL,
    {", ".join(f"{k} TEXT NOT NULL" for k in KEYS)},
    checked TEXT NOT NULL CHECK (checked IN ('valid', 'invalid')),
    status TEXT NOT NULL CHECK (status IN ('valid', 'invalid', 'duplicate', 'excluded')),
    row_hash TEXT NOT NULL,
    UNIQUE (submission_id, excel_row)
);
CREATE TABLE sources (
    row_id INTEGER PRIMARY KEY REFERENCES rows(id),
    kept_row_id INTEGER NOT NULL REFERENCES rows(id),
    via TEXT NOT NULL
);
CREATE INDEX sources_kept ON sources(kept_row_id);
CREATE TABLE issues (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    row_id INTEGER REFERENCES rows(id),
    origin TEXT NOT NULL CHECK (origin IN ('file', 'row', 'derived')),
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    sheet TEXT NOT NULL DEFAULT '',
    row INTEGER,
    "column" TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL DEFAULT '',
    value_masked TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX issues_submission ON issues(submission_id, origin);
CREATE INDEX issues_row ON issues(row_id);
CREATE TABLE exclusions (
    kind TEXT NOT NULL CHECK (kind IN ('revoked', 'ecert')),
    id_number TEXT NOT NULL,
    cert_no TEXT NOT NULL DEFAULT '',
    title_name TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exclusions_kind ON exclusions(kind);
"""
# Version 2: the dedupe keys (dedupe.certificate_key, dedupe.person_title_key) stored with each
# row and exclusion entry, so that duplicates and list matches are found in SQL.
_SCHEMA_2 = f"""
ALTER TABLE rows ADD COLUMN cert_key TEXT NOT NULL DEFAULT '';
ALTER TABLE rows ADD COLUMN id_key TEXT NOT NULL DEFAULT '';
ALTER TABLE rows ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
UPDATE rows SET cert_key = {UPPER_FUNCTION}(cert_no), id_key = {UPPER_FUNCTION}(id_number),
    title_key = {TEXT_KEY_FUNCTION}(title_name);
ALTER TABLE exclusions ADD COLUMN id_key TEXT NOT NULL DEFAULT '';
ALTER TABLE exclusions ADD COLUMN cert_key TEXT NOT NULL DEFAULT '';
ALTER TABLE exclusions ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
UPDATE exclusions SET id_key = {UPPER_FUNCTION}(id_number), cert_key = {UPPER_FUNCTION}(cert_no),
    title_key = {TEXT_KEY_FUNCTION}(title_name);
DROP INDEX exclusions_kind;
CREATE INDEX exclusions_match ON exclusions(kind, id_key);
"""
# Version 3: the accepted files as they arrived, by content, so that `bundle` can forward the
# originals (each verifies by its own signature at the next level up).
_SCHEMA_3 = """
CREATE TABLE originals (
    sha256 TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
"""
# Version 4: corrections. A submission keeps its template's issue time and, for a correction,
# the template ids it corrects; a row of a correction keeps the row it corrects (its source),
# and a row that a correction replaced or withdrew leaves the current rows (`retired`), naming
# the submission that retired it and the row that replaced it. `corrections` lists the
# correction workbooks issued, so that the campaign knows which came back.
_SCHEMA_4 = """
ALTER TABLE submissions ADD COLUMN issued_at TEXT NOT NULL DEFAULT '';
ALTER TABLE submissions ADD COLUMN corrects TEXT NOT NULL DEFAULT '';
ALTER TABLE rows ADD COLUMN source_template TEXT NOT NULL DEFAULT '';
ALTER TABLE rows ADD COLUMN source_row INTEGER;
ALTER TABLE rows ADD COLUMN retired TEXT NOT NULL DEFAULT ''
    CHECK (retired IN ('', 'corrected', 'withdrawn', 'outdated', 'resubmitted'));
ALTER TABLE rows ADD COLUMN retired_by INTEGER REFERENCES submissions(id);
ALTER TABLE rows ADD COLUMN replaced_by INTEGER REFERENCES rows(id);
CREATE INDEX rows_retired_by ON rows(retired_by);
CREATE INDEX rows_source ON rows(source_template) WHERE source_template != '';
CREATE TABLE corrections (
    template_id TEXT PRIMARY KEY,
    unit TEXT NOT NULL,
    unit_code TEXT NOT NULL DEFAULT '',
    issued_at TEXT NOT NULL,
    rows INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    rows_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX corrections_unit ON corrections(unit);
"""
MIGRATIONS: tuple[str, ...] = (
    _SCHEMA_1,
    _SCHEMA_2,
    _SCHEMA_3,
    _SCHEMA_4,
)  # MIGRATIONS[n] takes user_version n to n + 1


def migration(n: int) -> list[str]:
    """The statements that take a database from schema version n to n + 1."""
    return [s.strip() for s in MIGRATIONS[n].split(";") if s.strip()]
