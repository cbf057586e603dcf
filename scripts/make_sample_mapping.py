"""Generate the FICTIONAL raw community-mapping file of the sample (never real people).

    .venv/bin/python scripts/make_sample_mapping.py            # writes private/mapping-sample.csv
    .venv/bin/ballata stats aggregate private/mapping-sample.csv --by village,status \
        --weight members --out content/statistics/pekerja-migran/table.csv

One row per household: an invented household code, its village, the family members working or
living in Malaysia, and their documents. Shaped like the real finding: one village alone counts far
more people than the official figure for the whole regency.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

VILLAGES = {"desa-a": 259, "desa-b": 74, "desa-c": 31, "desa-d": 12}
"""People to reach per (invented) village."""
STATUSES = (("tidak-berdokumen", 0.62), ("berdokumen", 0.30), ("tidak-diketahui", 0.08))


def main(out: Path = Path("private/mapping-sample.csv"), seed: int = 2025) -> None:
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
    print(f"wrote {out} ({n} fictional households)")


if __name__ == "__main__":
    main()
