"""The validation path exactly as it was before the per-row caches (validate.py and
checkfile.check_rows/row_hash at d811ae7), on top of rules_reference, kept as the oracle that
test_validate_parity.py compares the current path with. Do not edit to follow changes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from normalize_reference import normalize_row
from rules_reference import RowData, evaluate

from titletemplate import reader
from titletemplate.columns import BY_KEY, COLUMNS
from titletemplate.errors import CATALOGUE, Severity
from titletemplate.normalize import Finding
from titletemplate.report import mask_value
from titletemplate.store import NewIssue, NewRow
from titletemplate.vocab import Vocab

_SLOTS = tuple((c.key, c.index) for c in COLUMNS)
_KEYS = tuple(c.key for c in COLUMNS)


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """A validated row: canonical values, findings, and whether any finding is an error."""

    values: dict[str, str]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        from titletemplate.errors import CATALOGUE

        return all(CATALOGUE[f.code].severity is not Severity.ERROR for f in self.findings)


def canonicalize(values: dict[str, str], vocab: Vocab) -> dict[str, str]:
    """Replace accepted variants by their canonical vocabulary text (aliases, spacing)."""
    out = dict(values)
    region = vocab.find_region(values["region_code"])
    if region:
        out["region_code"] = region.display
    id_type = vocab.find_id_type(values["id_type"])
    if id_type:
        out["id_type"] = id_type.name
    series = vocab.find_series(values["series"])
    if series:
        out["series"] = series.display
    level = vocab.find_level(values["level"])
    if level:
        out["level"] = level
    titles = vocab.find_titles(values["title_name"])
    if titles:
        same = [t for t in titles if series and t.series == series.name and t.level == level]
        out["title_name"] = (same or list(titles))[0].name
    for key in ("issuer", "review_body"):
        org = vocab.find_org(values[key])
        if org and org.name != values[key] and values[key] not in org.former:
            out[key] = org.name  # spacing/width variants only; former names stay as written
    return out


def validate_row(raw: Sequence[object], vocab: Vocab, date1904: bool = False) -> CheckedRow:
    """Normalise and check one row of 12 raw cells."""
    values, findings = normalize_row(raw, date1904)
    width = len(raw)
    raw_by_key = {key: (raw[index] if index < width else None) for key, index in _SLOTS}
    broken = {f.column for f in findings if f.code.startswith("cell-")}
    row = RowData(values, raw_by_key)
    for rule, detail in evaluate(row, vocab):
        if rule.target in broken:
            continue  # the cell itself is unusable; its finding already says why
        findings.append(Finding(rule.code, rule.target, values[rule.target], detail))
    return CheckedRow(canonicalize(values, vocab), tuple(findings))


def check_rows(
    source: Sequence[reader.SourceRow], sheet: str, date1904: bool, vocab: Vocab
) -> tuple[list[NewRow], list[NewIssue]]:
    """Validate input rows; every row and every finding becomes a record."""
    rows: list[NewRow] = []
    issues: list[NewIssue] = []
    for src in source:
        checked = validate_row(src.cells, vocab, date1904)
        findings: tuple[Finding, ...] = (*src.findings, *checked.findings)
        ok = all(CATALOGUE[f.code].severity is not Severity.ERROR for f in findings)
        values = tuple(checked.values[k] for k in _KEYS)
        rows.append(NewRow(src.excel_row, values, ok, row_hash(values)))
        for f in findings:
            letter = BY_KEY[f.column].letter if f.column in BY_KEY else ""
            masked = mask_value(letter, f.value)
            issues.append(NewIssue(f.code, sheet, src.excel_row, letter, f.value, masked, f.detail))
    return rows, issues


def row_hash(values: Sequence[str]) -> str:
    """Identity of a row's canonical content (identical rows have equal hashes)."""
    return hashlib.sha256("\x1f".join(values).encode("utf-8")).hexdigest()[:32]
