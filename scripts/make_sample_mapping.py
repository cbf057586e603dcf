"""Generate the FICTIONAL raw community-mapping file of the sample (never real people).

    .venv/bin/python scripts/make_sample_mapping.py            # writes private/mapping-sample.csv
    .venv/bin/ballata stats aggregate private/mapping-sample.csv --by village,status \
        --weight members --out content/statistics/pekerja-migran/table.csv

One row per household: an invented household code, its village, the family members working or
living in Malaysia, and their documents. Shaped like the real finding: one village alone counts far
more people than the official figure for the whole regency.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

VILLAGES = {"desa-a": 259, "desa-b": 74, "desa-c": 31, "desa-d": 12}
"""People to reach per (invented) village."""
STATUSES = (("tidak-berdokumen", 0.62), ("berdokumen", 0.30), ("tidak-diketahui", 0.08))
OUT = Path("private/mapping-sample.csv")


def write_sample(out: Path = OUT, seed: int = 2025) -> int:
    """Write the fictional households; returns how many."""
    rng = random.Random(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["household", "village", "members", "status", "destination"])
        n = 0
        for village, people in VILLAGES.items():
            left = people
            while left > 0:
                members = min(left, rng.randint(1, 6))
                status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
                n += 1
                writer.writerow([f"RT-{n:04d}", village, members, status,
                                 rng.choice(["Sabah", "Sarawak"])])
                left -= members
    return n


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="The sample's table.csv is this file aggregated as shown "
                                            "in the module docstring (README, Statistics).")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default: {OUT})")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default: 2025)")
    args = parser.parse_args(argv)
    n = write_sample(args.out, args.seed)
    print(f"wrote {args.out} ({n} fictional households)")


if __name__ == "__main__":
    main()
