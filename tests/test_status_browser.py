"""status.html in a real browser: headless Chromium (Debian's `chromium`) prints the page to
PDF and a PNG with nothing fetched from anywhere, and the printed text holds the campaign's
numbers, the units that need action and the offices' progress."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_status import DISTRICT, campaign  # noqa: F401  (the campaign fixture)

from titletemplate.batch import IngestResult

pytestmark = pytest.mark.chromium
# No network, no first-run work, no background services: the page must stand on its own.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium not found: CI must install Debian's chromium")
        pytest.skip("Chromium is not installed")
    return found


def _run(chromium: str, profile: Path, *args: str) -> None:
    subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip


def test_chromium_prints_the_status_page_with_its_numbers(
    chromium: str,
    campaign: tuple[Path, IngestResult],  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> None:
    _, result = campaign
    page = result.status.html.as_uri()
    pdf, png = tmp_path / "status.pdf", tmp_path / "status.png"
    _run(chromium, tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page)
    _run(chromium, tmp_path / "profile2", "--window-size=1200,900", f"--screenshot={png}", page)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout  # the page's @page rule, honoured by the browser
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout.replace(" ", "")  # fmt: skip
    assert "职称证书信息采集进度" in text
    action = text.split("需要处理的单位", 1)[1].split("各审核机构进度", 1)[0]
    assert "日照市第一中学" in action and "待更正" in action
    assert DISTRICT in action and "未报送" in action
    assert "日照市教育局" in text.split("各审核机构进度", 1)[1]
    assert "1/" in text and "个单位已完成" in text  # the SVG progress bars' labels print
