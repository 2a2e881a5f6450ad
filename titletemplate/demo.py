"""The whole loop on built-in defaults: templates for four demo units, filled the way clerks
fill them (with their typical mistakes), ingested; then the second round: the units fix their
correction workbooks as clerks do and send them back, and the campaign status shows where every
unit stands. Synthetic people, fixed seed."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import clitexts, idcard, sheettexts
from .batch import DB_NAME, IngestResult, Progress, ingest
from .columns import BY_KEY, COLUMNS, DATA_SHEET, FIRST_DATA_ROW
from .files import write_bytes_atomic
from .keys import DEMO_DIR, load_private_key, load_public_key
from .template import MANIFEST_NAME, build_template, build_templates
from .vocab import Region, Title, Unit, Vocab, text_key, title_group_key
from .vocabcheck import load_vocab

SEED = 20210317
ISSUED_AT = "2021-03-17T08:00:00Z"
RECEIVED_AT = "2021-03-27T09:00:00Z"
SECOND_AT = "2021-04-03T09:00:00Z"  # the corrections come back a week later
DEMO_ROWS = 100  # input rows per demo template (the campaign's 2,000 only slow the demo down)
ROWS_PER_UNIT = 12
CITY_REGION = "371100000000"  # Rizhao: the demo people live and were reviewed there
_KEYS = tuple(c.key for c in COLUMNS)
_DATA_PART = "xl/worksheets/sheet1.xml"  # build_template writes the data sheet first

Row = dict[str, object]


@dataclass(frozen=True, slots=True)
class DemoResult:
    out_dir: Path
    templates: tuple[Path, ...]
    submissions: tuple[Path, ...]  # the filled files, as units would return them
    revoked: Path
    ecert: Path
    ingest: IngestResult  # the first round
    corrected: tuple[Path, ...]  # the correction workbooks the units sent back
    second: IngestResult  # the second round: its status is the campaign's


def demo_units(vocab: Vocab) -> list[Unit]:
    """Two employers, the supervising office of the first, and a district bureau."""
    employers = [u for u in vocab.units if u.kind == "employer"][:2]
    supervisor = vocab.find_unit(employers[0].supervisor) if employers else None
    district = next(u for u in vocab.units if u.kind == "district_bureau")
    units = [*employers, *([supervisor] if supervisor else []), district]
    return list(dict.fromkeys(units))


def run_demo(out_dir: str | Path, *, progress: Progress | None = None) -> DemoResult:
    """Build, fill and ingest the demo; outputs go to out_dir/{templates,returned,report}."""
    out = Path(out_dir)
    vocab = load_vocab()
    # Always the built-in demo pair, even when $TITLETEMPLATE_KEY_FILE names the real key.
    key, _ = load_private_key(DEMO_DIR / "demo-private.pem")
    public_key, _ = load_public_key(DEMO_DIR / "demo-public.pem")
    units = demo_units(vocab)
    templates_dir, returned, report = out / "templates", out / "returned", out / "report"
    for folder in (returned, report):  # a demo run starts from scratch
        shutil.rmtree(folder, ignore_errors=True)
    entries = build_templates(
        vocab, units, key, templates_dir, issued_at=ISSUED_AT, rows=DEMO_ROWS, jobs=1
    )
    rows = _demo_rows(vocab, units, random.Random(SEED))
    submissions = []
    filled = zip(units, entries, rows.filled, strict=True)
    for n, (unit, entry, unit_rows) in enumerate(filled, start=1):
        # Numbered as received, so that the first arrival is the first file in path order.
        target = returned / f"{n:02d}-{entry.file}"
        write_bytes_atomic(target, _filled(vocab, unit, key, unit_rows))
        submissions.append(target)
    lock = returned / f"~${submissions[0].name}"  # Excel's lock file, sent along by mistake
    lock.write_bytes(b"\x00" * 165)
    revoked = _write_list(report / "revoked.csv", rows.revoked)
    ecert = _write_list(report / "ecert.csv", rows.ecert)
    result = ingest(
        [returned],
        report,
        vocab=vocab,
        public_key=public_key,
        private_key=key,
        db_path=report / DB_NAME,
        revoked=revoked,
        ecert=ecert,
        manifest=templates_dir / MANIFEST_NAME,
        received_at=RECEIVED_AT,
        correction_rows=DEMO_ROWS,
        progress=progress,
    )
    corrected = _second_round(result.corrections, rows, out / "corrected")
    second = ingest(
        corrected,
        report,
        vocab=vocab,
        public_key=public_key,
        private_key=key,
        db_path=report / DB_NAME,
        manifest=templates_dir / MANIFEST_NAME,
        received_at=SECOND_AT,
        correction_rows=DEMO_ROWS,
    )
    return DemoResult(
        out, tuple(templates_dir / e.file for e in entries), tuple(submissions), revoked, ecert,
        result, tuple(corrected), second,
    )  # fmt: skip


def _second_round(corrections: Sequence[Path], rows: _DemoRows, folder: Path) -> list[Path]:
    """The units' clerks fix their correction workbooks: each prefilled row gets its true
    values back (found by certificate number), except that the port company picks another
    title outside its series, the supervising office deletes the conflicting copy of the
    school's row it had sent, and the district bureau does not answer (its row is revoked:
    nothing to fix)."""
    shutil.rmtree(folder, ignore_errors=True)
    truth = rows.truth
    still_wrong, deleted = rows.still_wrong, rows.deleted
    out = []
    for path in corrections:
        if path.stem == rows.silent_unit:
            continue
        wb = openpyxl.load_workbook(path)
        try:
            ws = wb[DATA_SHEET]
            r = FIRST_DATA_ROW
            while cert := ws.cell(r, 2).value:
                fixed = dict(truth[path.stem, str(cert)])
                if (path.stem, cert) == deleted:
                    fixed = dict.fromkeys(_KEYS)
                elif (path.stem, cert) == still_wrong[:2]:
                    fixed["title_name"] = still_wrong[2]
                for c, key in enumerate(_KEYS, start=1):
                    ws.cell(r, c).value = fixed[key]
                r += 1
            target = folder / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            wb.save(target)
        finally:
            wb.close()
        out.append(target)
    return out


# --- synthetic rows -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _DemoRows:
    filled: list[list[Row]]  # per unit, in the order of demo_units
    revoked: list[tuple[str, str]]  # (id number, cert no)
    ecert: list[tuple[str, str]]
    truth: dict[tuple[str, str], Row]  # (unit, cert no) -> the row before the mistakes
    still_wrong: tuple[str, str, str]  # (unit, cert no, title): fixed wrongly in round two
    deleted: tuple[str, str]  # (unit, cert no): deleted from its correction in round two
    silent_unit: str  # does not send its correction back


class _People:
    def __init__(self, vocab: Vocab, rng: random.Random) -> None:
        self.vocab, self.rng = vocab, rng
        self.regions: list[Region] = [
            r for r in vocab.current_regions if r.code == CITY_REGION or r.parent == CITY_REGION
        ]
        self.issuers = [o.name for o in vocab.orgs if "issuer" in o.roles][:2]
        self.serial = 0

    def person_id(self, male: bool) -> str:
        born = dt.date(1965, 1, 1) + dt.timedelta(days=self.rng.randrange(30 * 365))
        seq = self.rng.randrange(50) * 2 + (1 if male else 0)
        area = self.rng.choice([r for r in self.regions if r.level == "county"]).code[:6]
        return idcard.complete(f"{area}{born:%Y%m%d}{seq:03d}")

    def name(self) -> str:
        given = "".join(
            self.rng.choice(clitexts.DEMO_GIVEN) for _ in range(self.rng.choice((1, 2)))
        )
        return self.rng.choice(clitexts.DEMO_SURNAMES) + given

    def row(self, titles: Sequence[Title], reviewer: str) -> Row:
        vocab, rng = self.vocab, self.rng
        title = rng.choice(titles)
        series = next(s for s in vocab.series if s.name == title.series)
        male = rng.random() < 0.5
        self.serial += 1
        issued = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(9 * 365))
        return {
            "region_code": rng.choice(self.regions).display,
            "cert_no": f"{clitexts.DEMO_CERT_PREFIX}{series.code}{issued:%Y}{self.serial:06d}",
            "id_type": vocab.id_types[0].name,
            "id_number": self.person_id(male),
            "name": self.name(),
            "gender": sheettexts.GENDERS[0 if male else 1],
            "series": series.display,
            "level": title.level,
            "title_name": title.name,
            "issue_date": f"{issued:%Y%m%d}",
            "issuer": rng.choice(self.issuers),
            "review_body": reviewer,
        }


def _titles_for(vocab: Vocab, unit: Unit) -> tuple[list[Title], str]:
    """Titles a unit plausibly reports (its own or its supervisor's routing scope)."""
    office = unit.name if unit.kind == "office" else unit.supervisor
    route = next((r for r in vocab.routing if r.office == office and r.scope), vocab.routing[0])
    scope = {(s.series, lv) for s in route.scope for lv in s.levels}
    titles = [t for t in vocab.titles if (t.series, t.level) in scope and not t.legacy]
    reviewer = route.office if vocab.find_org(route.office) else vocab.orgs[0].name
    return titles, reviewer


def _demo_rows(vocab: Vocab, units: Sequence[Unit], rng: random.Random) -> _DemoRows:
    people = _People(vocab, rng)
    filled: list[list[Row]] = []
    for unit in units:
        titles, reviewer = _titles_for(vocab, unit)
        filled.append([people.row(titles, reviewer) for _ in range(ROWS_PER_UNIT)])
    before = [[dict(r) for r in unit_rows] for unit_rows in filled]
    school, port, office, district = (filled + [[]] * 4)[:4]
    # The typical mistakes, each on its own row (Excel row = FIRST_DATA_ROW + index).
    school[2]["id_number"] = float(str(school[2]["id_number"]))  # typed as a number
    wrong = str(school[4]["id_number"])
    school[4]["id_number"] = wrong[:17] + ("0" if wrong[17] != "0" else "1")  # wrong check digit
    school[6]["issue_date"] = "2019-02-29"  # no such day, typed as text with dashes
    port[1]["issue_date"] = "20190229"
    port[3]["title_name"] = _foreign_title(vocab, port[3])  # a title outside its series
    # The supervising office sends two of the school's rows again: one identical, one
    # with another issue date (a conflicting version of the same certificate).
    if office:
        office[0] = dict(school[0])
        office[1] = dict(school[1])
        office[1]["issue_date"] = _another_date(str(school[1]["issue_date"]))
    revoked = [(str(district[5]["id_number"]), str(district[5]["cert_no"]))] if district else []
    ecert = [(str(port[7]["id_number"]), "")]
    names = [u.name for u in units] + [""] * 4
    wrong_again = _foreign_title(vocab, port[3], skip=str(port[3]["title_name"]))
    if office:  # the office's rows are the copies it sent
        before[2][:2] = [dict(office[0]), dict(office[1])]
    truth = {
        (name, str(r["cert_no"])): r
        for name, unit_rows in zip(names[: len(before)], before, strict=True)
        for r in unit_rows
    }
    return _DemoRows(
        filled, revoked, ecert, truth,
        (names[1], str(port[3]["cert_no"]), wrong_again),
        (names[2], str(office[1]["cert_no"]) if office else ""),
        names[3],
    )  # fmt: skip


def _foreign_title(vocab: Vocab, row: Row, skip: str = "") -> str:
    key = title_group_key(str(row["series"]), str(row["level"]))
    group: frozenset[str] = vocab.title_groups.get(key, frozenset())
    return next(
        t.name
        for t in vocab.titles
        if text_key(t.name) not in group and not t.legacy and t.name != skip
    )


def _another_date(yyyymmdd: str) -> str:
    day = dt.datetime.strptime(yyyymmdd, "%Y%m%d").date()
    return f"{day + dt.timedelta(days=1 if day.day < 28 else -1):%Y%m%d}"


def _filled(vocab: Vocab, unit: Unit, key: Ed25519PrivateKey, rows: Sequence[Row]) -> bytes:
    """The unit's template with the rows typed in: text as text, and a number where a clerk
    typed a long number into a cell Excel had not kept as text."""
    text = [{k: v for k, v in row.items() if isinstance(v, str)} for row in rows]
    data = build_template(vocab, unit, key, issued_at=ISSUED_AT, rows=DEMO_ROWS, prefill=text)
    numbers = {
        f"{BY_KEY[k].letter}{FIRST_DATA_ROW + i}": v
        for i, row in enumerate(rows)
        for k, v in row.items()
        if isinstance(v, float)
    }
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename == _DATA_PART:
                for ref, value in numbers.items():
                    blank = re.compile(f'<c r="{ref}" (s="[0-9]+")/>'.encode())
                    part, n = blank.subn(
                        rb'<c r="%s" \1><v>%r</v></c>' % (ref.encode(), value), part
                    )
                    if n != 1:
                        raise ValueError(f"no blank input cell {ref}")
            zout.writestr(info, part)
    return out.getvalue()


def _write_list(path: Path, entries: Sequence[tuple[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [",".join((sheettexts.HEADERS["id_number"], sheettexts.HEADERS["cert_no"]))]
    lines += [",".join(e) for e in entries]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path
