"""What a clerk waits for in LibreOffice: run by benchmarks/clerk.py under a python with
python3-uno, against a headless soffice. Stdlib and uno only; prints one JSON line.

For each template and row count: open (load with recalculation), paste the rows into the
input block, a full recalculation, then single-cell edits timed as setString + calculate()
(LibreOffice recomputes the dirty and the volatile cells), each edit repeated.
"""

import contextlib
import json
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(url):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for attempt in range(600):
        try:
            return resolver.resolve(url)
        except Exception:
            if attempt == 599:
                raise
            time.sleep(0.1)
    raise RuntimeError("unreachable")


def measure(desktop, spec, path, n):
    url = uno.systemPathToFileUrl(path)
    start = time.perf_counter()
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    opened = time.perf_counter() - start
    try:
        sheet = doc.Sheets.getByName(spec["sheet"])
        first = spec["first_row"]
        rows = tuple(tuple(r) for r in spec["rows"][:n])
        last_col = spec["last_col"]
        start = time.perf_counter()
        sheet.getCellRangeByName(f"A{first}:{last_col}{first + n - 1}").setDataArray(rows)
        doc.calculate()
        pasted = time.perf_counter() - start
        start = time.perf_counter()
        doc.calculateAll()
        full = time.perf_counter() - start
        check = spec["check_col"]
        marks = sheet.getCellRangeByName(f"{check}{first}:{check}{first + n - 1}")
        flagged = sorted({v for (v,) in marks.getDataArray() if v != ""})
        edits = {}
        for label, col, values, offset in spec["edits"]:
            row = first + offset
            cell = sheet.getCellRangeByName(f"{col}{row}")
            original = cell.getString()
            times = []
            for i in range(spec["repeat"]):
                start = time.perf_counter()
                cell.setString(values[i % len(values)] if i % 2 == 0 else original)
                doc.calculate()
                times.append(time.perf_counter() - start)
            cell.setString(original)
            doc.calculate()
            times.sort()
            edits[label] = times[len(times) // 2]
        return {
            "open": opened,
            "paste": pasted,
            "full_recalc": full,
            "flagged": flagged,
            "edits": edits,
        }
    finally:
        doc.close(True)


def main():
    with open(sys.argv[1], encoding="utf-8") as fh:
        spec = json.load(fh)
    ctx = connect(spec["connect"])
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    # Warm up once: the first document pays for loading the Calc libraries.
    warm = spec["templates"][0]["path"]
    desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(warm), "_blank", 0, (prop("Hidden", True),)
    ).close(True)
    results = []
    for n in spec["counts"]:
        for template in spec["templates"]:
            results.append(
                {
                    "label": template["label"],
                    "rows": n,
                    **measure(desktop, spec, template["path"], n),
                }
            )
    with contextlib.suppress(Exception):  # the bridge goes away with the office
        desktop.terminate()
    print(json.dumps(results))


main()
