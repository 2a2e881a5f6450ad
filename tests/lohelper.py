"""LibreOffice headless as a test and documentation tool: a private profile that recalculates
every formula on load, file conversions with a timeout, and UNO scripts that type into cells.

Used by tests/test_libreoffice.py and docs/render_template.py, never by build or ingest.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

SOFFICE_ENV = "TITLETEMPLATE_SOFFICE"  # explicit soffice binary
T = TypeVar("T")
UNO_PYTHON_ENV = "TITLETEMPLATE_UNO_PYTHON"  # a python that can `import uno`
XLSX_FILTER = "Calc MS Excel 2007 XML"
PDF_FILTER = "calc_pdf_Export"
DEFAULT_TIMEOUT = 300.0
_SOFFICE_CANDIDATES = (
    "soffice",
    "libreoffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)
_UNO_PYTHON_CANDIDATES = ("/usr/bin/python3", "python3", "/usr/lib/libreoffice/program/python")

# LibreOffice never recalculates an xlsx on load by default (it trusts the cached <v>0</v>
# that xlsxwriter writes and ignores fullCalcOnLoad); 0 = "always recalculate" (NOTES §11).
RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """soffice is missing, timed out, or produced no output (a tooling failure, not a finding)."""


class LibreOfficeCrash(LibreOfficeError):
    """LibreOffice or the UNO script was killed by a signal (e.g. a segfault)."""


def find_soffice() -> str | None:
    """The soffice binary: $TITLETEMPLATE_SOFFICE, then PATH and the usual install places."""
    explicit = os.environ.get(SOFFICE_ENV)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in _SOFFICE_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def find_uno_python() -> str | None:
    """A Python interpreter that can `import uno` (usually the system python3 with python3-uno)."""
    explicit = os.environ.get(UNO_PYTHON_ENV)
    for name in (explicit,) if explicit else _UNO_PYTHON_CANDIDATES:
        exe = shutil.which(name)
        if exe is None:
            continue
        probe = subprocess.run(
            [exe, "-c", "import uno"], capture_output=True, timeout=60, check=False
        )
        if probe.returncode == 0:
            return exe
    return None


@dataclass(frozen=True, slots=True)
class CellEntry:
    """One user action on a cell, for `LibreOffice.type_cells`.

    mode "type" enters text as typed in the cell editor (respects the cell's number format,
    refused by locked cells); "formula" is XCell.setFormula (numbers become numbers even in a
    text cell, like a paste of values); "string" is XCell.setString (always text).
    """

    sheet: str
    cell: str  # A1 reference
    text: str
    mode: str = "type"


def _run(cmd: Sequence[str], timeout: float, env: dict[str, str] | None = None) -> str:
    """Run a command in its own process group; kill that group on timeout."""
    with subprocess.Popen(
        list(cmd),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    ) as proc:
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise LibreOfficeError(f"timed out after {timeout:.0f} s: {cmd[0]}") from None
        text = out.decode("utf-8", "replace")
        if proc.returncode != 0:
            kind = LibreOfficeCrash if proc.returncode < 0 else LibreOfficeError
            raise kind(f"exit {proc.returncode}: {text.strip()[-500:]}")
        return text


def _once_more_after_a_crash(action: Callable[[], T]) -> T:
    """Run `action`; if LibreOffice (or its UNO script) died by a signal, run it once more.
    Headless soffice now and then segfaults on start-up or exit under load; a second crash
    is reported."""
    try:
        return action()
    except LibreOfficeCrash:
        return action()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


class LibreOffice:
    """One soffice profile; use one instance per process (profiles cannot be shared)."""

    def __init__(
        self,
        profile_dir: str | Path,
        soffice: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        binary = soffice or find_soffice()
        if binary is None:
            raise LibreOfficeError("soffice not found (apt-get install libreoffice-calc-nogui)")
        self.soffice = binary
        self.timeout = timeout
        self.profile = Path(profile_dir).resolve()
        user = self.profile / "user"
        user.mkdir(parents=True, exist_ok=True)
        (user / "registrymodifications.xcu").write_text(RECALC_XCU, "utf-8")

    @property
    def _profile_arg(self) -> str:
        return f"-env:UserInstallation={self.profile.as_uri()}"

    def version(self) -> str:
        return _run([self.soffice, self._profile_arg, "--version"], self.timeout).strip()

    def convert(self, src: str | Path, outdir: str | Path, target: str) -> Path:
        """Open `src`, recalculate, and save it as `target` (e.g. "xlsx:Calc MS Excel 2007 XML"
        or "pdf") into `outdir`; returns the written file.

        Raises:
            LibreOfficeError: on timeout, a non-zero exit or no output file.
        """
        source, out = Path(src).resolve(), Path(outdir).resolve()
        if source.parent == out:
            raise ValueError("outdir must differ from the source folder (it would be overwritten)")
        out.mkdir(parents=True, exist_ok=True)
        result = out / f"{source.stem}.{target.split(':', 1)[0]}"
        result.unlink(missing_ok=True)
        cmd = [self.soffice, self._profile_arg, "--headless", "--norestore", "--nolockcheck"]
        cmd += ["--convert-to", target, "--outdir", str(out), str(source)]
        log = _once_more_after_a_crash(lambda: _run(cmd, self.timeout))
        if not result.is_file():
            raise LibreOfficeError(f"no output for {source.name}: {log.strip()[-500:]}")
        return result

    def recalculate(self, src: str | Path, outdir: str | Path) -> Path:
        """Save `src` again as xlsx with every formula recalculated by LibreOffice."""
        return self.convert(src, outdir, f"xlsx:{XLSX_FILTER}")

    def to_pdf(self, src: str | Path, outdir: str | Path) -> Path:
        return self.convert(src, outdir, f"pdf:{PDF_FILTER}")

    @contextlib.contextmanager
    def _listener(self) -> Iterator[str]:
        """A headless soffice accepting UNO connections on a private pipe; yields the URL."""
        pipe = f"titletemplate_{os.getpid()}_{time.monotonic_ns()}"
        cmd = [
            self.soffice,
            self._profile_arg,
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ]
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            yield f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
        finally:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=20)  # the script terminates the office
            if proc.poll() is None:
                _kill_group(proc)

    def type_cells(
        self,
        src: str | Path,
        dst: str | Path,
        entries: Sequence[CellEntry],
        uno_python: str | None = None,
    ) -> list[str]:
        """Open `src` in LibreOffice, apply `entries` as a user would, save as xlsx to `dst`.

        Returns the cells whose final text differs from the entry (e.g. refused by a locked cell).

        Raises:
            LibreOfficeError: no UNO-capable python, timeout, or the script failed.
        """
        python = uno_python or find_uno_python()
        if python is None:
            raise LibreOfficeError("no python with `import uno` (apt-get install python3-uno)")
        return _once_more_after_a_crash(lambda: self._type_cells(python, src, dst, entries))

    def _type_cells(
        self, python: str, src: str | Path, dst: str | Path, entries: Sequence[CellEntry]
    ) -> list[str]:
        spec = {
            "src": str(Path(src).resolve()),
            "dst": str(Path(dst).resolve()),
            "filter": XLSX_FILTER,
            "entries": [[e.sheet, e.cell, e.text, e.mode] for e in entries],
        }
        report: list[str] = self.run_script(python, _UNO_SCRIPT, spec)
        return report

    def run_script(self, python: str, script: str, spec: dict[str, object]) -> object:
        """Run a UNO `script` under `python` against a private headless soffice.

        The script gets a JSON file as argv[1]: `spec` plus "connect", the UNO URL to resolve;
        it must print its result as JSON on its last line, which is returned.
        """
        with tempfile.TemporaryDirectory(prefix="tt-uno-") as tmp, self._listener() as url:
            spec_file = Path(tmp) / "spec.json"
            script_file = Path(tmp) / "script.py"
            script_file.write_text(script, "utf-8")
            spec_file.write_text(json.dumps({**spec, "connect": url}, ensure_ascii=False), "utf-8")
            env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
            log = _run([python, str(script_file), str(spec_file)], self.timeout, env=env)
        return json.loads(log.strip().splitlines()[-1])


# Runs under the system python with python3-uno; stdlib and uno only. Prints one JSON line:
# the cells whose text after entry differs from what was entered.
_UNO_SCRIPT = r"""
import json, sys, time
import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


