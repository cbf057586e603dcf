"""What WeasyPrint 70's PDF tags leave for a screen reader to stumble on, put right.

WeasyPrint tags running footers and folios as content outside the structure tree, names every
link annotation after its target (``story-paspor-ditahan``), writes no ``/Scope`` on table
headers and tags ``<nav>`` as NonStruct. :func:`install` makes margin boxes, and elements with
``aria-hidden="true"`` (the opening pull quote, which repeats her words), artifacts; the finisher
:func:`finish` then mends the structure tree of the finished document. Written against
WeasyPrint 70 (pinned in pyproject.toml); it runs inside the layout worker only."""

from __future__ import annotations

from typing import Any

_INSTALLED = False


def _hidden(box: Any) -> bool:
    element = getattr(box, "element", None)
    return element is not None and element.get("aria-hidden") == "true" and \
        getattr(box, "element_tag", None) == element.tag


def install() -> None:
    """Patch the drawing and tagging steps once per worker process."""
    global _INSTALLED
    if _INSTALLED:
        return
    from weasyprint import draw
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    draw_context = draw.draw_stacking_context
    build_tree = tags._build_box_tree
    pdf_tag = tags._get_pdf_tag

    def draw_stacking_context(stream: Any, context: Any) -> None:
        box = context.box
        if getattr(stream, "_tags", None) is None or not (
                isinstance(box, boxes.MarginBox) or _hidden(box)):
            draw_context(stream, context)
            return
        # Drawn as one artifact, with no marked content inside it for the tree to miss.
        saved, stream._tags = stream._tags, None
        stream.begin_marked_content("Artifact")
        try:
            draw_context(stream, context)
        finally:
            stream.end_marked_content()
            stream._tags = saved

    def build_box_tree(box: Any, *args: Any) -> Any:
        if isinstance(box, boxes.MarginBox) or _hidden(box):
            _forget(box, args[-1])
            return iter(())
        return build_tree(box, *args)

    def get_pdf_tag(tag: str | None) -> str:
        return "TOC" if tag == "nav" else pdf_tag(tag)

    draw.draw_stacking_context = draw_stacking_context
    tags._build_box_tree = build_box_tree
    tags._get_pdf_tag = get_pdf_tag
    _INSTALLED = True


def _forget(box: Any, marked: dict[Any, Any]) -> None:
    """Drop what was marked inside an artifact's box (nothing, when it was drawn as one)."""
    marked.pop(box, None)
    for child in getattr(box, "children", ()):
        _forget(getattr(child, "_box", child), marked)


def _text(element: Any) -> str:
    words = "".join(element.itertext()).replace("\u00ad", "")
    return " ".join(words.split())


def finish(document: Any, pdf: Any) -> None:
    """Finisher for ``write_pdf``: link descriptions, header scopes, the table of contents."""
    import pydyf

    for page in document.pages:
        for _, _, _, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            if annotation is not None and "Contents" in annotation and box.element is not None:
                # What the link says, as a screen reader announces it; never a slug.
                annotation["Contents"] = pydyf.String(_text(box.element) or
                                                      str(annotation["Contents"]))
    objects = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)}

    def kids(element: Any) -> list[Any]:
        found = element.get("K")
        if not isinstance(found, (list, pydyf.Array)):
            return []
        return [objects[k] for k in found if k in objects]

    def kind(element: Any) -> str:
        return str(element.get("S", ""))

    for element in list(objects.values()):
        name = kind(element)
        if name == "/TH":
            row = objects.get(element.get("P"))
            group = objects.get(row.get("P")) if row is not None else None
            scope = "/Column" if group is not None and kind(group) == "/THead" else "/Row"
            attributes = element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
            attributes["Scope"] = scope
        elif name == "/TOC":
            _toc(element, kids, objects, pydyf)


def _toc(toc: Any, kids: Any, objects: dict[Any, Any], pydyf: Any) -> None:
    """``TOC > L > LI > LBody > Link`` (a list in a nav) becomes ``TOC > TOCI > Reference >
    Link``; an item without a link (a part's name) keeps its words as a ``TOCI > P``."""
    items = []
    for child in kids(toc):
        if str(child.get("S")) == "/L":
            items += [item for item in kids(child) if str(item.get("S")) == "/LI"]
    if not items:
        return
    for item in items:
        item["S"] = "/TOCI"
        item["P"] = toc.reference
        for body in kids(item):
            if str(body.get("S")) in ("/LBody", "/Lbl"):
                has_link = any(str(k.get("S")) == "/Link" for k in kids(body))
                body["S"] = "/Reference" if has_link else "/P"
    toc["K"] = pydyf.Array([item.reference for item in items])
