"""`make usage-report`: an HTML page of the usage counts, with charts, for a commissioner.

python -m bot.privacy.usage_report [--endpoints endpoints.yml] [--out build/usage-report.html]

Reads only the `usage_daily` table (counts per day: no sender, no text). Charts are
PNG images inside the page (data: URIs), so it opens offline and fetches nothing.
The page is for the people who fund and run the service, not for mothers: its
headings are report labels, not content items.
"""
from __future__ import annotations

import argparse
import base64
import html
import io
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers
import matplotlib.pyplot as plt  # noqa: E402

from bot.privacy import usage  # noqa: E402
from bot.privacy.retention import ROOT, engine_for, tracker_db_url  # noqa: E402

TOP = 20  # items shown in the per-item charts
TITLES = {
    "page": "How the guide is used",
    "intro": "Counts per day. No names, numbers or words typed by anyone are kept here.",
    "conversation": "Conversations started per day",
    "safety": "Safety replies per day",
    "sent": "Answers sent most often",
    "ended_at": "Where conversations ended (last answer seen)",
    "empty": "No conversations have been counted yet.",
}


def _totals(rows: list[dict], kind: str) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["kind"] == kind:
            totals[row["item"]] += row["count"]
    return {k: v for k, v in totals.items() if v}


def _per_day(rows: list[dict], kind: str) -> dict[str, int]:
    days: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["kind"] == kind:
            days[row["day"]] += row["count"]
    return dict(sorted(days.items()))


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _day_chart(days: dict[str, int], title: str) -> str:
    figure, axes = plt.subplots(figsize=(8, 3))
    axes.bar(list(days), list(days.values()), color="#1d70b8")
    axes.set_title(title)
    axes.tick_params(axis="x", labelrotation=45)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def _item_chart(totals: dict[str, int], title: str) -> str:
    top = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP][::-1]
    figure, axes = plt.subplots(figsize=(8, 0.35 * len(top) + 1))
    axes.barh([item for item, _ in top], [count for _, count in top], color="#00703c")
    axes.set_title(title)
    axes.xaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def _table(counts: dict[str, int]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(key)}</td><td>{value}</td></tr>"
        for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return f"<table><tbody>{rows}</tbody></table>"


def render(rows: list[dict]) -> str:
    """The whole page for these counts."""
    sections = []
    if not rows:
        sections.append(f"<p>{html.escape(TITLES['empty'])}</p>")
    # Counts per day (a line over time) and totals per item (bars), each with its table.
    for kinds, collect, chart in ((("conversation", "safety"), _per_day, _day_chart),
                                  (("sent", "ended_at"), _totals, _item_chart)):
        for kind in kinds:
            data = collect(rows, kind)
            if data:
                title = html.escape(TITLES[kind])
                sections.append(f'<h2>{title}</h2><img alt="{title}" src="{chart(data, TITLES[kind])}">{_table(data)}')
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(TITLES['page'])}</title>"
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "img{max-width:100%}td{padding:0 1rem 0 0}</style></head><body>"
        f"<h1>{html.escape(TITLES['page'])}</h1><p>{html.escape(TITLES['intro'])}</p>"
        + "".join(sections)
        + "</body></html>"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", default=str(ROOT / "endpoints.yml"))
    parser.add_argument("--out", default=str(ROOT / "build" / "usage-report.html"))
    args = parser.parse_args(argv)
    rows = usage.read(engine_for(tracker_db_url(args.endpoints)))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(rows), encoding="utf-8")
    print(f"usage report: {out} ({sum(r['count'] for r in rows if r['kind'] == 'conversation')} conversations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
