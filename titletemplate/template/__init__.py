"""Compile a unit's locked, signed Attachment-1 workbook from the vocabulary (xlsxwriter).

The names below are what the layers above (reports, demo, the command line) use; the jobs
import them from here, never from the modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazyapi import loader

if TYPE_CHECKING:  # the names are imported on first use: see lazyapi.py
    from .build import (
        MANIFEST_NAME,
        build_template,
        build_templates,
        safe_file_name,
        template_password,
        write_template,
    )
    from .stampfill import build_filled

__all__ = [
    "MANIFEST_NAME",
    "build_filled",
    "build_template",
    "build_templates",
    "safe_file_name",
    "template_password",
    "write_template",
]

__getattr__ = loader(
    __name__,
    {
        "MANIFEST_NAME": "build",
        "build_filled": "stampfill",
        "build_template": "build",
        "build_templates": "build",
        "safe_file_name": "build",
        "template_password": "build",
        "write_template": "build",
    },
)
