"""A single large returned file read by every worker: this process does the file-level work
(preflight, identity, other sheets, the XML around the data sheet's cells) and cuts the cells
into runs of whole rows; each worker scans its runs, decodes their values and builds their
input rows (which checkfile validates there too).

Measured on the benchmark's 100,000-row file (52 MB of sheet XML, 2 cores): read_submission
took 3.6 s on one core while both workers waited (scan 1.8 s, calamine 1.0 s, input rows
0.8 s), then validation 2.5 s on both; now this process works ~0.3 s before the workers
start and the phase takes ~4.6 s. The CPU time is about the same (8.3 s before, 8.6 s now:
values from cellvalues cost what calamine saved, but calamine cannot read part of a sheet);
the gain is the second core. Whenever anything is not sure (a run that the fast scan or
cellvalues cannot read, a row with cells in two runs, a rejected file), checkfile reads the
file the usual way, which stays the reference: the result is always the same.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from python_calamine import CalamineWorkbook

from ..columns import DATA_SHEET, FIRST_DATA_ROW, HEADER_ROW
from ..errors import Issue
from ..fingerprint import Identity
from ..ooxml import sheetscan
from ..ooxml.cellvalues import Decoder, Grid, decode_parts, decoder_parts
from ..ooxml.sheetscan import FAST_MAX_BYTES, Merge, SheetScan
from ..ooxml.zipparts import Package
from ..vocab import Vocab
from . import preflight, reader

# XML per task: a few ms to send, ~13 tasks for the benchmark's file keep both workers busy.
TASK_BYTES = 4 * 2**20

# One task: (file token, shared-strings part, styles part, the XML of a run of whole rows,
# merged ranges, date1904). The parts travel with every task (a few ms) so that workers
# started with "spawn" need nothing inherited; each worker decodes them once per file.
Task = tuple[str, bytes | None, bytes | None, bytes, tuple[Merge, ...], bool]
# What a worker says about its run: (max_row, max_col, first and last row of its cells, the
# header row's values if the run has it, its last input row or 0).
Summary = tuple[int, int, int, int, list[object] | None, int]


@dataclass(frozen=True, slots=True)
class Started:
    """A file whose data sheet is being read by the workers, run by run."""

    identity: Identity | None
    issues: tuple[Issue, ...]  # file-level so far
    date1904: bool
    protected: bool
    merges: tuple[Merge, ...]
    futures: list[Future[Any]]  # in row order


def start(
    path: Path,
    loaded: preflight.Loaded,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    submit: Callable[[Task], Future[Any]],
    workers: int = 1,
) -> Started | None:
    """Check the file (`loaded`: read_once of `path`) as read_submission does up to its data
    sheet and `submit` a task per run of rows (about TASK_BYTES each, as many as the `workers`
    share evenly); None when only read_submission can say (nothing is submitted then).

    Raises:
        SubmissionError: the file is rejected (read_submission says why in the same words).
    """
    data, token = preflight.check_loaded(path.name, loaded), loaded.sha256
    with preflight.parser_errors(), Package(data) as zf:
        # The workers start first (~0.1 s sooner); a rejected file only wastes their time.
        book = preflight.read_book(zf)
        part = book.sheets.get(DATA_SHEET)
        parts = decoder_parts(zf)
        if part is None or parts is None or zf.getinfo(part).file_size > FAST_MAX_BYTES:
            return None
        xml = zf.read(part)
        around = sheetscan.outline(xml)
        if around is None:
            return None
        lo, hi, merges, protected = around
        futures = [
            submit((token, *parts, xml[pos:stop], merges, book.date1904))
            for pos, stop in sheetscan.row_chunks(xml, lo, hi, run_bytes(hi - lo, workers))
        ]
        try:
            with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book_values:
                opened = reader.open_book(zf, book_values, vocab, public_key, path.name, False)
                reader.check_copies(opened)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return Started(opened.identity, opened.issues, book.date1904, protected, merges, futures)


def run_bytes(size: int, workers: int) -> int:
    """The run size that cuts `size` bytes of cells into about TASK_BYTES per run, in a number
    of runs that is a multiple of `workers` (13 runs on 2 workers left one idle for the last:
    ~0.2 s of the 100,000-row file)."""
    count = -(-size // TASK_BYTES)
    count = -(-count // max(workers, 1)) * max(workers, 1)
    return max(1, -(-size // count))


def finish(
    started: Started, summaries: Sequence[Summary], input_rows: Iterable[int], vocab: Vocab,
    file: str,
) -> tuple[Issue, ...] | None:  # fmt: skip
    """The file's issues once every run is read (`input_rows`: their rows, in order); None
    when only read_submission can say.

    Raises:
        SubmissionError: the file is rejected.
    """
    max_row, max_col, previous, last_input_row = 0, -1, 0, 0
    header: list[object] = []
    for run_max_row, run_max_col, low, high, header_row, last in summaries:
        if low <= high:
            if low <= previous:
                return None  # a row with cells in two runs: the runs are not whole rows
            previous = high
        max_row, max_col = max(max_row, run_max_row), max(max_col, run_max_col)
        header = header_row if header_row is not None else header
        last_input_row = max(last_input_row, last)
    reader.guard(DATA_SHEET, SheetScan(max_row, max_col, {}, (), started.protected))
    reader.check_header([[]] * (HEADER_ROW - 1) + [header])
    if not reader.merges_within_budget(started.merges, last_input_row):
        return None
    outside = reader.first_outside(input_rows, vocab)
    return (*started.issues, *reader.data_issues(file, started.protected, outside))


_decoders: dict[str, Decoder | None] = {}  # in a worker: the decoder of the file at hand


def read_chunk(task: Task) -> tuple[Summary, tuple[reader.SourceRow, ...]] | None:
    """In a worker: the input rows of a run of whole rows and what finish needs to know about
    it; None when only read_submission can say."""
    token, strings, styles, xml, merges, _ = task
    if token not in _decoders:
        _decoders.clear()
        _decoders[token] = decode_parts(strings, styles)
    decoder = _decoders[token]
    if decoder is None:
        return None
    width = reader.WIDTH
    grid = Grid(decoder, width, FIRST_DATA_ROW, width, reader.MAX_ROW)
    found = sheetscan.scan_rows(xml, FIRST_DATA_ROW, width, grid.add, width)
    if found is None or not grid.ok:
        return None
    rows = reader.chunk_rows(grid.rows, found.cells, merges)
    last = rows[-1].excel_row if rows else 0
    header = grid.rows.get(HEADER_ROW)
    return (found.max_row, found.max_col, found.low, found.high, header, last), rows
