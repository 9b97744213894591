"""Reading a PDF in tests without a PDF library: inflate its streams and find the page tree's count."""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")


def pdf_page_count(data: bytes) -> int:
    """The page count of the PDF's page tree root (the largest /Count of a /Pages object), 0 if none."""
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    texts = [data]
    for raw in _STREAM.findall(data):
        try:
            texts.append(zlib.decompress(raw))
        except zlib.error:
            continue  # an image or a font: not where objects live
    counts = [int(a or b) for text in texts for a, b in _COUNT.findall(text)]
    return max(counts, default=0)
