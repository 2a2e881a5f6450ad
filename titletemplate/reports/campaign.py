"""The campaign status files: status.json, status.xlsx and status.html, from the store, for
the `status` command and after every ingest."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import StoreError
from ..ingest.store import Store
from ..vocab import Vocab
from .status import STATUS_JSON, CampaignStatus, campaign_status, write_status_json
from .statusbook import STATUS_XLSX, write_status_xlsx
from .statushtml import STATUS_HTML, write_status_html


@dataclass(frozen=True, slots=True)
class StatusFiles:
    status: CampaignStatus
    json: Path
    xlsx: Path
    html: Path


def expected_units(vocab: Vocab, manifest: str | Path | None) -> list[tuple[str, str]]:
    """(unit name, template id) pairs that should come back: the manifest's, or every unit
    of units.yaml."""
    if manifest is None:
        return [(u.name, "") for u in vocab.units]
    with Path(manifest).open(encoding="utf-8-sig", newline="") as fh:
        return [(r.get("unit", ""), r.get("template_id", "")) for r in csv.DictReader(fh)]


def write_status(
    store: Store,
    vocab: Vocab,
    out_dir: Path,
    expected: Sequence[tuple[str, str]],
    as_of: str,
) -> StatusFiles:
    """Write the three status files into `out_dir`."""
    status = campaign_status(store, vocab, [name for name, _ in expected], as_of)
    return StatusFiles(
        status,
        write_status_json(out_dir / STATUS_JSON, status),
        write_status_xlsx(out_dir / STATUS_XLSX, status),
        write_status_html(out_dir / STATUS_HTML, status),
    )


def report_status(
    db_path: str | Path,
    out_dir: str | Path,
    *,
    vocab: Vocab,
    manifest: str | Path | None = None,
    as_of: str | None = None,
) -> StatusFiles:
    """The `status` command: the campaign's status from the store at `db_path`.

    Raises:
        StoreError: the database cannot be used. OSError: the manifest cannot be read.
    """
    if not Path(db_path).is_file():  # never create an empty store by asking for its status
        raise StoreError("store-unusable", f"{Path(db_path).name}: not found")
    when = as_of or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with Store(db_path) as store:
        return write_status(store, vocab, out, expected_units(vocab, manifest), when)
