"""SVG charts of published (already safe) tables, labelled in one language. Used by site and zine."""

from __future__ import annotations

import functools
import html
import io
import re
import textwrap

from typing import Any

from .model import Dataset
from .statistics import Table
from .strings import Strings


def bars(dataset: Dataset, lang: str, hidden_label: str, official_suffix: str) -> list[tuple[str, int | None, bool]]:
    """(label, value or None when hidden, is_official) for each bar, top to bottom."""
    table: Table = dataset.table  # type: ignore[assignment]
    if table.two_dimensional:
        first = dataset.dimensions[0]
        items = [(first.value_label(r, lang), table.row_totals.get(r), False) for r in table.rows]
    else:
        only = dataset.dimensions[0]
        items = [(only.value_label(c, lang), None if (table.rows[0], c) in table.hidden
                  else table.values[(table.rows[0], c)], False) for c in table.cols]
    items += [(f"{o.label.get(lang, '')} {official_suffix}".strip(), o.value, True) for o in dataset.official]
    return items


def bar_chart_svg(dataset: Dataset, lang: str, *, title: str, description: str, hidden_label: str,
                  official_suffix: str, value_label: str, phone: bool = False) -> str:
    """A horizontal bar chart; hatching tells the official figures apart without colour.
    ``phone``: drawn narrower with larger type, so its labels stay at 12 px or more on a
    360 px screen (the website); otherwise sized for an A5 page."""
    items = tuple(bars(dataset, lang, hidden_label, official_suffix))
    ident = "chart-" + re.sub(r"[^a-z0-9]+", "-", dataset.key.lower()) + f"-{lang}"
    return _draw(items, ident, title, description, hidden_label, value_label, phone)


@functools.lru_cache(maxsize=64)
def _draw(items: tuple[tuple[str, int | None, bool], ...], ident: str, title: str, description: str,
          hidden_label: str, value_label: str, phone: bool = False) -> str:
    """Drawn once per build for the same bars: the website and every PDF share it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "ballata",
                                "font.family": "sans-serif", "font.size": 10 if phone else 11}):
        fig, ax = plt.subplots(figsize=(3.4 if phone else 5.2, 0.6 * len(items) + 1.0))
        # Wrapped, so a long label does not squeeze the bars on a phone screen.
        labels = [textwrap.fill(label, 16) for label, _, _ in items][::-1]
        values = [value or 0 for _, value, _ in items][::-1]
        officials = [official for _, _, official in items][::-1]
        ax.barh(labels, values, color=["#ffffff" if o else "#4a4a4a" for o in officials],
                edgecolor="#1a1a1a", hatch=None, linewidth=0.8)
        for patch, official in zip(ax.patches, officials):
            if official:
                patch.set_hatch("///")
        top = max(values + [1])
        for y, (value, (_, shown, _)) in enumerate(zip(values, items[::-1])):
            ax.text(value + top * 0.01, y, hidden_label if shown is None else str(shown),
                    va="center", fontsize=10 if phone else 9)
        ax.set_xlim(0, top * 1.15)
        ax.set_xlabel(value_label)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]  # no XML prolog or DOCTYPE: it is embedded in HTML
    # Nor RDF metadata: HTML does not allow its namespaces, and it says nothing to a reader.
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc" ', 1)
    head = (f'<title id="{ident}-title">{html.escape(title)}</title>'
            f'<desc id="{ident}-desc">{html.escape(description)}</desc>')
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + head, svg, count=1)


def dataset_view(dataset: Dataset, lang: str, strings: Strings, phone: bool = False) -> dict[str, Any]:
    """What a page or a zine shows of a dataset: table, chart, note, official figures, source."""
    table: Table = dataset.table  # type: ignore[assignment]
    t = lambda key, **kw: strings.get(key, lang, **kw)  # noqa: E731
    hidden = t("hidden_value")

    def shown(value: int | None, is_hidden: bool = False) -> str:
        return hidden if is_hidden or value is None else f"{value:,}".replace(",", ".")

    first, last = dataset.dimensions[0], dataset.dimensions[-1]
    rows = [{"label": first.value_label(r, lang) if table.two_dimensional else "",
             "cells": [shown(table.values[(r, c)], (r, c) in table.hidden) for c in table.cols],
             "total": shown(table.row_totals.get(r))} for r in table.rows]
    items = bars(dataset, lang, hidden, t("official_suffix"))
    description = t("chart_description", items="; ".join(
        f"{label}: {hidden if value is None else value}" for label, value, _ in items))
    return {
        "caption": dataset.title.get(lang, ""),
        "row_header": first.label.get(lang, "") if table.two_dimensional else "",
        "col_headers": [last.value_label(c, lang) for c in table.cols],
        "measure": dataset.measure.label.get(lang, ""),
        "two_dimensional": table.two_dimensional,
        "rows": rows,
        "col_totals": [shown(table.col_totals.get(c)) for c in table.cols],
        "grand_total": shown(table.grand_total),
        "note": t("hidden_note", k=dataset.threshold),
        "disclosure_reason": table.disclosure_reason.get(lang, ""),
        "chart": bar_chart_svg(dataset, lang, title=dataset.chart_title.get(lang, ""),
                               description=description, hidden_label=hidden,
                               official_suffix=t("official_suffix"),
                               value_label=dataset.measure.label.get(lang, ""), phone=phone),
        "official": [{"label": o.label.get(lang, ""), "value": shown(o.value),
                      "source": o.source.get(lang, "")} for o in dataset.official],
        "source": dataset.source.get(lang, ""),
        "collected": dataset.collected,
    }
