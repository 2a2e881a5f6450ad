"""Command line: thin click commands that call the library and render its results."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path

import click

from . import __version__, cliout, clitexts
from .cliguard import LOG_NAME as LOG_NAME  # re-exported: where a command logs
from .cliguard import Exit, err, guarded, warn_demo, warn_real_templates
from .vocabdir import PACKAGED_VOCAB_DIR, VocabLocation, VocabSource

PACKAGED_VOCAB = VocabLocation(PACKAGED_VOCAB_DIR, VocabSource.PACKAGED)

vocab_option = click.option(
    "--vocab",
    "vocab_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
)
key_option = click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="TITLETEMPLATE_KEY_FILE",
)
public_key_option = click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="TITLETEMPLATE_PUBLIC_KEY",
)


quiet_option = click.option("--quiet", "-q", is_flag=True)
json_option = click.option("--json", "as_json", is_flag=True)
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group(cls=cliout.Group)
@click.version_option(__version__)
def main() -> None:
    """The command group (its help, like every command's, comes from clitexts)."""


@main.group()
def vocab() -> None:
    """Vocabulary (vocab/*.yaml) commands."""


@vocab.command("check")
@vocab_option
@guarded("out")
def vocab_check(vocab_dir: Path | None, out: Path | None = None) -> int:
    """Check the vocabulary and report every problem at once."""
    from .vocabcheck import check_vocab_dir, summary

    checked, problems = check_vocab_dir(cliout.find_vocab(vocab_dir).path)
    for problem in problems:
        click.echo(problem.render())
    if checked is None:
        err(clitexts.VOCAB_FAILED.format(n=len(problems)))
        return Exit.REJECTIONS
    click.echo(summary(checked))
    return Exit.OK


@vocab.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True)
@guarded("out")
def vocab_init(directory: Path, force: bool, out: Path | None = None) -> int:
    """Write an editable copy of the shipped vocabulary (with its comments) into DIRECTORY."""
    from .vocabdir import init_vocab_dir

    written = init_vocab_dir(directory, overwrite=force)
    click.echo(clitexts.VOCAB_INIT_DONE.format(n=len(written), path=directory))
    return Exit.OK


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@guarded("out")
def keygen(out: Path) -> int:
    """Write a new bureau key pair (private key readable by its owner only)."""
    from .keys import generate_keypair, key_fingerprint, load_public_key

    private, public = generate_keypair(out)
    click.echo(clitexts.CLI_KEY_WRITTEN.format(private=private, public=public))
    fingerprint = key_fingerprint(load_public_key(public)[0])
    click.echo(clitexts.CLI_KEY_FINGERPRINT.format(fingerprint=fingerprint))
    return Exit.OK


def _issue_time(value: str | None) -> str:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return value or now.strftime("%Y-%m-%dT%H:%M:%SZ")


