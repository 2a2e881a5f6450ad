"""What the command line shows: Chinese help, summaries, JSON for scripts, progress bars,
and output that survives a GBK console."""

from __future__ import annotations

import codecs
import io
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import clitexts, sheettexts
from .privacy import mask_ids_in_text
from .vocabdir import VocabLocation, find_vocab_dir

MAX_ISSUE_LINES = 20


def find_vocab(option: Path | None, quiet: bool = False) -> VocabLocation:
    """The vocabulary folder by the lookup order; says on stderr which one it is."""
    where = find_vocab_dir(option)
    if not quiet:
        say_vocab(where)
    return where


def say_vocab(where: VocabLocation) -> None:
    source = clitexts.VOCAB_SOURCES[where.source]
    click.echo(clitexts.VOCAB_USED.format(path=where.path, source=source), err=True)


def echo_json(data: dict[str, Any]) -> None:
    # ASCII-only JSON reads the same whatever the console's or the file's code page.
    click.echo(json.dumps(data, ensure_ascii=True, indent=2, default=str))


class Command(click.Command):
    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _chinese_help_option(super().get_help_option(ctx))


class Group(click.Group):
    command_class = Command
    group_class = type  # subgroups are Group too

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _chinese_help_option(super().get_help_option(ctx))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        console_encoding()  # before anything is printed, --help and usage errors included
        return super().main(*args, **kwargs)


def _chinese_help_option(option: click.Option | None) -> click.Option | None:
    if option is not None:
        option.help = clitexts.CLI_HELP_TEXTS["--help"]
    return option


