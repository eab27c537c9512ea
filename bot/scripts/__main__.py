"""`python -m bot.scripts`: write the advocates' visit scripts and the rights card.

    python -m bot.scripts                                  every stage + card, HTML and PDF
    python -m bot.scripts --stage stage/icpc --format pdf  one stage, PDF only
    python -m bot.scripts --area Hastings                  local services first, in build/scripts/<area>/

Output goes to build/scripts/ (served at /scripts/ by the web server), with an
index.html listing what is there.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.content import ContentError
from bot.scripts.build import FORMATS, OUT_DIR, area_slug, resolve_area, write_scripts

MAX_AREA = 60


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.scripts", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", action="append", metavar="ID",
                        help="a stage id such as stage/icpc (or just icpc); repeat for more. Default: every stage")
    parser.add_argument("--area", help="her town, council or postcode; local services are listed first")
    parser.add_argument("--format", choices=(*FORMATS, "both"), default="both")
    parser.add_argument("--out", type=Path, help=f"folder to write to (default {OUT_DIR.relative_to(OUT_DIR.parents[1])})")
    parser.add_argument("--card", action="store_true", help="also write the rights card when --stage is given")
    args = parser.parse_args(argv)
    if args.area is not None:
        args.area = args.area.strip()
        if not args.area or len(args.area) > MAX_AREA:
            parser.error(f"--area should be a place name of 1 to {MAX_AREA} characters")
        try:
            args.place = resolve_area(args.area)
        except ValueError as error:
            parser.error(f"--area: {error}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    stages = [s if s.startswith("stage/") else f"stage/{s}" for s in args.stage or []]
    out = args.out or (OUT_DIR / area_slug(args.place.name) if args.area else OUT_DIR)
    formats = FORMATS if args.format == "both" else (args.format,)
    try:
        written = write_scripts(out, stages or None, args.area, formats, card=args.card or not stages)
    except (ValueError, ContentError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.area:  # say which area was understood, so a wrong guess is seen at once
        print(f"area: {args.place.name}")
    print(f"wrote {len(written)} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