@main.command()
@click.option("--unit", "unit_name")
@click.option("--unit-code", default="")
@click.option(
    "--units",
    "units_file",
    type=click.Path(dir_okay=False, path_type=Path),
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"))
@click.option("--rows", type=click.IntRange(1, 100_000), default=None)
@click.option("--issued-at", default=None)
@click.option("--jobs", type=click.IntRange(1, 64), default=2)
@vocab_option
@key_option
@quiet_option
@json_option
@guarded("out")
def build(
    unit_name: str | None,
    unit_code: str,
    units_file: Path | None,
    out: Path,
    rows: int | None,
    issued_at: str | None,
    jobs: int,
    vocab_dir: Path | None,
    key_file: Path | None,
    quiet: bool,
    as_json: bool,
) -> int:
    """Build the locked, signed Attachment-1 template for one unit or for every unit."""
    from .keys import load_private_key
    from .template import build_template, build_templates, safe_file_name, write_template
    from .vocab import Unit
    from .vocabcheck import load_units, load_vocab
    from .vocabunits import check_unit_code

    if bool(unit_name) == bool(units_file):
        raise click.UsageError(clitexts.CLI_UNIT_OR_UNITS)
    bad_code = check_unit_code(unit_code)
    if bad_code is not None:
        err(bad_code.render())  # the words `vocab check` uses for units.yaml
        return Exit.USAGE
    where = cliout.find_vocab(vocab_dir, quiet)
    vocabulary = load_vocab(where.path)
    key, demo = load_private_key(key_file)
    warn_demo(demo)
    when = _issue_time(issued_at)
    if unit_name:
        unit = vocabulary.find_unit(unit_name)
        if unit is None:
            err(clitexts.CLI_UNIT_UNKNOWN.format(unit=unit_name))
            unit = Unit(unit_name, code=unit_code)
        elif unit_code:
            unit = Unit(unit.name, unit.kind, unit_code, unit.supervisor, unit.short, unit.region)
        data = build_template(vocabulary, unit, key, issued_at=when, rows=rows)
        path = write_template(out / f"{safe_file_name(unit.name)}.xlsx", data)
        built = [{"unit": unit.name, "unit_code": unit.code, "path": str(path)}]
        manifest = None
    else:
        assert units_file is not None
        units = load_units(units_file, vocabulary)
        entries = cliout.with_progress(
            lambda progress: build_templates(
                vocabulary,
                units,
                key,
                out,
                issued_at=when,
                rows=rows,
                jobs=jobs,
                progress=lambda n: progress(n, len(units)),
            ),
            quiet,
        )
        built = [{**asdict(e), "path": str(out / e.file)} for e in entries]
        manifest = out / "manifest.csv"
    if as_json:
        cliout.echo_json(
            {
                "vocab": cliout.vocab_json(where),
                "demo_key": demo,
                "templates": built,
                "manifest": manifest,
            }
        )
    elif quiet:
        pass
    elif manifest is None:
        click.echo(clitexts.CLI_BUILT.format(path=built[0]["path"]))
    else:
        click.echo(clitexts.CLI_BUILT_MANY.format(n=len(built), manifest=manifest))
    return Exit.OK


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@key_option
@guarded("out")
def password(file: Path, key_file: Path | None, out: Path | None = None) -> int:
    """Print the sheet-protection password of a template (needs the private key)."""
    from .keys import load_private_key
    from .template import template_password

    key, demo = load_private_key(key_file)
    warn_demo(demo)
    click.echo(clitexts.CLI_PASSWORD.format(file=file.name, password=template_password(file, key)))
    return Exit.OK


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
)
@click.option("--revoked", type=EXISTING_FILE)
@click.option("--ecert", type=EXISTING_FILE)
@click.option("--split-by-office", is_flag=True)
@click.option("--mask-ids/--no-mask-ids", default=True)
@click.option("--manifest", type=EXISTING_FILE)
@click.option("--password", "password_list", multiple=True)
@click.option("--encrypt-output", default=None)
@click.option("--level", default=None)
@click.option("--passwords", "passwords_file", type=EXISTING_FILE)
@vocab_option
@public_key_option
@key_option
@quiet_option
@json_option
@guarded("out")
def ingest(
    paths: tuple[Path, ...],
    out: Path,
    db_path: Path | None,
    revoked: Path | None,
    ecert: Path | None,
    split_by_office: bool,
    mask_ids: bool,
    manifest: Path | None,
    vocab_dir: Path | None,
    public_key: Path | None,
    key_file: Path | None,
    quiet: bool,
    as_json: bool,
    password_list: tuple[str, ...] = (),
    passwords_file: Path | None = None,
    encrypt_output: str | None = None,
    level: str | None = None,
) -> int:
    """Read returned templates, re-check every row, deduplicate and write the reports."""
    from .batch import ingest as run_ingest
    from .keys import load_private_key, load_public_key, public_pem
    from .vocabcheck import load_vocab

    where = cliout.find_vocab(vocab_dir, quiet)
    vocabulary = load_vocab(where.path)
    key, demo = load_public_key(public_key)
    warn_demo(demo)
    # Correction workbooks are new signed templates, so they need the private key; every
    # other level of the chain checks with the public key alone and gets no corrections.
    private = None
    if key_file or demo:
        private, _ = load_private_key(key_file)
        if public_pem(private.public_key()) != public_pem(key):
            private = None
    if private is None and not quiet:
        err(clitexts.CLI_NO_CORRECTIONS)
    result = cliout.with_progress(
        lambda progress: run_ingest(
            list(paths),
            out,
            vocab=vocabulary,
            public_key=key,
            private_key=private,
            db_path=db_path,
            revoked=revoked,
            ecert=ecert,
            manifest=manifest,
            mask_ids=mask_ids,
            split_by_office=split_by_office,
            progress=progress,
            passwords=_passwords(password_list, passwords_file),
            encrypt_output=encrypt_output,
            level=level,
        ),
        quiet,
    )
    if demo:
        warn_real_templates(result)
    if as_json:
        cliout.echo_json(
            {"vocab": cliout.vocab_json(where), "demo_key": demo, **cliout.ingest_json(result)}
        )
    elif not quiet:
        cliout.print_summary(result)
        click.echo(clitexts.CLI_OUTPUTS.format(out=out))
    return Exit(result.exit_code)


