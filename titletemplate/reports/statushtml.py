"""status.html: the campaign status as one self-contained page (inline CSS and SVG, no
script, no fonts or images to fetch) that opens from disk and prints on A4."""

from __future__ import annotations

from html import escape
from pathlib import Path

from .. import sheettexts
from ..files import atomic_open
from .status import COUNTERS, DONE, CampaignStatus, OfficeStatus, UnitStatus

STATUS_HTML = "status.html"
_BAR_WIDTH = 320  # SVG user units of a progress bar
_COLOURS = {"open": "#c62828", "missing": "#9e9e9e", "done": "#2e7d32"}
_CSS = """
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
       "SimSun", sans-serif; color: #212121; margin: 24px; font-size: 13px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 20px 0 8px; border-bottom: 2px solid #455a64; padding-bottom: 2px; }
.sub { color: #616161; margin: 0 0 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; }
.card { border: 1px solid #cfd8dc; border-radius: 4px; padding: 6px 12px; min-width: 110px; }
.card b { display: block; font-size: 22px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border: 1px solid #b0bec5; padding: 3px 6px; text-align: right; white-space: nowrap; }
th { background: #eceff1; }
td.t { text-align: left; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
.state { color: #fff; border-radius: 3px; padding: 0 6px; white-space: nowrap; }
.offices td { vertical-align: middle; }
@media print { body { margin: 0; } h2 { break-after: avoid; } }
"""


def write_status_html(path: Path, status: CampaignStatus) -> Path:
    with atomic_open(path, "wb") as fh:
        fh.write(status_html(status).encode("utf-8"))
    return path


def status_html(status: CampaignStatus) -> str:
    t = status.totals
    cards = "".join(
        f'<div class="card">{escape(label)}<b>{t.get(key, 0)}</b></div>'
        for key, label in sheettexts.STATUS_CARDS
    )
    subtitle = sheettexts.STATUS_SUBTITLE.format(campaign=status.campaign, as_of=status.as_of)
    action = [u for u in status.units if u.state != DONE]
    done = [u for u in status.units if u.state == DONE]
    parts = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{escape(sheettexts.STATUS_TITLE)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(sheettexts.STATUS_TITLE)}</h1>",
        f'<p class="sub">{escape(subtitle)}</p>',
        f'<div class="cards">{cards}</div>',
        f"<h2>{escape(sheettexts.STATUS_NEEDS_ACTION)}</h2>",
        _unit_table(action) if action else f"<p>{escape(sheettexts.STATUS_ALL_DONE)}</p>",
        f"<h2>{escape(sheettexts.STATUS_OFFICES)}</h2>",
        _office_table(status.offices),
    ]
    if done:
        parts += [f"<h2>{escape(sheettexts.STATUS_DONE_UNITS)}</h2>", _unit_table(done)]
    if status.unassigned_files:
        line = sheettexts.STATUS_UNASSIGNED_FILES.format(n=status.unassigned_files)
        parts.append(f'<p class="sub">{escape(line)}</p>')
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _unit_table(units: list[UnitStatus]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in sheettexts.STATUS_HEADERS)
    rows = []
    for u in units:
        c = u.counts
        state = sheettexts.STATUS_STATES[u.state]
        cells = [
            f'<td class="t">{escape(u.unit)}</td>',
            f'<td class="t">{escape(u.office or sheettexts.STATUS_NO_OFFICE)}</td>',
            f'<td class="t"><span class="state" style="background:{_COLOURS[u.state]}">'
            f"{escape(state)}</span></td>",
            f"<td>{c['files']}</td>",
            f'<td class="t">{escape(u.last_received.replace("T", " ").rstrip("Z"))}</td>',
            *(f"<td>{c[k]}</td>" for k in _UNIT_COUNTS),
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


_UNIT_COUNTS = tuple(c for c in COUNTERS if c != "files")  # the table shows files apart


def _office_table(offices: tuple[OfficeStatus, ...]) -> str:
    headers = sheettexts.STATUS_OFFICE_HEADERS
    head = f"<th>{escape(headers[0])}</th><th></th>" + "".join(
        f"<th>{escape(h)}</th>" for h in headers[1:]
    )
    rows = []
    for o in offices:
        c = o.counts
        cells = [
            f'<td class="t">{escape(o.office or sheettexts.STATUS_NO_OFFICE)}</td>',
            f'<td class="t">{_bar(o)}</td>',
            f"<td>{o.units}</td>",
            *(f"<td>{o.states[s]}</td>" for s in ("open", "missing", "done")),
            *(f"<td>{c[k]}</td>" for k in ("rows", "valid_rows", "invalid_rows", "open_errors")),
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="offices"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _bar(office: OfficeStatus) -> str:
    """A stacked bar of the office's units: done, open, missing (an SVG, so that it prints
    without the browser's "background graphics" option)."""
    x, rects = 0.0, []
    for state in ("done", "open", "missing"):
        n = office.states[state]
        if not n:
            continue
        w = _BAR_WIDTH * n / office.units
        rects.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="14" fill="{_COLOURS[state]}"/>'
        )
        x += w
    label = sheettexts.STATUS_PROGRESS.format(done=office.states["done"], units=office.units)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_BAR_WIDTH}" height="30"'
        f' viewBox="0 0 {_BAR_WIDTH} 30" role="img" aria-label="{escape(label)}">'
        f'<rect x="0" y="0" width="{_BAR_WIDTH}" height="14" fill="#eceff1"/>{"".join(rects)}'
        f'<text x="0" y="27" font-size="11" fill="#424242">{escape(label)}</text></svg>'
    )
