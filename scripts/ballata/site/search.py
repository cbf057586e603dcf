"""Site search with Pagefind: stems Indonesian, one small index per language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..errors import BallataError, Problem


def index(site_dir: Path) -> None:
    """Index the built (already gated) site in place, into site_dir/pagefind/."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind",
         "--quiet"], capture_output=True, text=True)
    if result.returncode != 0:
        raise BallataError([Problem("(search index)", "Pagefind could not index the site: "
                                    + (result.stderr or result.stdout).strip()[-2000:],
                                    tip="Reinstall with `make build`; pagefind[bin] provides it.")])
