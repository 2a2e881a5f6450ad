"""The ID types' number patterns (vocab/id_types.yaml, Python regular expressions) as Excel
formulas: spreadsheets have no regular expressions, so the small subset the vocabulary uses
is compiled into length tests and character-class tests.

Supported: alternatives (`|`), `^` and `$` at their ends, character classes of single
characters and ranges (`[A-Z0-9]`), escaped and plain literal characters, groups (`(...)`),
and the quantifiers `{m}`, `{m,n}` and `?`. Anything else raises TemplateError: the sheet
would otherwise miss a rule the reader applies.
"""

from __future__ import annotations

import itertools
import string
from dataclasses import dataclass

from .errors import TemplateError

MAX_BRANCHES = 16  # length splits per alternative; more is a pattern the sheet cannot carry
_SPECIAL = set(".*+?{}|^$()[]\\")
_DIGITS = frozenset(string.digits)
_LETTERS = frozenset(string.ascii_uppercase)


@dataclass(frozen=True, slots=True)
class Atom:
    """A character class repeated `low` to `high` times."""

    chars: frozenset[str]
    low: int
    high: int


Sequence_ = tuple[Atom, ...]


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text, self.at = pattern, 0

    def fail(self, why: str) -> TemplateError:
        return TemplateError("id-pattern-unsupported", f"{self.text!r}: {why}")

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def take(self) -> str:
        ch = self.peek()
        self.at += 1
        return ch

    def alternatives(self, closing: str = "") -> list[Sequence_]:
        found = [self.sequence(closing)]
        while self.peek() == "|":
            self.take()
            found.append(self.sequence(closing))
        return [alt for seqs in found for alt in seqs]

    def sequence(self, closing: str) -> list[Sequence_]:
        """Every expansion of one alternative (optional groups double them)."""
        out: list[Sequence_] = [()]
        if self.peek() == "^":
            self.take()
        while self.peek() not in ("", "|", closing):
            if self.peek() == "$":
                self.take()
                if self.peek() not in ("", "|", closing):
                    raise self.fail("$ inside")
                break
            if self.peek() == "(":
                self.take()
                inner = self.alternatives(")")
                if self.take() != ")":
                    raise self.fail("unclosed group")
                low, high = self.quantifier()
                if (low, high) == (0, 1):
                    inner = [(), *inner]
                elif (low, high) != (1, 1):
                    raise self.fail("quantified group")
                out = [a + b for a in out for b in inner]
                continue
            chars = self.chars()
            low, high = self.quantifier()
            out = [(*a, Atom(chars, low, high)) for a in out]
        return out

    def chars(self) -> frozenset[str]:
        ch = self.take()
        if ch == "\\":
            escaped = self.take()
            if escaped.isalnum() or not escaped:
                raise self.fail(f"escape \\{escaped}")
            return frozenset(escaped)
        if ch == "[":
            return self.char_class()
        if ch in _SPECIAL:
            raise self.fail(f"{ch!r}")
        return frozenset(ch)

    def char_class(self) -> frozenset[str]:
        found: set[str] = set()
        if self.peek() == "^":
            raise self.fail("negated class")
        while self.peek() not in ("]", ""):
            first = self.take()
            if first == "\\":
                first = self.take()
                if first.isalnum():
                    raise self.fail(f"escape \\{first}")
            if self.peek() == "-" and self.text[self.at + 1 : self.at + 2] not in ("]", ""):
                self.take()
                last = self.take()
                found.update(chr(c) for c in range(ord(first), ord(last) + 1))
            else:
                found.add(first)
        if self.take() != "]":
            raise self.fail("unclosed class")
        return frozenset(found)

    def quantifier(self) -> tuple[int, int]:
        if self.peek() == "?":
            self.take()
            return 0, 1
        if self.peek() in ("*", "+"):
            raise self.fail("unbounded repetition")
        if self.peek() != "{":
            return 1, 1
        end = self.text.find("}", self.at)
        if end < 0:
            raise self.fail("unclosed {")
        body = self.text[self.at + 1 : end]
        self.at = end + 1
        low, _, high = body.partition(",")
        try:
            bounds = int(low), int(high if "," in body else low)
        except ValueError:
            raise self.fail(f"{{{body}}}") from None
        return bounds


def parse(pattern: str) -> list[Sequence_]:
    """The pattern as alternatives of atom sequences.

    Raises:
        TemplateError: `id-pattern-unsupported`.
    """
    parser = _Parser(pattern)
    found = parser.alternatives()
    if parser.at < len(pattern):
        raise parser.fail(f"at {parser.at}")
    return found


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _only(chars: frozenset[str], u: str, shape: str, at: int, n: int) -> str:
    """TRUE when the `n` characters of `u` from position `at` are all in `chars`.

    The usual classes compare the row's shape (formulas.id_shape: digits as "9", letters as
    "A"); any other class substitutes each of its characters away and expects nothing left.
    """
    # EXACT: "=" ignores case (and, in some suites, more than case).
    part = f"MID({shape},{at},{n})"
    if chars == _DIGITS:
        return f'EXACT({part},REPT("9",LEN({part})))'
    if chars == _LETTERS:
        return f'EXACT({part},REPT("A",LEN({part})))'
    if chars == _DIGITS | _LETTERS:
        return f'EXACT(SUBSTITUTE({part},"A","9"),REPT("9",LEN({part})))'
    text = f"MID({u},{at},{n})"
    for ch in sorted(chars):
        text = f'SUBSTITUTE({text},{_quote(ch)},"")'
    return f'{text}=""'


def _branch(atoms: Sequence_, lengths: tuple[int, ...], u: str, shape: str) -> str:
    """One split: the atoms but the last take `lengths`, the last takes the rest."""
    start = sum(lengths)
    last = atoms[-1]
    tests = [f"LEN({u})>={start + last.low}", f"LEN({u})<={start + last.high}"]
    position = 1
    for atom, n in zip(atoms, lengths, strict=False):
        if n:
            tests.append(_only(atom.chars, u, shape, position, n))
        position += n
    tests.append(_only(last.chars, u, shape, position, last.high))
    return f"AND({','.join(tests)})"


def _alternative(atoms: Sequence_, u: str, shape: str) -> list[str]:
    if not atoms:
        return [f'{u}=""']
    ranges = [range(a.low, a.high + 1) for a in atoms[:-1]]
    splits = list(itertools.product(*ranges))
    if len(splits) > MAX_BRANCHES:
        raise TemplateError("id-pattern-unsupported", f"{len(splits)} length splits")
    return [_branch(atoms, lengths, u, shape) for lengths in splits]


def formula(pattern: str, ref: str, shape: str) -> str:
    """TRUE when the text of `ref`, upper-cased as the reader does, matches `pattern` whole;
    `shape` is that text's shape (formulas.id_shape).

    Raises:
        TemplateError: `id-pattern-unsupported`.
    """
    u = f"UPPER({ref})"
    branches = [b for atoms in parse(pattern) for b in _alternative(atoms, u, shape)]
    return branches[0] if len(branches) == 1 else f"OR({','.join(branches)})"
