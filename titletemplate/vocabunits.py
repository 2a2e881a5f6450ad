"""Checks units.yaml, routing.yaml and orgs.yaml: who reports, who collects what, and the
official names of issuing and review bodies."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml

from . import creditcode
from .vocab import Org, Route, RouteScope, Unit
from .vocabyaml import LINE, Collector, VocabProblem, load_yaml

UNIT_KINDS = ("office", "district_bureau", "employer")
ORG_ROLES = ("issuer", "review_body")


def check_units(
    doc: Any, out: Collector, regions: Collection[str] | None, file: str = "units.yaml"
) -> tuple[Unit, ...]:
    """The units of a units.yaml document; `regions` are the codes a unit's region may take
    (None: not checked)."""
    rows = []
    for line, item in out.items(file, doc, "units"):
        name = out.text(file, line, item, "name")
        kind = str(item.get("kind") or "") if isinstance(item, dict) else ""
        fields = {
            "kind": kind,
            "code": out.quoted(file, line, item, "code"),
            "region": out.quoted(file, line, item, "region"),
            **{k: str(item.get(k) or "") for k in ("supervisor", "short")},
        }
        if kind and kind not in UNIT_KINDS:
            out.add(file, line, "vocab-bad-value", f"kind {kind}")
        if fields["short"] and kind != "office":
            out.add(file, line, "vocab-short-not-office", fields["short"])
        if fields["code"] and not creditcode.is_valid(fields["code"]):
            out.add(file, line, "vocab-bad-credit-code", fields["code"])
        if fields["region"] and regions is not None and fields["region"] not in regions:
            out.add(file, line, "vocab-unknown-region", fields["region"])
        rows.append((line, Unit(name, **{k: v for k, v in fields.items() if v})))
    out.unique(file, [(ln, u.name) for ln, u in rows], "vocab-duplicate-name")
    offices = {u.name for _, u in rows if u.kind == "office"}
    names = {u.name for _, u in rows}
    for line, u in rows:
        if u.supervisor and u.supervisor not in names:
            out.add(file, line, "vocab-unknown-unit", u.supervisor)
        elif u.supervisor and u.supervisor not in offices:
            out.add(file, line, "vocab-supervisor-not-office", u.supervisor)
    return tuple(u for _, u in rows)


def check_routing(
    doc: Any, out: Collector, units: set[str], series: set[str], levels: set[str]
) -> tuple[Route, ...]:
    f = "routing.yaml"
    routes = []
    for line, item in out.items(f, doc, "routing"):
        office = out.text(f, line, item, "office")
        if office and office not in units:
            out.add(f, line, "vocab-unknown-unit", office)
        scopes = []
        for sc in item.get("scope") or ():
            sline = sc.get(LINE, line) if isinstance(sc, dict) else line
            s = out.text(f, sline, sc, "series")
            if s and s not in series:
                out.add(f, sline, "vocab-unknown-series", s)
            lvs = tuple(str(x) for x in (sc.get("levels") or ()) if isinstance(sc, dict))
            for lv in lvs:
                if lv not in levels:
                    out.add(f, sline, "vocab-unknown-level", lv)
            scopes.append(
                RouteScope(s, lvs, str(sc.get("note") or "") if isinstance(sc, dict) else "")
            )
        routes.append(Route(office, tuple(scopes), str(item.get("note") or "")))
    return tuple(routes)


def check_orgs(doc: Any, out: Collector) -> tuple[Org, ...]:
    f = "orgs.yaml"
    rows = []
    for line, item in out.items(f, doc, "orgs"):
        name = out.text(f, line, item, "name")
        roles = tuple(str(x) for x in item.get("roles") or ())
        for role in roles:
            if role not in ORG_ROLES:
                out.add(f, line, "vocab-bad-value", f"roles {role}")
        former = tuple(out.text(f, line, {"former": x}, "former") for x in item.get("former") or ())
        rows.append((line, Org(name, roles, former)))
    out.unique(f, [(ln, n) for ln, o in rows for n in (o.name, *o.former)], "vocab-duplicate-name")
    return tuple(o for _, o in rows)


def check_units_file(
    path: Path, regions: Collection[str] | None = None
) -> tuple[tuple[Unit, ...], list[VocabProblem]]:
    """Parse and check one units file on its own (a bureau's own list for `build --units`)."""
    out = Collector()
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        out.add(path.name, 0, "vocab-yaml-syntax", type(exc).__name__)
        return (), out.problems
    units = check_units(doc, out, regions, path.name)
    return units, out.problems


def check_unit_code(code: str) -> VocabProblem | None:
    """The problem with a credit code given on the command line (`build --unit-code`), in the
    words `vocab check` uses for units.yaml."""
    if not code or creditcode.is_valid(code):
        return None
    return VocabProblem("--unit-code", 0, "vocab-bad-credit-code", code)
