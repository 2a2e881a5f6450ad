"""Check vocab/*.yaml and report every problem at once as file:line findings."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import clitexts, sheettexts
from .errors import VocabError
from .vocab import (
    DEFAULT_VOCAB_DIR,
    GB11643,
    KEY_SEPARATOR,
    PATTERN,
    Campaign,
    IdType,
    Region,
    Series,
    Title,
    Unit,
    Vocab,
)
from .vocabunits import check_orgs, check_routing, check_units, check_units_file
from .vocabyaml import BAD_CHARS, LINE, Collector, VocabProblem, read_docs

__all__ = ["VocabProblem", "check_vocab_dir", "load_units", "load_vocab", "summary"]


def _regions(doc: Any, out: Collector) -> tuple[Region, ...]:
    f = "regions.yaml"
    rows: list[tuple[int, Region]] = []
    for line, item in out.items(f, doc, "regions"):
        code, name = out.text(f, line, item, "code"), out.text(f, line, item, "name")
        level = out.text(f, line, item, "level")
        out.quoted(f, line, item, "code")
        if code and not re.fullmatch(r"\d{12}", code):
            out.add(f, line, "vocab-bad-value", f"code {code}")
        if level and level not in ("province", "city", "county"):
            out.add(f, line, "vocab-bad-value", f"level {level}")
        parent = out.quoted(f, line, item, "parent") or None
        legacy, years = bool(item.get("legacy", False)), str(item.get("years") or "")
        if legacy and not years:
            out.add(f, line, "vocab-field-missing", "years")
        if rows and rows[-1][1].legacy and not legacy:
            out.add(f, line, "vocab-legacy-not-last", f"{code}{name}")
        rows.append((line, Region(code, name, level, parent, legacy, years)))
    # A code can be reused by NBS for a different unit later, so a legacy row may share its
    # code with a current one; codes are unique within each group.
    out.unique(f, [(ln, r.code) for ln, r in rows if not r.legacy], "vocab-duplicate-code")
    out.unique(f, [(ln, r.code + r.name) for ln, r in rows if r.legacy], "vocab-duplicate-code")
    out.unique(f, [(ln, r.display) for ln, r in rows if not r.legacy], "vocab-duplicate-name")
    out.unique(f, [(ln, r.code + r.name) for ln, r in rows], "vocab-duplicate-name")
    codes = {r.code for _, r in rows}
    for line, r in rows:
        if r.parent and r.parent not in codes:
            out.add(f, line, "vocab-unknown-parent", r.parent)
    return tuple(r for _, r in rows)


def _id_types(doc: Any, out: Collector) -> tuple[IdType, ...]:
    f = "id_types.yaml"
    rows: list[tuple[int, IdType]] = []
    for line, item in out.items(f, doc, "id_types"):
        code, name = out.text(f, line, item, "code"), out.text(f, line, item, "name")
        check = out.text(f, line, item, "check")
        pattern = str(item.get("pattern") or "")
        if check not in (GB11643, PATTERN):
            out.add(f, line, "vocab-bad-value", f"check {check}")
        if check == PATTERN and not pattern:
            out.add(f, line, "vocab-field-missing", "pattern")
        if check == PATTERN:
            try:
                re.compile(pattern)
            except re.error as exc:
                out.add(f, line, "vocab-bad-value", f"pattern {pattern}: {exc}")
        prefixes = tuple(str(p) for p in item.get("prefixes") or ())
        for prefix in prefixes:  # the first six digits of an 18-digit GB 11643 number
            if check != GB11643 or not re.fullmatch(r"\d{6}", prefix):
                out.add(f, line, "vocab-bad-value", f"prefixes {prefix}")
        rows.append((line, IdType(code, name, check, pattern, prefixes)))
    out.unique(f, [(ln, t.code) for ln, t in rows], "vocab-duplicate-code")
    out.unique(f, [(ln, t.name) for ln, t in rows], "vocab-duplicate-name")
    for line, t in rows:
        if t.name and t.name not in sheettexts.NOTICE_ID_TYPES:
            out.add(f, line, "vocab-not-in-notice", t.name)
    for name in sorted(set(sheettexts.NOTICE_ID_TYPES) - {t.name for _, t in rows}):
        out.add(f, 1, "vocab-not-in-notice", name)
    return tuple(t for _, t in rows)


def _series(doc: Any, out: Collector) -> tuple[Series, ...]:
    f = "series.yaml"
    rows: list[tuple[int, Series]] = []
    for line, item in out.items(f, doc, "series"):
        code, name = out.text(f, line, item, "code"), out.text(f, line, item, "name")
        if out.quoted(f, line, item, "code") and not re.fullmatch(r"\d{3}", code):
            out.add(f, line, "vocab-bad-value", f"code {code}")
        rows.append((line, Series(code, name, bool(item.get("placeholder", False)))))
    out.unique(f, [(ln, s.code) for ln, s in rows], "vocab-duplicate-code")
    out.unique(f, [(ln, s.name) for ln, s in rows], "vocab-duplicate-name")
    return tuple(s for _, s in rows)


def _levels(doc: Any, out: Collector) -> tuple[str, ...]:
    f = "levels.yaml"
    levels = doc.get("levels") if isinstance(doc, dict) else None
    if not isinstance(levels, list) or not levels:
        out.add(f, 1, "vocab-field-missing", "levels")
        return ()
    result = tuple(str(x) for x in levels)
    for level in result:
        out.text(f, 1, {"level": level}, "level")
    out.unique(f, [(1, x) for x in result], "vocab-duplicate-name")
    if result != sheettexts.NOTICE_LEVELS:
        out.add(f, 1, "vocab-not-in-notice", " ".join(result))
    return result


def _titles(
    doc: Any, out: Collector, series: Sequence[str], levels: Sequence[str]
) -> tuple[Title, ...]:
    f = "titles.yaml"
    rows: list[tuple[int, Title]] = []
    for line, item in out.items(f, doc, "titles"):
        s, lv = out.text(f, line, item, "series"), out.text(f, line, item, "level")
        name = out.text(f, line, item, "name")
        if s and s not in series:
            out.add(f, line, "vocab-unknown-series", s)
        if lv and lv not in levels:
            out.add(f, line, "vocab-unknown-level", lv)
        aliases = tuple(str(a) for a in item.get("aliases") or ())
        for a in aliases:
            if BAD_CHARS.search(a):
                out.add(f, line, "vocab-bad-character", a)
        rows.append((line, Title(s, lv, name, aliases, bool(item.get("legacy", False)))))
    keyed = [
        (ln, f"{t.series}{KEY_SEPARATOR}{t.level}{KEY_SEPARATOR}{n}")
        for ln, t in rows
        for n in (t.name, *t.aliases)
    ]
    out.unique(f, keyed, "vocab-duplicate-name")
    closed: set[tuple[str, str]] = set()
    previous: tuple[str, str] | None = None
    for line, t in rows:  # the cascading dropdown needs each group in one block
        key = (t.series, t.level)
        if key != previous and key in closed:
            out.add(f, line, "vocab-title-group-split", f"{t.series} {t.level} {t.name}")
        if previous is not None and key != previous:
            closed.add(previous)
        previous = key
    _title_order(out, rows, series, levels)
    return tuple(t for _, t in rows)


def _title_order(
    out: Collector, rows: list[tuple[int, Title]], series: Sequence[str], levels: Sequence[str]
) -> None:
    """Series in series.yaml's order, and within one series the levels in levels.yaml's."""
    rank = {(s, lv): (i, j) for i, s in enumerate(series) for j, lv in enumerate(levels)}
    highest = (-1, -1)
    for line, t in rows:
        at = rank.get((t.series, t.level))
        if at is None:
            continue  # unknown series or level: reported as such
        if at < highest:
            out.add("titles.yaml", line, "vocab-title-order", f"{t.series} {t.level} {t.name}")
        highest = max(highest, at)


def _date(out: Collector, f: str, line: int, doc: dict[str, Any], key: str) -> dt.date | None:
    """An eight-digit YYYYMMDD date in double quotes, as campaign.yaml's comments ask."""
    text = out.quoted(f, line, doc, key)
    try:
        if re.fullmatch(r"\d{8}", text):
            return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        pass
    out.add(f, line, "vocab-date-window", f"{key} {text}")
    return None


