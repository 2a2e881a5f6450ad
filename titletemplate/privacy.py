"""ID-number masking for every output, and a logging filter that masks IDs in log records."""

from __future__ import annotations

import logging
import re

from .columns import BY_KEY

_ID_COLUMN = BY_KEY["id_number"].letter

# 15 to 18 character ID-like tokens: 6 leading digits kept, last 4 kept, the rest masked.
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{5,8})(\d{3}[0-9Xx]|\d{4})(?![0-9A-Za-z])")


def mask_id(value: str) -> str:
    """Mask an ID number: `370102********1814`. Short values keep only their first character."""
    text = str(value)
    if len(text) >= 10:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    if len(text) > 1:
        return text[0] + "*" * (len(text) - 1)
    return text


def mask_ids_in_text(text: str) -> str:
    """Mask every ID-like digit run inside free text (log lines, exception messages)."""
    return _ID_LIKE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3)[-4:], text)


def mask_value(column: str, value: str) -> str:
    """The masked form of a cell value: ID numbers by position, anything else by pattern."""
    if not value:
        return value
    return mask_id(value) if column == _ID_COLUMN else mask_ids_in_text(value)


_FORMATTER = logging.Formatter()


class MaskingFilter(logging.Filter):
    """Rewrites each record's message with ID numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_ids_in_text(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            # Handlers format the traceback after the filters ran: render it here to mask it.
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_ids_in_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_ids_in_text(record.stack_info)
        return True
