"""Check vocab/*.yaml and report every problem at once as file:line findings."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import messages
from .vocab import (
    GB11643,
    KEY_SEPARATOR,
    PATTERN,
    VOCAB_FILES,
    Campaign,
    IdType,
    Org,
    Region,
    Route,
    RouteScope,
    Series,
    Title,
    Unit,
    Vocab,
    text_key,
)

MAX_LIST_TEXT = 255  # an Excel cell shown in a dropdown; longer items are cut by WPS
# "|" joins the cascade key, "," and '"' break lists, and "*?~" are wildcards to MATCH/COUNTIF.
_BAD_CHARS = re.compile(r'[|,"*?~\r\n\t]|^\s|\s$')
_LINE = "__line__"


@dataclass(frozen=True, slots=True)
class VocabProblem:
    file: str
    line: int
    code: str
    detail: str = ""

    def render(self) -> str:
        text = messages.VOCAB_MESSAGES[self.code].format(detail=self.detail)
        return f"{self.file}:{self.line}: [{self.code}] {text}"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records the 1-based line of every mapping under `__line__`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[VocabProblem] = []

    def add(self, file: str, line: int, code: str, detail: object = "") -> None:
        self.problems.append(VocabProblem(file, line, code, str(detail)))

    def items(self, file: str, doc: Any, key: str) -> Iterator[tuple[int, Any]]:
        """Yield (line, item) for the list under `key`, reporting a missing list."""
        if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
            self.add(file, 1, "vocab-field-missing", key)
            return
        for item in doc[key]:
            line = item.get(_LINE, 1) if isinstance(item, dict) else 1
            yield line, item

    def text(self, file: str, line: int, item: Any, key: str, required: bool = True) -> str:
        value = item.get(key) if isinstance(item, dict) else None
        if value is None or str(value).strip() == "":
            if required:
                self.add(file, line, "vocab-field-missing", key)
            return ""
        value = str(value)
        if _BAD_CHARS.search(value):
            self.add(file, line, "vocab-bad-character", value)
        elif len(value) > MAX_LIST_TEXT:
            self.add(file, line, "vocab-text-too-long", value[:20] + "…")
        return value

    def unique(self, file: str, entries: list[tuple[int, str]], code: str) -> None:
        seen: set[str] = set()
        for line, key in entries:
            k = text_key(key)
            if k in seen:
                self.add(file, line, code, key)
            seen.add(k)


def _read_docs(directory: Path, out: _Collector) -> dict[str, Any]:
    docs: dict[str, Any] = {}
    for name in VOCAB_FILES:
        path = directory / name
        if not path.is_file():
            out.add(name, 0, "vocab-file-missing")
            continue
        try:
            docs[name] = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            out.add(
                name, (mark.line + 1) if mark else 0, "vocab-yaml-syntax", str(exc).split("\n")[0]
            )
        except UnicodeDecodeError as exc:
            out.add(name, 0, "vocab-yaml-syntax", f"not UTF-8 ({exc.reason})")
    return docs


def _regions(doc: Any, out: _Collector) -> tuple[Region, ...]:
    f = "regions.yaml"
    rows = []
    for line, item in out.items(f, doc, "regions"):
        code, name = out.text(f, line, item, "code"), out.text(f, line, item, "name")
        level = out.text(f, line, item, "level")
        if code and not re.fullmatch(r"\d{12}", code):
            out.add(f, line, "vocab-bad-value", f"code {code}")
        if level and level not in ("province", "city", "county"):
            out.add(f, line, "vocab-bad-value", f"level {level}")
        parent = str(item.get("parent") or "") or None
        legacy, years = bool(item.get("legacy", False)), str(item.get("years") or "")
        rows.append((line, Region(code, name, level, parent, legacy, years)))
    # A code can be reused by NBS for a different unit later, so a legacy row may share its
    # code with a current one; codes are unique within each group.
    out.unique(f, [(ln, r.code) for ln, r in rows if not r.legacy], "vocab-duplicate-code")
    out.unique(f, [(ln, r.code + r.name) for ln, r in rows if r.legacy], "vocab-duplicate-code")
    out.unique(f, [(ln, r.display) for ln, r in rows if not r.legacy], "vocab-duplicate-name")
    codes = {r.code for _, r in rows}
    for line, r in rows:
        if r.parent and r.parent not in codes:
            out.add(f, line, "vocab-unknown-parent", r.parent)
    return tuple(r for _, r in rows)


def _id_types(doc: Any, out: _Collector) -> tuple[IdType, ...]:
    f = "id_types.yaml"
    rows = []
    for line, item in out.items(f, doc, "id_types"):
        code, name = out.text(f, line, item, "code"), out.text(f, line, item, "name")
        check = out.text(f, line, item, "check")
        pattern = str(item.get("pattern") or "")
        if check not in (GB11643, PATTERN):
            out.add(f, line, "vocab-bad-value", f"check {check}")
        if check == PATTERN:
            try:
                re.compile(pattern)
            except re.error as exc:
                out.add(f, line, "vocab-bad-value", f"pattern {pattern}: {exc}")
        prefixes = tuple(str(p) for p in item.get("prefixes") or ())
        rows.append((line, IdType(code, name, check, pattern, prefixes)))
    out.unique(f, [(ln, t.code) for ln, t in rows], "vocab-duplicate-code")
    out.unique(f, [(ln, t.name) for ln, t in rows], "vocab-duplicate-name")
    return tuple(t for _, t in rows)


def _series(doc: Any, out: _Collector) -> tuple[Series, ...]:
    f = "series.yaml"
    rows = []
    for line, item in out.items(f, doc, "series"):
        code, name = out.text(f, line, item, "code"), out.text(f, line, item, "name")
        rows.append((line, Series(code, name, bool(item.get("placeholder", False)))))
    out.unique(f, [(ln, s.code) for ln, s in rows], "vocab-duplicate-code")
    out.unique(f, [(ln, s.name) for ln, s in rows], "vocab-duplicate-name")
    return tuple(s for _, s in rows)


def _levels(doc: Any, out: _Collector) -> tuple[str, ...]:
    f = "levels.yaml"
    levels = doc.get("levels") if isinstance(doc, dict) else None
    if not isinstance(levels, list) or not levels:
        out.add(f, 1, "vocab-field-missing", "levels")
        return ()
    result = tuple(str(x) for x in levels)
    for level in result:
        out.text(f, 1, {"level": level}, "level")
    out.unique(f, [(1, x) for x in result], "vocab-duplicate-name")
    return result


def _titles(doc: Any, out: _Collector, series: set[str], levels: set[str]) -> tuple[Title, ...]:
    f = "titles.yaml"
    rows = []
    for line, item in out.items(f, doc, "titles"):
        s, lv = out.text(f, line, item, "series"), out.text(f, line, item, "level")
        name = out.text(f, line, item, "name")
        if s and s not in series:
            out.add(f, line, "vocab-unknown-series", s)
        if lv and lv not in levels:
            out.add(f, line, "vocab-unknown-level", lv)
        aliases = tuple(str(a) for a in item.get("aliases") or ())
        for a in aliases:
            if _BAD_CHARS.search(a):
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
    return tuple(t for _, t in rows)


def _date(out: _Collector, f: str, line: int, value: Any, key: str) -> dt.date | None:
    text = str(value or "")
    try:
        return (
            dt.datetime.strptime(text, "%Y%m%d").date()
            if len(text) == 8
            else (value if isinstance(value, dt.date) else dt.date.fromisoformat(text))
        )
    except ValueError:
        out.add(f, line, "vocab-date-window", f"{key} {text}")
        return None


def _campaign(doc: Any, out: _Collector) -> Campaign:
    f = "campaign.yaml"
    line = doc.get(_LINE, 1) if isinstance(doc, dict) else 1
    doc = doc if isinstance(doc, dict) else {}
    texts = {k: out.text(f, line, doc, k) for k in ("bureau", "name", "code")}
    start = _date(out, f, line, doc.get("issue_date_from"), "issue_date_from")
    end = _date(out, f, line, doc.get("issue_date_to"), "issue_date_to")
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


def _units(doc: Any, out: _Collector) -> tuple[Unit, ...]:
    f = "units.yaml"
    rows = []
    for line, item in out.items(f, doc, "units"):
        fields = {
            k: str(item.get(k) or "") for k in ("kind", "code", "supervisor", "short", "region")
        }
        rows.append(
            (line, Unit(out.text(f, line, item, "name"), **{k: v for k, v in fields.items() if v}))
        )
    out.unique(f, [(ln, u.name) for ln, u in rows], "vocab-duplicate-name")
    names = {u.name for _, u in rows}
    for line, u in rows:
        if u.supervisor and u.supervisor not in names:
            out.add(f, line, "vocab-unknown-unit", u.supervisor)
    return tuple(u for _, u in rows)


def _routing(
    doc: Any, out: _Collector, units: set[str], series: set[str], levels: set[str]
) -> tuple[Route, ...]:
    f = "routing.yaml"
    routes = []
    for line, item in out.items(f, doc, "routing"):
        office = out.text(f, line, item, "office")
        if office and office not in units:
            out.add(f, line, "vocab-unknown-unit", office)
        scopes = []
        for sc in item.get("scope") or ():
            sline = sc.get(_LINE, line) if isinstance(sc, dict) else line
            s = out.text(f, sline, sc, "series")
            if s and s not in series:
                out.add(f, sline, "vocab-unknown-series", s)
            lvs = tuple(str(x) for x in (sc.get("levels") or ()) if isinstance(sc, dict))
            for lv in lvs:
                if lv not in levels:
                    out.add(f, sline, "vocab-unknown-level", lv)
            scopes.append(
                RouteScope(s, lvs, str(sc.get("note") or "") if isinstance(sc, dict) else "")
            )
        routes.append(Route(office, tuple(scopes), str(item.get("note") or "")))
    return tuple(routes)


def _orgs(doc: Any, out: _Collector) -> tuple[Org, ...]:
    f = "orgs.yaml"
    rows = []
    for line, item in out.items(f, doc, "orgs"):
        name = out.text(f, line, item, "name")
        roles = tuple(str(x) for x in item.get("roles") or ())
        former = tuple(str(x) for x in item.get("former") or ())
        rows.append((line, Org(name, roles, former)))
    out.unique(f, [(ln, n) for ln, o in rows for n in (o.name, *o.former)], "vocab-duplicate-name")
    return tuple(o for _, o in rows)


def check_vocab_dir(directory: Path) -> tuple[Vocab | None, list[VocabProblem]]:
    """Parse and check every vocabulary file; return the model (if buildable) and all problems."""
    out = _Collector()
    docs = _read_docs(directory, out)
    get: Callable[[str], Any] = lambda name: docs.get(name) or {}  # noqa: E731
    regions = _regions(get("regions.yaml"), out)
    id_types = _id_types(get("id_types.yaml"), out)
    series = _series(get("series.yaml"), out)
    levels = _levels(get("levels.yaml"), out)
    series_names, level_set = {s.name for s in series}, set(levels)
    titles = _titles(get("titles.yaml"), out, series_names, level_set)
    campaign = _campaign(get("campaign.yaml"), out)
    units = _units(get("units.yaml"), out)
    routing = _routing(get("routing.yaml"), out, {u.name for u in units}, series_names, level_set)
    orgs = _orgs(get("orgs.yaml"), out)
    out.problems.sort(key=lambda p: (p.file, p.line))
    if out.problems:
        return None, out.problems
    return Vocab(regions, id_types, series, levels, titles, campaign, units, routing, orgs), []


def check_units_file(path: Path) -> tuple[tuple[Unit, ...], list[VocabProblem]]:
    """Parse and check one units file on its own."""
    out = _Collector()
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        out.add(path.name, 0, "vocab-yaml-syntax", type(exc).__name__)
        return (), out.problems
    units = _units(doc, out)
    return units, out.problems


def summary(vocab: Vocab) -> str:
    """The one-line Chinese summary `vocab check` prints when the vocabulary is clean."""
    return messages.VOCAB_OK.format(
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
