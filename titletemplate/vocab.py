"""Vocabulary model and loader: vocab/*.yaml -> an immutable, typed `Vocab` with a fingerprint."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from types import MappingProxyType
from typing import Any, ClassVar

from . import sheettexts
from .vocabdir import PACKAGED_VOCAB_DIR

DEFAULT_VOCAB_DIR = PACKAGED_VOCAB_DIR  # the vocabulary shipped with titletemplate
VOCAB_FILES = (
    "regions.yaml",
    "id_types.yaml",
    "series.yaml",
    "levels.yaml",
    "titles.yaml",
    "campaign.yaml",
    "units.yaml",
    "routing.yaml",
    "orgs.yaml",
)
KEY_SEPARATOR = "|"  # joins series and level into the cascade key; forbidden in labels
GB11643 = "gb11643"
PATTERN = "pattern"


@functools.lru_cache(maxsize=1 << 16)
def text_key(text: str) -> str:
    """The comparison key of a label: NFKC, no spaces of any kind (cached: cell values repeat,
    and the rules look the same few labels up for every row)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def title_group_key(series_display: str, level: str) -> str:
    """The cascade key of a series+level group, as the sheet builds it ("series|level")."""
    return text_key(series_display) + KEY_SEPARATOR + text_key(level)


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str  # province | city | county
    parent: str | None = None
    legacy: bool = False
    years: str = ""

    @property
    def display(self) -> str:
        own = sheettexts.REGION_OWN_LEVEL if self.level in ("province", "city") else ""
        return f"{self.code}{self.name}{own}"


@dataclass(frozen=True, slots=True)
class IdType:
    code: str
    name: str
    check: str  # gb11643 | pattern
    pattern: str = ""
    prefixes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Series:
    code: str
    name: str
    placeholder: bool = False

    @property
    def display(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True, slots=True)
class Title:
    series: str  # series name
    level: str
    name: str
    aliases: tuple[str, ...] = ()
    legacy: bool = False


@dataclass(frozen=True, slots=True)
class Campaign:
    bureau: str
    name: str
    code: str
    issue_date_from: dt.date
    issue_date_to: dt.date
    rows: int
    contact: str = ""


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    kind: str = "employer"  # office | district_bureau | employer
    code: str = ""  # unified social credit code, optional
    supervisor: str = ""
    short: str = ""
    region: str = ""


