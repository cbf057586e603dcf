"""Site search with Pagefind: stems Indonesian, one small index per language."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ..errors import BallataError, Problem


NOT_INDEXED = (".ballata-listen", "audio")
"""Never in the index, whatever the theme marks: the recording's player and its address."""


def index(site_dir: Path) -> None:
    """Index the built (already gated) site in place, into site_dir/pagefind/."""
    excluded = [arg for selector in NOT_INDEXED for arg in ("--exclude-selectors", selector)]
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind",
         *excluded, "--quiet"], capture_output=True, text=True)
    if result.returncode != 0:
        raise BallataError([Problem("(search index)", "Pagefind could not index the site: "
                                    + (result.stderr or result.stdout).strip()[-2000:],
                                    tip="Reinstall with `make build`; pagefind[bin] provides it.")])
    # Pagefind lists languages in hash-map order, which changes from run to run.
    entry = site_dir / "pagefind" / "pagefind-entry.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                     encoding="utf-8")
