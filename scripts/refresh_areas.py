"""Refresh content/areas/ from ONS files downloaded from the ONS Open Geography Portal.

There is no network where the bot runs, so the data ships as CSV; a content owner
refreshes it when ONS publishes (ONSPD every quarter; names and codes each April):

    python scripts/refresh_areas.py authorities LAD_TO_COUNTY.csv --keep E10000011,E06000043,E10000032
    python scripts/refresh_areas.py postcodes ONSPD.csv
    python scripts/refresh_areas.py places IPN.csv

`authorities` keeps the councils named in --keep and every district inside them.
`postcodes` and `places` keep only rows inside the authorities already shipped. Column
names change with each ONS release (LAD24CD, LAD25CD, ...), so they are found by pattern.
Then run `make lint-content` and the tests, and update `last_verified` in sources.yml.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

AREAS = Path(__file__).resolve().parent.parent / "content" / "areas"
DISTRICT_SHARE = 0.95   # a postcode district belongs to one council when this share of it does


def _column(header: list[str], *patterns: str) -> str:
    for pattern in patterns:
        for name in header:
            if re.fullmatch(pattern, name, re.I):
                return name
    raise SystemExit(f"no column like {' or '.join(patterns)} in {header[:12]}...")


def _read(path: Path):
    handle = path.open(encoding="utf-8-sig", newline="")
    reader = csv.DictReader(handle)
    return handle, reader, list(reader.fieldnames or [])


def _write(path: Path, header: list[str], rows) -> int:
    rows = sorted(set(rows))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def _shipped(areas: Path) -> dict[str, str]:
    """Shipped authority code -> the code of the council running children's services there."""
    with (areas / "local_authorities.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["upper_tier_code"] for row in csv.DictReader(handle)}


def authorities(source: Path, keep: set[str], areas: Path) -> int:
    handle, reader, header = _read(source)
    lad, lad_name = _column(header, r"LAD\d*CD"), _column(header, r"LAD\d*NM")
    cty, cty_name = _column(header, r"CTY\d*CD"), _column(header, r"CTY\d*NM")
    rows = []
    with handle:
        for row in reader:
            upper, upper_name = row[cty] or row[lad], row[cty_name] or row[lad_name]
            if row[lad] in keep or upper in keep:
                rows.append((row[lad], row[lad_name], upper, upper_name))
                rows.append((upper, upper_name, upper, upper_name))
    return _write(areas / "local_authorities.csv", ["code", "name", "upper_tier_code", "upper_tier_name"], rows)


def postcodes(source: Path, areas: Path) -> int:
    shipped = _shipped(areas)
    handle, reader, header = _read(source)
    postcode = _column(header, r"pcds", r"pcd2?")
    council = _column(header, r"oslaua", r"laua", r"lad\d*cd")
    ended = _column(header, r"doterm") if any(h.lower() == "doterm" for h in header) else None
    counts: dict[str, Counter] = defaultdict(Counter)
    with handle:
        for row in reader:
            if ended and row[ended].strip():
                continue  # a postcode no longer in use
            outward = row[postcode].strip().upper().split(" ")[0] if " " in row[postcode].strip() \
                else row[postcode].strip().upper()[:-3]
            counts[outward][row[council]] += 1
    rows = []
    for outward, by_council in counts.items():
        total = sum(by_council.values())
        top, top_count = by_council.most_common(1)[0]
        uppers = {shipped.get(code) for code in by_council}
        if top in shipped and top_count / total >= DISTRICT_SHARE:
            rows.append((outward, top))
        elif len(uppers) == 1 and None not in uppers:
            rows.append((outward, uppers.pop()))  # crosses councils inside one county
        # else: crosses counties or leaves the shipped areas; the bot asks for the town
    return _write(areas / "postcode_districts.csv", ["outward", "code"], rows)


def places(source: Path, areas: Path) -> int:
    shipped = _shipped(areas)
    handle, reader, header = _read(source)
    name, council = _column(header, r"place\d*nm"), _column(header, r"lad\d*cd")
    found: dict[str, set[str]] = defaultdict(set)
    with handle:
        for row in reader:
            found[row[name].strip()].add(row[council])
    # A name used in two councils (or outside the shipped ones) would send her to the wrong place.
    rows = [(place, codes.pop()) for place, codes in found.items() if len(codes) == 1 and codes <= shipped.keys()]
    return _write(areas / "places.csv", ["place", "code"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["authorities", "postcodes", "places"])
    parser.add_argument("source", type=Path, help="the CSV downloaded from the ONS Open Geography Portal")
    parser.add_argument("--keep", default="", help="authorities: council codes to keep, comma separated")
    parser.add_argument("--areas", type=Path, default=AREAS, help="folder to write (default content/areas)")
    args = parser.parse_args(argv)
    if args.kind == "authorities":
        written = authorities(args.source, {c.strip() for c in args.keep.split(",") if c.strip()}, args.areas)
    elif args.kind == "postcodes":
        written = postcodes(args.source, args.areas)
    else:
        written = places(args.source, args.areas)
    print(f"{args.kind}: {written} rows written to {args.areas}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
