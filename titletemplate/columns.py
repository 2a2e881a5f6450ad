"""The 12-column layout of the notice's Attachment 1, as data shared by template and reader."""

from __future__ import annotations

from dataclasses import dataclass

from . import sheettexts


@dataclass(frozen=True, slots=True)
class Column:
    """One input column of the Attachment-1 sheet."""

    key: str
    letter: str
    width: float
    text: bool  # stored as text ("@") so long numbers keep every digit

    @property
    def index(self) -> int:
        """Zero-based column index."""
        return ord(self.letter) - ord("A")

    @property
    def header(self) -> str:
        return sheettexts.HEADERS[self.key]

    @property
    def explanation(self) -> str:
        return sheettexts.EXPLANATIONS[self.key]


COLUMNS: tuple[Column, ...] = (
    Column("region_code", "A", 26, True),
    Column("cert_no", "B", 18, True),
    Column("id_type", "C", 16, True),
    Column("id_number", "D", 21, True),
    Column("name", "E", 10, True),
    Column("gender", "F", 6, True),
    Column("series", "G", 18, True),
    Column("level", "H", 9, True),
    Column("title_name", "I", 22, True),
    Column("issue_date", "J", 11, True),
    Column("issuer", "K", 24, True),
    Column("review_body", "L", 24, True),
)
BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
BY_LETTER: dict[str, Column] = {c.letter: c for c in COLUMNS}
CHECK_LETTER = "M"  # the locked self-check column next to the 12 input columns

# Excel rows (1-based) of the fixed block above the input rows; LAYOUT_VERSION changes
# whenever any of these move or the sheet's formulas change shape, and the reader refuses
# layouts it does not know. Layout 2 (issue 13): hidden helper columns after the check column.
LAYOUT_VERSION = "2"
READABLE_LAYOUTS = frozenset({"1", LAYOUT_VERSION})  # units return copies of older templates
TITLE_ROW = 1
UNIT_ROW = 2
NUMBER_ROW = 3
HEADER_ROW = 4
EXAMPLE_ROW = 5
EXPLANATION_ROW = 6
INSTRUCTIONS_ROW = 7
FIRST_DATA_ROW = 8
DATA_SHEET = sheettexts.DATA_SHEET_NAME
TITLES_SHEET = sheettexts.TITLES_SHEET_NAME  # the notice's "sheet2": visible and locked
VOCAB_SHEET = "_vocab"
META_SHEET = "_checksum"
