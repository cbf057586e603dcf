"""QR codes that lead from paper back to the online version (the edition's screen PDF, a guide).

Drawn by segno as a bare SVG (one path, no title, no description, no XML declaration) that the
renderer hands to WeasyPrint like any picture: never as a data: address or a file."""

from __future__ import annotations

import io

import segno

ERROR_CORRECTION = "m"
"""15 % of the code may be lost (a fold, a stain, a cheap photocopy) and it still reads."""


def svg(address: str) -> bytes:
    """The QR code of ``address``: black modules on white, with the quiet zone readers need;
    no width or height, so the stylesheet sizes it (theme/zine/zine.css: .qr)."""
    out = io.BytesIO()
    segno.make(address, error=ERROR_CORRECTION, micro=False, boost_error=False).save(
        out, kind="svg", border=4, xmldecl=False, svgclass=None, lineclass=None, omitsize=True, light="#fff")
    return out.getvalue()
