"""Text from the data (territory, QPV names) written where a document format is strict: the
XML of a PPTX (core properties, pictures' alternative text) refuses control characters and lone
surrogates, and its core-properties title is limited to 255 characters. `document_text` makes
any name fit, so that a name never costs the user the document."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")  # XML 1.0 refuses most; none belongs in a title
_NOT_XML = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r" {2,}")


def document_text(value: object, limit: int | None = None) -> str:
    """`value` as text XML accepts: control characters become spaces, characters XML cannot
    hold become U+FFFD, and text longer than `limit` is cut with « … »."""
    text = _NOT_XML.sub("\ufffd", _CONTROL.sub(" ", str(value)))
    text = _SPACES.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