@dataclass(frozen=True, slots=True)
class RouteScope:
    series: str
    levels: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Route:
    office: str
    scope: tuple[RouteScope, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Org:
    name: str
    roles: tuple[str, ...] = ()
    former: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocab:
    """Every list and limit of a collection campaign. Build it with `load_vocab`."""

    regions: tuple[Region, ...]
    id_types: tuple[IdType, ...]
    series: tuple[Series, ...]
    levels: tuple[str, ...]
    titles: tuple[Title, ...]
    campaign: Campaign
    units: tuple[Unit, ...]
    routing: tuple[Route, ...]
    orgs: tuple[Org, ...]
    fingerprint: str = field(init=False)
    region_lookup: Mapping[str, Region] = field(init=False, repr=False)
    id_type_lookup: Mapping[str, IdType] = field(init=False, repr=False)
    series_lookup: Mapping[str, Series] = field(init=False, repr=False)
    level_lookup: Mapping[str, str] = field(init=False, repr=False)
    title_lookup: Mapping[str, tuple[Title, ...]] = field(init=False, repr=False)
    title_groups: Mapping[str, frozenset[str]] = field(init=False, repr=False)
    org_lookup: Mapping[str, Org] = field(init=False, repr=False)
    caches: dict[str, dict[Any, Any]] = field(init=False, repr=False, compare=False)
    remember: ClassVar[bool] = True  # False only inside validate.caches_off()

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "caches", {})
        put(self, "fingerprint", _fingerprint(self))
        # Regions match by their display text only (the dropdown's), as the sheet does.
        put(self, "region_lookup", _index((r.display, r) for r in self.regions))
        put(self, "id_type_lookup", _index((t.name, t) for t in self.id_types))
        put(self, "series_lookup", _index((s.display, s) for s in self.series))
        put(self, "level_lookup", _index((lv, lv) for lv in self.levels))
        titles: dict[str, list[Title]] = {}
        for t in self.titles:
            for name in (t.name, *t.aliases):
                titles.setdefault(text_key(name), []).append(t)
        put(self, "title_lookup", MappingProxyType({k: tuple(v) for k, v in titles.items()}))
        groups: dict[str, set[str]] = {}
        displays = {s.name: s.display for s in self.series}
        for t in self.titles:
            key = title_group_key(displays.get(t.series, ""), t.level)
            groups.setdefault(key, set()).update(text_key(n) for n in (t.name, *t.aliases))
        put(self, "title_groups", MappingProxyType({k: frozenset(v) for k, v in groups.items()}))
        put(self, "org_lookup", _index((n, o) for o in self.orgs for n in (o.name, *o.former)))

    # --- lookups used by rules (input is normalised cell text) -------------------------
    def find_region(self, text: str) -> Region | None:
        return self.region_lookup.get(text_key(text))

    def find_id_type(self, text: str) -> IdType | None:
        return self.id_type_lookup.get(text_key(text))

    def find_series(self, text: str) -> Series | None:
        return self.series_lookup.get(text_key(text))

    def find_level(self, text: str) -> str | None:
        return self.level_lookup.get(text_key(text))

    def find_titles(self, text: str) -> tuple[Title, ...]:
        return self.title_lookup.get(text_key(text), ())

    def find_org(self, text: str) -> Org | None:
        return self.org_lookup.get(text_key(text))

    def cache(self, name: str) -> dict[Any, Any]:
        """A cache named `name` for results worked out from this vocabulary and cell values
        (rule outcomes, canonical texts); it lives as long as the vocabulary, and whoever fills
        it bounds its size. Inside validate.caches_off() a dict that never stores anything."""
        if not self.remember:
            return _Forgetful()
        found = self.caches.get(name)
        if found is None:
            found = self.caches[name] = {}
        return found

    def find_unit(self, name: str) -> Unit | None:
        return next((u for u in self.units if text_key(u.name) == text_key(name)), None)

    @property
    def current_regions(self) -> tuple[Region, ...]:
        return tuple(r for r in self.regions if not r.legacy)

    def grouped_titles(self) -> list[tuple[Series, str, tuple[Title, ...]]]:
        """Titles grouped by (series, level) in vocabulary order; each group is contiguous."""
        groups: dict[tuple[str, str], list[Title]] = {}
        for t in self.titles:
            groups.setdefault((t.series, t.level), []).append(t)
        by_name = {s.name: s for s in self.series}
        return [(by_name[s], lv, tuple(ts)) for (s, lv), ts in groups.items() if s in by_name]


class _Forgetful(dict[Any, Any]):
    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def _index(*pairs: Iterable[tuple[str, Any]]) -> Mapping[str, Any]:
    out: dict[str, Any] = {}
    for chunk in pairs:
        for key, value in chunk:
            out[text_key(key)] = value
    return MappingProxyType(out)


def _fingerprint(vocab: Vocab) -> str:
    """SHA-256 of the canonical JSON of the semantic content (independent of YAML layout)."""
    data: dict[str, Any] = {
        name: [asdict(x) for x in getattr(vocab, name)]
        for name in ("regions", "id_types", "series", "titles", "units", "routing", "orgs")
    }
    data["levels"] = list(vocab.levels)
    data["campaign"] = asdict(vocab.campaign)
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def plain_fields(vocab: Vocab) -> dict[str, Any]:
    """The fields a Vocab is rebuilt from in a worker process (its lookups do not pickle)."""
    return {f.name: getattr(vocab, f.name) for f in fields(vocab) if f.init}
