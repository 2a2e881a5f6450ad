"""Findings (Issue), the code catalogue with scope and severity, and the exception hierarchy."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the row (or file) is rejected
    WARNING = "warning"  # accepted and flagged
    INFO = "info"  # recorded only


class Scope(StrEnum):
    FILE = "file"
    SHEET = "sheet"
    ROW = "row"
    CELL = "cell"


@dataclass(frozen=True, slots=True)
class CodeDef:
    code: str
    scope: Scope
    severity: Severity


def _defs(scope: Scope, severity: Severity, *codes: str) -> list[CodeDef]:
    return [CodeDef(c, scope, severity) for c in codes]


_F, _S, _R, _C = Scope.FILE, Scope.SHEET, Scope.ROW, Scope.CELL
_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

# A shipped code is never renamed or reused. Messages live in messages.MESSAGES.
CATALOGUE: dict[str, CodeDef] = {
    d.code: d
    for d in [
        *_defs(
            _F,
            _E,
            "file-empty",
            "file-lock",
            "file-not-xlsx",
            "file-legacy-xls",
            "file-wps-et",
            "file-encrypted",
            "file-html",
            "file-csv",
            "file-corrupt",
            "file-not-workbook",
            "file-strict-ooxml",
            "file-too-large",
            "file-unsafe-xml",
            "file-unreadable",
            "file-path-too-long",
            "template-unsigned",
            "template-tampered",
            "template-wrong-campaign",
            "template-layout-unknown",
            "sheet-missing",
            "file-password-wrong",
            "archive-corrupt",
            "archive-empty",
            "archive-encrypted",
            "archive-password-wrong",
            "archive-rar",
            "archive-too-large",
            "archive-bomb",
            "archive-too-deep",
            "archive-member-unsafe",
            "template-wrong-key",
            "bundle-file-missing",
            "correction-not-written",
        ),
        *_defs(
            _F,
            _W,
            "template-vocab-outdated",
            "template-protection-removed",
            "archive-renamed",
            "archive-member-duplicate",
            "bundle-file-changed",
        ),
        *_defs(
            _F,
            _I,
            "file-already-ingested",
            "submission-superseded",
            "archive-member-ignored",
            "bundle-part",
            "bundle-route",
        ),
        *_defs(_S, _E, "header-mismatch", "data-sheet-copied"),
        *_defs(_S, _W, "rows-outside-input-block"),
        *_defs(_R, _E, "row-merged-cells", "title-revoked", "duplicate-conflict"),
        *_defs(_R, _I, "duplicate-certificate", "duplicate-person-title", "already-e-certified"),
        *_defs(_R, _I, "row-withdrawn", "correction-outdated"),
        *_defs(
            _C,
            _E,
            "cell-formula",
            "cell-error-value",
            "cell-too-long",
            "cell-boolean",
            "region-missing",
            "region-unknown",
            "cert-no-whitespace",
            "id-type-missing",
            "id-type-unknown",
            "id-number-missing",
            "id-number-precision-lost",
            "cert-no-precision-lost",
            "id-number-length",
            "id-number-chars",
            "id-number-birth-date",
            "id-number-checksum",
            "id-number-15-digit",
            "id-number-pattern",
            "id-number-prefix",
            "name-missing",
            "name-invalid",
            "gender-missing",
            "gender-unknown",
            "gender-id-mismatch",
            "series-missing",
            "level-missing",
            "title-missing",
            "title-unknown",
            "title-not-in-series",
            "issue-date-missing",
            "issue-date-format",
            "issue-date-invalid",
            "issue-date-out-of-window",
            "issuer-missing",
            "review-body-missing",
        ),
        *_defs(
            _C,
            _W,
            "region-legacy",
            "id-number-numeric",
            "id-number-region-unknown",
            "series-unknown",
            "level-unknown",
            "title-alias",
            "issue-date-converted",
            "issue-date-before-adult",
            "issuer-unknown",
            "review-body-unknown",
        ),
    ]
}


class Stage(StrEnum):
    """Where in ingest a finding is made."""

    FILE = "file"  # the file as a whole and its sheets: container, identity, layout
    NORMALISE = "normalise"  # a raw cell turned into text (normalize.py; merged cells)
    VALIDATE = "validate"  # a rule over the row's values (rules.py)
    STORE = "store"  # what storing changes: a file superseded, rows a correction withdrew
    DEDUPE = "dedupe"  # judged over every current row: duplicates, revoked, e-certified


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found in an input: a value, never an exception. The stage that finds it
    fills what it knows (a cell's finding has no row until the row is placed); the store fills
    unit and path when it gives issues back. `column` is a column key, never a letter: the
    letter and the Chinese message are made where a report is written (reports/report.py)."""

    code: str
    file: str = ""  # the file's name as reports show it ("X.zip › 01.xlsx" for a member)
    sheet: str = ""
    row: int | None = None  # the Excel row the clerk sees
    column: str | None = None  # columns.py key; None for a row-, sheet- or file-scope finding
    value: str = ""  # the cell's text as found (raw: every report masks it)
    detail: str = ""
    stage: Stage = Stage.FILE
    # The other row it is about (a duplicate's kept row, a correction's replaced one): unit,
    # file name and Excel row; the store words it into the detail it keeps.
    other: tuple[str, str, int] | None = None
    unit: str = ""
    path: str = ""  # the file as given (report.json)

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self.code].severity

    @property
    def scope(self) -> Scope:
        return CATALOGUE[self.code].scope


class TitleTemplateError(Exception):
    """Work cannot go on. Carries a catalogue code or a short English reason code."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled (to or from a worker process) with its code, detail and any other fields;
        # Exception's own pickling keeps only the message.
        return (type(self).__new__, (type(self), *self.args), self.__dict__)


class VocabError(TitleTemplateError):
    """The vocabulary is unusable; `problems` lists every finding (see vocabcheck)."""

    def __init__(self, code: str, detail: str = "", problems: tuple[object, ...] = ()) -> None:
        super().__init__(code, detail)
        self.problems = problems


class TemplateError(TitleTemplateError):
    pass


class SubmissionError(TitleTemplateError):
    """A returned file cannot be read; in a batch it becomes a file-level Issue."""


class StoreError(TitleTemplateError):
    pass


class KeyFileError(TitleTemplateError):
    pass


class ExclusionListError(TitleTemplateError):
    """A --revoked / --ecert list cannot be used; ingest does not start."""