def _campaign(doc: Any, out: Collector) -> Campaign:
    f = "campaign.yaml"
    line = doc.get(LINE, 1) if isinstance(doc, dict) else 1
    doc = doc if isinstance(doc, dict) else {}
    texts = {k: out.text(f, line, doc, k) for k in ("bureau", "name", "code")}
    start = _date(out, f, line, doc, "issue_date_from")
    end = _date(out, f, line, doc, "issue_date_to")
    if "deadline" in doc:
        _date(out, f, line, doc, "deadline")
    if texts["code"] and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", texts["code"]):
        out.add(f, line, "vocab-bad-value", f"code {texts['code']}")
    if start and end and not (dt.date(1949, 10, 1) <= start <= end <= dt.date(2100, 1, 1)):
        out.add(f, line, "vocab-date-window", f"{start} – {end}")
    rows = doc.get("rows", 2000)
    if not isinstance(rows, int) or not 1 <= rows <= 100_000:
        out.add(f, line, "vocab-bad-value", f"rows {rows}")
        rows = 2000
    return Campaign(
        texts["bureau"],
        texts["name"],
        texts["code"],
        start or dt.date(2010, 1, 1),
        end or dt.date(2010, 1, 1),
        rows,
        str(doc.get("contact") or ""),
    )


def check_vocab_dir(directory: Path) -> tuple[Vocab | None, list[VocabProblem]]:
    """Parse and check every vocabulary file; return the model (if buildable) and all problems."""
    out = Collector()
    docs = read_docs(directory, out)
    get: Callable[[str], Any] = lambda name: docs.get(name) or {}  # noqa: E731
    regions = _regions(get("regions.yaml"), out)
    id_types = _id_types(get("id_types.yaml"), out)
    series = _series(get("series.yaml"), out)
    levels = _levels(get("levels.yaml"), out)
    series_names, level_set = {s.name for s in series}, set(levels)
    titles = _titles(get("titles.yaml"), out, [s.name for s in series], levels)
    campaign = _campaign(get("campaign.yaml"), out)
    units = check_units(get("units.yaml"), out, {r.code for r in regions})
    routing = check_routing(
        get("routing.yaml"), out, {u.name for u in units}, series_names, level_set
    )
    orgs = check_orgs(get("orgs.yaml"), out)
    out.problems.sort(key=lambda p: (p.file, p.line))
    if out.problems:
        return None, out.problems
    return Vocab(regions, id_types, series, levels, titles, campaign, units, routing, orgs), []


