"""How a command ends: its exit code, one Chinese line with a code for each failure, and the
traceback of anything unexpected in the log (IDs masked)."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Any, TypeVar

import click

from . import clitexts, messages
from .errors import TitleTemplateError, VocabError
from .privacy import MaskingFilter, mask_ids_in_text

F = TypeVar("F", bound=Callable[..., Any])
LOG_NAME = "titletemplate.log"
log = logging.getLogger("titletemplate")


class Exit(IntEnum):
    OK = 0  # everything accepted
    REJECTIONS = 1  # done, with rejected rows or files (reports written)
    USAGE = 2  # click's own usage errors
    CANNOT_START = 3  # bad vocabulary, unreadable key, unwritable output


class _LogFile(logging.FileHandler):
    """Opened (and its folder made) at the first record, so that a command that logs nothing
    leaves no folder behind in the clerk's current folder."""

    def _open(self) -> Any:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


def _open_log(folder: Path) -> logging.Handler:
    handler = _LogFile(folder / LOG_NAME, encoding="utf-8", delay=True)
    handler.addFilter(MaskingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def err(text: str) -> None:
    click.echo(text, err=True)


def _failure(exc: TitleTemplateError) -> str:
    text = messages.FAILURES.get(exc.code, "{detail}").format(detail=exc.detail)
    return clitexts.CLI_ERROR.format(code=exc.code, detail=mask_ids_in_text(text))


def guarded(log_dir_option: str) -> Callable[[F], F]:
    """Turn library failures into a Chinese line and an exit code; tracebacks go to the log."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> int:
            folder = Path(kwargs.get(log_dir_option) or "build")
            handler = _open_log(folder)
            log_path = folder / LOG_NAME
            try:
                code = fn(**kwargs)
            except VocabError as exc:
                for problem in exc.problems:
                    err(problem.render())  # type: ignore[attr-defined]
                # Without problems it is about the folder itself: a failure with a code.
                problems = len(exc.problems)
                err(clitexts.VOCAB_FAILED.format(n=problems) if problems else _failure(exc))
                code = Exit.CANNOT_START
            except TitleTemplateError as exc:
                err(_failure(exc))
                code = Exit.CANNOT_START
            except click.ClickException:
                raise  # usage errors: click prints them and exits 2
            except Exception as exc:
                log.exception("unexpected error")
                err(clitexts.CLI_UNEXPECTED.format(error=type(exc).__name__, log=log_path))
                code = Exit.CANNOT_START
            finally:
                log.removeHandler(handler)
                handler.close()
            sys.exit(int(code))

        return wrapper  # type: ignore[return-value]

    return decorate


def warn_demo(demo: bool) -> None:
    """Every run on the built-in demo key says so."""
    if demo:
        err(clitexts.CLI_DEMO_KEY)


def warn_real_templates(result: Any) -> None:
    """Once, loudly: templates signed by a real key were checked with the demo key."""
    wrong = [i.detail for i in result.issues if i.code == "template-wrong-key"]
    if wrong:
        signers = sorted({detail.partition(" / ")[0] for detail in wrong})
        err(clitexts.CLI_DEMO_KEY_REAL_TEMPLATES.format(n=len(wrong), keys="、".join(signers)))
