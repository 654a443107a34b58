#!/usr/bin/env python3
"""Writes a CSV of about N bytes (default 1 GB) for the read_csv memory measurement.

Columns: id (i64), customer (string, ~12 chars), region (string, 5 values), qty (i64 with
some empty fields = null), price (f64). Deterministic (fixed seed). Not committed: generate,
measure with measure.sh, delete.

usage: gen_big_csv.py OUT.csv [BYTES]
"""
import random
import sys


def main() -> None:
    out = sys.argv[1]
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000_000
    rng = random.Random(42)
    regions = ["north", "south", "east", "west", "centre"]
    written = 0
    row = 0
    with open(out, "w", newline="") as f:
        f.write("id,customer,region,qty,price\n")
        while written < target:
            lines = []
            for _ in range(10_000):
                qty = "" if row % 50 == 0 else str(rng.randrange(1, 100))
                lines.append(
                    f"{row},cust{rng.randrange(10**8):08d},{regions[row % 5]},"
                    f"{qty},{rng.randrange(100, 100000) / 100}\n"
                )
                row += 1
            chunk = "".join(lines)
            f.write(chunk)
            written += len(chunk)
    print(f"{out}: {written} bytes, {row} rows")


if __name__ == "__main__":
    main()
