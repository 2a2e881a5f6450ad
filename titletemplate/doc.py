"""The README's issue-code table, generated from the catalogue and the messages."""

from __future__ import annotations

from .errors import CATALOGUE
from .messages import MESSAGES, SEVERITY_NAMES

TABLE_START = "<!-- code-table:start -->"
TABLE_END = "<!-- code-table:end -->"


def code_table() -> str:
    """Markdown table: code, scope, severity, Chinese message template."""
    lines = ["| code | scope | severity | message |", "|---|---|---|---|"]
    for code, d in CATALOGUE.items():
        text = MESSAGES[code].replace("|", "\\|")
        lines.append(
            f"| `{code}` | {d.scope} | {d.severity} ({SEVERITY_NAMES[d.severity]}) | {text} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(f"{TABLE_START}\n{code_table()}\n{TABLE_END}")