@main.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--office", default=None)
@click.option("--supervisor", default=None)
@click.option("--unit", "unit_names", multiple=True)
@click.option("--password", default=None)
@vocab_option
@guarded("log_dir")
def bundle(
    db_path: Path,
    out: Path,
    office: str | None,
    supervisor: str | None,
    unit_names: tuple[str, ...],
    password: str | None,
    vocab_dir: Path | None,
    log_dir: Path | None = None,
) -> int:
    """Pack the chosen units' accepted original files for the next level up."""
    from .bundle import make_bundle
    from .vocabcheck import load_vocab

    if sum(bool(x) for x in (office, supervisor, unit_names)) > 1:
        raise click.UsageError(clitexts.CLI_BUNDLE_ONE_CHOICE)
    if password is not None and not (password.isascii() and password.isprintable()):
        raise click.BadParameter(clitexts.CLI_BUNDLE_PASSWORD_ASCII, param_hint="--password")
    vocabulary = load_vocab(cliout.find_vocab(vocab_dir).path)
    result = make_bundle(db_path, out, vocabulary, office=office, supervisor=supervisor,
                         units=unit_names, password=password)  # fmt: skip
    units = len({f.unit for f in result.files})
    click.echo(clitexts.CLI_BUNDLE_WRITTEN.format(n=len(result.files), units=units, path=out))
    if result.encrypted:
        click.echo(clitexts.CLI_BUNDLE_ENCRYPTED)
    if result.missing_units:
        missing = "、".join(result.missing_units)
        err(clitexts.CLI_BUNDLE_MISSING.format(n=len(result.missing_units), units=missing))
    return Exit.OK


def _passwords(given: tuple[str, ...], file: Path | None) -> list[str]:
    """--password values, then the lines of --passwords FILE (blank lines skipped)."""
    found = list(given)
    if file is not None:
        found += [p for p in file.read_text("utf-8-sig").splitlines() if p.strip()]
    return found


@main.command()
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True)  # fmt: skip
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@vocab_option
@quiet_option
@json_option
@guarded("out")
def status(
    db_path: Path, manifest: Path | None, out: Path, vocab_dir: Path | None, quiet: bool,
    as_json: bool,
) -> int:  # fmt: skip
    """Where every unit of the campaign stands: status.json, status.xlsx, status.html."""
    from .reports import report_status
    from .vocabcheck import load_vocab

    where = cliout.find_vocab(vocab_dir, quiet or as_json)
    files = report_status(db_path, out, vocab=load_vocab(where.path), manifest=manifest)
    if as_json:
        cliout.echo_json({"vocab": cliout.vocab_json(where), **cliout.status_json(files)})
    elif not quiet:
        cliout.print_status(files, out)
    return Exit.OK


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build/demo"))
@guarded("out")
def demo(out: Path) -> int:
    """The whole loop on built-in defaults: build, fill, ingest, report."""
    from .demo import run_demo

    cliout.say_vocab(PACKAGED_VOCAB)  # the demo's units live in the shipped vocabulary
    warn_demo(True)
    result = cliout.with_progress(lambda progress: run_demo(out, progress=progress))
    cliout.print_demo(result, out)
    return Exit.OK


cliout.chinese_help(main)