def with_progress(run: Callable[[Callable[[int, int], None]], Any], quiet: bool = False) -> Any:
    """Call `run(progress)` with a stderr progress bar fed by progress(done, total)."""
    if quiet:
        return run(lambda done, total: None)
    with click.progressbar(length=1, file=sys.stderr, show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        return run(progress)


def vocab_json(where: VocabLocation) -> dict[str, str]:
    return {"path": str(where.path), "source": str(where.source)}


def ingest_json(result: Any) -> dict[str, Any]:
    """The run's summary for scripts: exit code, totals, files, counts by code, outputs."""
    files = [{**f, "path": mask_ids_in_text(f["path"])} for f in result.files]
    codes = Counter(i.code for i in result.issues)
    outputs = {
        "out_dir": result.out_dir,
        "db": result.db_path,
        "consolidated_xlsx": result.consolidated_xlsx,
        "consolidated_csv": result.consolidated_csv,
        "errors_xlsx": result.errors_xlsx,
        "report_json": result.report_json,
        "corrections": list(result.corrections),
        "status_json": result.status.json,
        "status_xlsx": result.status.xlsx,
        "status_html": result.status.html,
    }
    return {
        "exit_code": result.exit_code,
        "totals": result.totals,
        "files": files,
        "issue_counts": dict(sorted(codes.items())),
        "missing_units": list(result.missing_units),
        "campaign": result.status.status.totals,
        "outputs": outputs,
    }


def status_json(files: Any) -> dict[str, Any]:
    """The campaign status for scripts: what status.json holds, and where the files are."""
    outputs = {"status_json": files.json, "status_xlsx": files.xlsx, "status_html": files.html}
    return {**files.status.as_json(), "outputs": outputs}


_STATUS_NAMES = {"accepted": clitexts.CLI_ACCEPTED, "ignored": clitexts.CLI_IGNORED}


def print_summary(result: Any) -> None:
    from .batch import NOT_WRITTEN
    from .ingest import shown_name

    click.echo(clitexts.CLI_TABLE_HEADER)
    for f in result.files:
        status = _STATUS_NAMES.get(f["status"], clitexts.CLI_REJECTED)
        cells = [f.get("unit") or "-", mask_ids_in_text(shown_name(f["path"])), status]
        cells += [
            str(f.get(k, 0))
            for k in ("rows", "valid_rows", "invalid_rows", "duplicate_rows", "excluded_rows")
        ]
        if f["status"] != "accepted":
            cells.append(f"[{f.get('code')}]")
        click.echo(" | ".join(cells))
    click.echo(clitexts.CLI_INGEST_SUMMARY.format(**result.totals))
    if result.totals.get("ignored_files"):
        click.echo(clitexts.CLI_IGNORED_FILES.format(n=result.totals["ignored_files"]))
    if result.totals["withdrawn_rows"] or result.totals["outdated_rows"]:
        click.echo(clitexts.CLI_INGEST_RETIRED.format(**result.totals))
    shown = [i for i in result.issues if i.severity != "info" and i.code != NOT_WRITTEN]
    for i in shown[:MAX_ISSUE_LINES]:
        click.echo(f"  [{i.code}] {mask_ids_in_text(i.file)}: {result.message(i)}")
    if len(shown) > MAX_ISSUE_LINES:
        click.echo(clitexts.CLI_MORE_ISSUES.format(n=len(shown) - MAX_ISSUE_LINES))
    for i in result.issues:  # never cut off: the bureau must see which unit got no correction
        if i.code == NOT_WRITTEN:
            click.echo(f"  [{i.code}] {result.message(i)}")
    if result.corrections:
        click.echo(clitexts.CLI_CORRECTIONS.format(n=len(result.corrections)))
    if result.missing_units:
        click.echo(
            clitexts.CLI_MISSING_UNITS.format(
                n=len(result.missing_units), units="、".join(result.missing_units)
            )
        )


def print_demo(result: Any, out: Path) -> None:
    """Both rounds of the demo, then the campaign status."""
    print_summary(result.ingest)
    click.echo(f"\n{clitexts.CLI_DEMO_ROUND_2}")
    print_summary(result.second)
    click.echo(f"\n{clitexts.CLI_DEMO_STATUS}")
    print_status(result.second.status, out)


def print_status(files: Any, out: Path) -> None:
    """The campaign status: the units that need action, then the totals."""
    status = files.status
    click.echo(clitexts.CLI_STATUS_HEADER)
    for u in status.units:
        if u.state == "done":
            continue
        state = sheettexts.STATUS_STATES[u.state]
        office = u.office or sheettexts.STATUS_NO_OFFICE
        click.echo(
            clitexts.CLI_STATUS_LINE.format(unit=u.unit, office=office, state=state, **u.counts)
        )
    click.echo(clitexts.CLI_STATUS_SUMMARY.format(**status.totals))
    click.echo(clitexts.CLI_OUTPUTS.format(out=out))


def console_encoding() -> None:
    """Chinese output on a legacy console or in a redirected file on Windows: the code page
    there is GBK (cp936), which lacks some characters of names; GB 18030 is the superset that
    encodes every character and reads as GBK wherever GBK can. Anything else that is not
    UTF-8 gets `?` rather than a crash halfway through a report."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if not isinstance(stream, io.TextIOWrapper) or encoding in ("utf8", "gb18030"):
            continue
        if codecs.lookup(encoding).name in ("gbk", "cp936", "gb2312"):
            stream.reconfigure(encoding="gb18030")
        else:
            stream.reconfigure(errors="replace")


def chinese_help(command: click.Command, path: str = "titletemplate") -> None:
    """Every command's and option's help comes from clitexts.CLI_HELP_TEXTS, keyed by the
    command path ("build", "vocab check") and "path --option", or "--option" when shared."""
    texts = clitexts.CLI_HELP_TEXTS
    command.help = texts.get(path)
    for param in command.params:
        if isinstance(param, click.Option):
            name = max(param.opts, key=len)
            param.help = texts.get(f"{path} {name}".removeprefix("titletemplate "), texts.get(name))
    for name, sub in getattr(command, "commands", {}).items():
        chinese_help(sub, name if path == "titletemplate" else f"{path} {name}")
