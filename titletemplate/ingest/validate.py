"""Raw rows -> normalised values and coded findings, using the rule table."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter

from .. import checks, normalize
from ..checks import RowData
from ..columns import COLUMNS
from ..errors import Issue, Severity, Stage
from ..normalize import normalize_row
from ..vocab import Vocab
from .rulerun import evaluate

_KEYS = tuple(c.key for c in sorted(COLUMNS, key=lambda c: c.index))
_WIDTH = len(_KEYS)


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """A validated row: canonical values, findings, and whether any finding is an error."""

    values: dict[str, str]
    findings: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        from ..errors import CATALOGUE

        return all(CATALOGUE[f.code].severity is not Severity.ERROR for f in self.findings)


_VOCAB_KEYS = ("region_code", "id_type", "series", "level", "title_name", "issuer", "review_body")
_vocab_values = itemgetter(*_VOCAB_KEYS)
_CANONICAL_MAX = 50_000  # remembered per vocabulary


def canonicalize(values: dict[str, str], vocab: Vocab) -> dict[str, str]:
    """Replace accepted variants by their canonical vocabulary text (aliases, spacing).

    The replacements depend only on the vocabulary columns, whose values repeat from row to
    row, so they are remembered per vocabulary and those values."""
    remembered = vocab.cache("canonical")
    key = _vocab_values(values)
    changes = remembered.get(key)
    if changes is None:
        if len(remembered) >= _CANONICAL_MAX:
            remembered.clear()
        changes = remembered[key] = _canonical_changes(
            dict(zip(_VOCAB_KEYS, key, strict=True)), vocab
        )
    out = dict(values)
    out.update(changes)
    return out


def _canonical_changes(values: dict[str, str], vocab: Vocab) -> dict[str, str]:
    """The canonical text of each vocabulary column that has one."""
    out: dict[str, str] = {}
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
    if len(raw) < _WIDTH:
        raw = (*raw, *(None,) * (_WIDTH - len(raw)))
    raw_by_key = dict(zip(_KEYS, raw, strict=False))  # the first 12 cells: _KEYS is A..L
    broken = {f.column for f in findings if f.code.startswith("cell-")} if findings else ()
    row = RowData(values, raw_by_key)
    for rule, detail in evaluate(row, vocab):
        if rule.target in broken:
            continue  # the cell itself is unusable; its finding already says why
        findings.append(
            Issue(rule.code, column=rule.target, value=values[rule.target], detail=detail,
                  stage=Stage.VALIDATE)
        )  # fmt: skip
    return CheckedRow(canonicalize(values, vocab), tuple(findings))


@contextlib.contextmanager
def caches_off() -> Iterator[None]:
    """Validate with every memo and fast path off, each result worked out afresh from the
    cells: the rule outcomes and canonical texts per vocabulary, per-row ID facts, normalised
    repeating cells, parsed dates and the fast path for text cells. The oracle the tests
    compare the remembered path with (process-wide, not thread-safe). vocab.text_key keeps
    its cache: it depends on its argument alone."""
    off: tuple[tuple[object, str, object], ...] = (
        (Vocab, "remember", False),
        (normalize, "MEMO_COLUMNS", frozenset()),
        (normalize, "_TEXT_OF_STR", {}),
        (checks, "parse_yyyymmdd", checks.parse_yyyymmdd.__wrapped__),
    )
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in off]
    try:
        for owner, name, value in off:
            setattr(owner, name, value)
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)
