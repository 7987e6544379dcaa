"""Prints the median of every criterion benchmark measured so far
(target/criterion/*/new/estimates.json), one line each, sorted by name."""

import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"
prefix = sys.argv[1] if len(sys.argv) > 1 else ""
for estimates in sorted(root.glob("**/new/estimates.json")):
    bench = json.loads((estimates.parent / "benchmark.json").read_text())
    name = bench["full_id"]
    if not name.startswith(prefix):
        continue
    median = json.loads(estimates.read_text())["median"]["point_estimate"]
    unit, value = ("ms", median / 1e6) if median >= 1e6 else ("us", median / 1e3)
    print(f"{name}\t{value:.3f} {unit}")
