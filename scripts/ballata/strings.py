"""Interface words per language, from the project's theme/strings.yml."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import sources
from .config import CONFIG_FILE, Config
from .errors import Problems
from .model import Dataset

STRINGS_FILE = Path("theme") / "strings.yml"
"""Relative to the project root: design lives in the project's theme/."""


class Strings:
    """Interface words from theme/strings.yml, per language, falling back to English then the key."""

    def __init__(self, path: Path) -> None:
        # The project root is two levels up from theme/strings.yml.
        self.table: dict[str, dict[str, str]] = sources.read_theme_yaml(path, path.parents[1]) or {}

    def get(self, key: str, lang: str, **values: object) -> str:
        row = self.table.get(key, {})
        text = row.get(lang) or row.get("en") or key
        return text.format(**values) if values else text

    def for_lang(self, lang: str) -> dict[str, str]:
        return {key: self.get(key, lang) for key in self.table}


def missing_words(config: Config, strings: Strings, datasets: Iterable[Dataset]) -> Problems:
    """Every word a page or a PDF shows, in every configured language, before anything is laid
    out: a missing setting of ballata.yml or label of a dataset.yml is an error naming its file and
    key (never a blank footer or a traceback); a missing interface word of theme/strings.yml is
    shown in English, with a warning naming the keys."""
    problems = Problems()
    for lang in config.languages:
        for key, values in (("site_name", config.site_name),
                            ("site_description", config.site_description),
                            ("licence", config.licence)):
            if not values.get(lang):
                problems.error(CONFIG_FILE, f"no {lang!r} entry: pages in "
                               f"{config.language_names.get(lang, lang)} would show it blank",
                               field=f"{key}.{lang}",
                               tip=f"Add {lang}: \"...\" under {key} in {CONFIG_FILE}.")
        absent = sorted(key for key, row in strings.table.items()
                        if isinstance(row, dict) and not row.get(lang))
        if absent:
            shown = ", ".join(absent[:8]) + (f" and {len(absent) - 8} more" if len(absent) > 8 else "")
            problems.warning(STRINGS_FILE.as_posix(), f"no {lang!r} text for {shown}: shown in English",
                             field=", ".join(f"{k}.{lang}" for k in absent[:8]),
                             tip=f"Add {lang}: \"...\" to each of these lines of {STRINGS_FILE.as_posix()}.")
        for dataset in datasets:
            labels = [("title", dataset.title), ("source", dataset.source),
                      ("chart_title", dataset.chart_title), ("measure.label", dataset.measure.label)]
            labels += [(f"dimensions.{d.column}.label", d.label) for d in dataset.dimensions]
            for n, official in enumerate(dataset.official):
                labels += [(f"official[{n}].label", official.label),
                           (f"official[{n}].source", official.source)]
            for key, value in labels:
                if not value.get(lang):
                    problems.error(f"{dataset.folder}/dataset.yml", f"no {lang!r} entry: "
                                   f"the dataset's page and chart in that language need it",
                                   field=f"{key}.{lang}",
                                   tip=f"Add {lang}: \"...\" to {key} (languages come from "
                                       f"{CONFIG_FILE}).")
    return problems