spec = json.load(open(sys.argv[1], encoding="utf-8"))
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext(
    "com.sun.star.bridge.UnoUrlResolver", local)
for attempt in range(600):
    try:
        ctx = resolver.resolve(spec["connect"])
        break
    except Exception:
        if attempt == 599:
            raise
        time.sleep(0.1)
smgr = ctx.ServiceManager
desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(
    uno.systemPathToFileUrl(spec["src"]), "_blank", 0, (prop("Hidden", True),))
controller = doc.getCurrentController()
frame = controller.getFrame()
dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
differs = []
for sheet_name, ref, text, mode in spec["entries"]:
    sheet = doc.Sheets.getByName(sheet_name)
    cell = sheet.getCellRangeByName(ref)
    if mode == "type":
        controller.setActiveSheet(sheet)
        dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", ref),))
        dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", text),))
    elif mode == "formula":
        cell.setFormula(text)
    elif mode == "string":
        cell.setString(text)
    else:
        raise ValueError(mode)
    if cell.getString() != text and cell.getFormula() != text:
        differs.append(sheet_name + "!" + ref)
doc.storeToURL(uno.systemPathToFileUrl(spec["dst"]), (prop("FilterName", spec["filter"]),))
try:
    doc.close(True)
    desktop.terminate()
except Exception:
    pass  # the bridge goes away with the office (LibreOffice 7.4 may drop it on close)
print(json.dumps(differs))
"""
