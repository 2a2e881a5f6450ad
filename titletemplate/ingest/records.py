"""The records the store takes (New*) and gives back (Stored*, InvalidRow, RowLocation); its
issues are errors.Issue both ways."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NewSubmission:
    path: str
    file_name: str
    sha256: str
    received_at: str
    template_id: str = ""
    unit: str = ""
    unit_code: str = ""
    vocab_fingerprint: str = ""
    sheet: str = ""
    rejected_code: str = ""  # non-empty: the file was rejected with this code
    issued_at: str = ""  # the template's, from its identity
    corrects: str = ""  # a correction's identity fields (fingerprint.parse_origin)
    source_rows: str = ""


@dataclass(frozen=True, slots=True)
class NewRow:
    excel_row: int
    values: tuple[str, ...]  # 12 canonical values
    checked_ok: bool
    row_hash: str


@dataclass(frozen=True, slots=True)
class StoredSubmission:
    id: int
    path: str
    file_name: str
    sha256: str
    template_id: str
    unit: str
    unit_code: str
    sheet: str
    status: str  # current | superseded | rejected
    code: str
    superseded_by: int | None


@dataclass(frozen=True, slots=True)
class InvalidRow:
    """A current invalid row, as a correction sends it back."""

    row_id: int
    unit: str
    unit_code: str
    template_id: str  # of its submission: with excel_row, the correction's source row
    excel_row: int
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RowLocation:
    submission_id: int
    unit: str
    file_name: str
    excel_row: int
    sheet: str
