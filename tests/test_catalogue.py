"""Messages for every code, the README code table, stray CJK text, and what cli.py imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from titletemplate import messages
from titletemplate.doc import TABLE_END, TABLE_START, code_table
from titletemplate.errors import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3400-\u9fff]")
# Files allowed to hold Chinese text: the three text modules and vocabularies (STYLE.md), and
# tests: what findings say, what workbooks say, what the command line says.
CJK_ALLOWED = {"messages.py", "sheettexts.py", "clitexts.py"}


def test_every_code_has_a_message_and_every_message_a_code() -> None:
    assert set(CATALOGUE) == set(messages.MESSAGES)


def test_codes_are_kebab_case() -> None:
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c) for c in CATALOGUE)


def test_readme_code_table_matches_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0].strip()
    assert block == code_table(), "regenerate with: python -m titletemplate.doc"


def _shown_strings(tree: ast.Module) -> list[str]:
    """The string literals of a module that can reach a user: every one but docstrings."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]  # fmt: skip


def test_no_chinese_outside_the_text_modules() -> None:
    """Every Chinese text the product shows lives in messages.py, sheettexts.py or clitexts.py
    (docstrings and comments may name the notice's terms)."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "titletemplate").rglob("*.py")
        if str(p.relative_to(ROOT / "titletemplate")) not in CJK_ALLOWED
        and any(CJK.search(s) for s in _shown_strings(ast.parse(p.read_text("utf-8"))))
    ]
    assert offenders == []


def test_cli_imports_no_io_libraries() -> None:
    tree = ast.parse((ROOT / "titletemplate" / "cli.py").read_text("utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert imported.isdisjoint({"xlsxwriter", "openpyxl", "sqlite3", "python_calamine"})


def test_render_fills_placeholders() -> None:
    text = messages.render(
        "id-number-checksum", {"row": 9, "column": "D", "value": "370102********1817"}
    )
    assert text == "第 9 行 证件号码(D 列)“370102********1817”校验位错误,请核对号码。"


def test_render_blanks_missing_fields_and_none() -> None:
    template = messages.MESSAGES["id-number-checksum"]
    text = messages.render("id-number-checksum", {"row": None, "unused": "x"})
    assert text == template.replace("{row}", "").replace("{column}", "").replace("{value}", "")
    assert "{" not in text and "None" not in text


def test_errors_cross_process_boundaries_with_their_code() -> None:
    """Worker processes raise coded errors; pickling must keep the code, detail and fields."""
    import pickle

    from titletemplate.errors import SubmissionError, TemplateError, VocabError

    for error in (
        TemplateError("xlsxwriter-rejected", "checksum: -1"),
        SubmissionError("file-corrupt"),
        VocabError("vocab-invalid", "2 problems", ("a", "b")),
    ):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error)
        assert (back.code, back.detail, str(back)) == (error.code, error.detail, str(error))
    assert back.problems == ("a", "b")
