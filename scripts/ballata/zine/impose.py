"""Booklet imposition: A5 pages two-up on A4 landscape, in saddle-stitch order, for duplex printing."""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation


def saddle_stitch_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) page numbers, 1-based, of each printed side, front then back of each sheet.
    For 8 pages: (8, 1), (2, 7), (6, 3), (4, 5)."""
    if pages % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of 4 pages; got {pages}")
    sides = []
    for sheet in range(pages // 4):
        sides.append((pages - 2 * sheet, 2 * sheet + 1))
        sides.append((2 * sheet + 2, pages - 2 * sheet - 1))
    return sides


A4_LANDSCAPE = (841.89, 595.28)
"""In points. Two A5 pages (2 x 148 mm) leave 1 mm of A4's 297 mm, split on both outer edges."""


def impose(pdf: bytes, sheet: tuple[float, float] = A4_LANDSCAPE) -> bytes:
    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages
    width = float(pages[0].mediabox.width)
    height = float(pages[0].mediabox.height)
    x = (sheet[0] - 2 * width) / 2
    y = (sheet[1] - height) / 2
    writer = PdfWriter()
    for left, right in saddle_stitch_order(len(pages)):
        side = PageObject.create_blank_page(width=sheet[0], height=sheet[1])
        side.merge_transformed_page(pages[left - 1], Transformation().translate(x, y))
        side.merge_transformed_page(pages[right - 1], Transformation().translate(x + width, y))
        writer.add_page(side)
    writer.add_metadata({k: v for k, v in (reader.metadata or {}).items()
                         if k in ("/Title", "/CreationDate", "/ModDate")})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
