"""The campaign's status: where every unit stands (returned or not, rows by status, open
errors, corrections issued and returned), per review office and in total, read from the store;
and status.json."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import atomic_open
from ..ingest.store import Store
from ..vocab import Vocab, text_key

STATUS_JSON = "status.json"
COUNTERS = (
    "files",
    "rows",
    "valid_rows",
    "invalid_rows",
    "duplicate_rows",
    "excluded_rows",
    "withdrawn_rows",
    "open_errors",
    "correction_issued",
    "correction_returned",
)
# What a unit needs, in the order the board lists them: errors to correct, a return to chase,
# nothing.
OPEN, MISSING, DONE = "open", "missing", "done"
STATES = (OPEN, MISSING, DONE)


@dataclass(frozen=True, slots=True)
class UnitStatus:
    unit: str
    office: str  # the review office its rows go to (附件2): its supervisor, or itself
    state: str  # open | missing | done
    last_received: str  # ISO time of its last accepted file, "" if none
    counts: dict[str, int]  # COUNTERS

    def as_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "office": self.office, "state": self.state,
                "last_received": self.last_received, **self.counts}  # fmt: skip


@dataclass(frozen=True, slots=True)
class OfficeStatus:
    office: str
    units: int
    states: dict[str, int]  # units per state
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class CampaignStatus:
    campaign: str
    as_of: str
    units: tuple[UnitStatus, ...]  # by what needs action: open (most errors first), missing, done
    offices: tuple[OfficeStatus, ...]
    totals: dict[str, int]  # COUNTERS, plus units and units per state
    unassigned_files: int  # rejected files whose unit is unknown

    def as_json(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "as_of": self.as_of,
            "units": [u.as_json() for u in self.units],
            "offices": [
                {"office": o.office, "units": o.units, **o.states, **o.counts} for o in self.offices
            ],
            "totals": {**self.totals, "unassigned_files": self.unassigned_files},
        }


def office_of_unit(vocab: Vocab, unit: str) -> str:
    """The review office of a unit: an employer's supervisor, an office or district bureau
    itself; "" when the unit is not in units.yaml."""
    found = vocab.find_unit(unit)
    if found is None:
        return ""
    return found.supervisor if found.kind == "employer" else found.name


def campaign_status(
    store: Store, vocab: Vocab, expected: Iterable[str], as_of: str
) -> CampaignStatus:
    """Every expected unit (those that never returned with zeros) and every unit the store
    knows, counted over the store's current rows."""
    found = _per_unit(store)
    names: dict[str, str] = {}  # text_key -> name as shown
    for name in [*expected, *(name for name, _, _ in found.values())]:
        names.setdefault(text_key(name), name)
    units = []
    for key, name in names.items():
        _, counts, last = found.get(key) or (name, dict.fromkeys(COUNTERS, 0), "")
        state = OPEN if counts["open_errors"] or counts["invalid_rows"] else (
            MISSING if not counts["files"] else DONE
        )  # fmt: skip
        units.append(UnitStatus(name, office_of_unit(vocab, name), state, last, counts))
    units.sort(key=lambda u: (STATES.index(u.state), -u.counts["open_errors"], u.unit))
    totals = _sum(u.counts for u in units)
    totals["units"] = len(units)
    totals |= {f"units_{s}": sum(u.state == s for u in units) for s in STATES}
    return CampaignStatus(
        vocab.campaign.code, as_of, tuple(units), _offices(vocab, units), totals,
        store.unassigned_files(),
    )  # fmt: skip


def _per_unit(store: Store) -> dict[str, tuple[str, dict[str, int], str]]:
    """text_key(unit) -> (unit, counters, last received)."""
    out: dict[str, tuple[str, dict[str, int], str]] = {}
    for unit, values in store.unit_counts().items():
        counts = {k: int(values.get(k, 0)) for k in COUNTERS}
        last = str(values.get("last_received", ""))
        key = text_key(unit)
        if key in out:  # the same unit spelled two ways (full-width, spaces): one line
            name, before, last_before = out[key]
            counts = _sum([before, counts])
            unit, last = name, max(last, last_before)
        out[key] = (unit, counts, last)
    return out


def _sum(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    total = dict.fromkeys(COUNTERS, 0)
    for counts in rows:
        for k in COUNTERS:
            total[k] += counts[k]
    return total


def _offices(vocab: Vocab, units: Sequence[UnitStatus]) -> tuple[OfficeStatus, ...]:
    order = [u.name for u in vocab.units if u.kind != "employer"]
    by_office: dict[str, list[UnitStatus]] = {}
    for u in units:
        by_office.setdefault(u.office, []).append(u)
    ranked = sorted(by_office, key=lambda o: (o not in order, order.index(o) if o in order else 0))
    return tuple(
        OfficeStatus(
            office,
            len(by_office[office]),
            {s: sum(u.state == s for u in by_office[office]) for s in STATES},
            _sum(u.counts for u in by_office[office]),
        )
        for office in ranked
    )


def write_status_json(path: Path, status: CampaignStatus) -> Path:
    with atomic_open(path, "wb") as fh:
        text = json.dumps(status.as_json(), ensure_ascii=False, indent=2) + "\n"
        fh.write(text.encode("utf-8"))
    return path
