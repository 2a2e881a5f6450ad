"""Compile a unit's locked, signed Attachment-1 workbook from the vocabulary (xlsxwriter)."""
