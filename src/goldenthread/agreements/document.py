"""The agreement as a PDF, rendered from its HTML with WeasyPrint (loaded only when a PDF is asked for)."""

from __future__ import annotations


def pdf_render(html: str) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)
