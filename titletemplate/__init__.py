"""titletemplate: locked, signed Attachment-1 templates for professional-title certificate
collection, and the reader that verifies, validates, deduplicates and consolidates what units
send back."""

from __future__ import annotations

__version__ = "0.1.0"