def summary(vocab: Vocab) -> str:
    """The one-line Chinese summary `vocab check` prints when the vocabulary is clean."""
    return clitexts.VOCAB_OK.format(
        regions=len(vocab.regions),
        legacy=sum(r.legacy for r in vocab.regions),
        id_types=len(vocab.id_types),
        series=len(vocab.series),
        placeholders=sum(s.placeholder for s in vocab.series),
        levels=len(vocab.levels),
        titles=len(vocab.titles),
        aliases=sum(len(t.aliases) for t in vocab.titles),
        units=len(vocab.units),
        routes=len(vocab.routing),
        orgs=len(vocab.orgs),
    )


def load_vocab(directory: str | Path | None = None) -> Vocab:
    """Load and check the vocabulary in `directory` (default: the shipped one; the CLI finds
    the folder with `vocabdir.find_vocab_dir`).

    Raises:
        VocabError: with every problem found (code `vocab-invalid`, `.problems` set).
    """
    vocab, problems = check_vocab_dir(Path(directory) if directory else DEFAULT_VOCAB_DIR)
    if problems or vocab is None:
        raise VocabError("vocab-invalid", f"{len(problems)} problems", tuple(problems))
    return vocab


def load_units(path: str | Path, vocab: Vocab | None = None) -> tuple[Unit, ...]:
    """Units from a units.yaml-shaped file (e.g. a bureau's own list for `build --units`); with
    `vocab`, their regions are checked against its regions.

    Raises:
        VocabError: with the file's problems.
    """
    regions = {r.code for r in vocab.regions} if vocab else None
    units, problems = check_units_file(Path(path), regions)
    if problems:
        raise VocabError("vocab-invalid", f"{len(problems)} problems", tuple(problems))
    return units
