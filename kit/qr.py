"""QR codes of links, as SVG text or PNG bytes (segno, pure Python)."""

from __future__ import annotations

import io

import segno

SVG_MEDIA_TYPE = "image/svg+xml"
PNG_MEDIA_TYPE = "image/png"


def qr_svg(data: str, *, scale: int = 4, border: int = 4) -> str:
    """A standalone SVG document, black modules on white, without an XML declaration."""
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(
        out, kind="svg", scale=scale, border=border, xmldecl=False, svgns=True, nl=False
    )
    return out.getvalue().decode()


def qr_png(data: str, *, scale: int = 8, border: int = 4) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()
