"""Rebuild content/areas/ and content/services/local/councils.yml from open data.

There is no network where the bot runs, so the data ships as compact CSV. A content
owner refreshes it from the inputs named in content/areas/sources.yml (each a public
file: repository, path, commit, licence), saved into one folder:

    python scripts/refresh_areas.py all --sources DIR

DIR holds (names as in sources.yml):
    uk_local_authorities.csv      every UK council, its type, county, names, GSS codes
    govuk_local_authorities.js    GOV.UK's list of council home pages (Local Links Manager)
    codepoint/*.csv               OS Code-Point Open: every live postcode with its council
    msoa_names.csv                House of Commons Library names of neighbourhoods (MSOAs)
    os_open_names_places.csv      OS Open Names populated places (name, type, country)

and the hand-kept inputs in content/areas/ are read as they are: places_curated.csv,
aliases.csv, homepages_extra.csv and code_changes.csv (each row says why it is there).

What is written:
    local_authorities.csv    153 councils with children's services and the districts in them
    postcode_districts.csv   outward code (TN34) -> council, or the councils or nations it crosses
    postcode_sectors.csv     sector (SY10 7) -> council, only inside districts that cross councils
    places.csv               town or neighbourhood -> council(s); a name in two councils lists both
    other_nations.csv        place names in Wales, Scotland and Northern Ireland
    abolished_councils.csv   councils that no longer exist and their old websites (the linter refuses them)
    ../services/local/councils.yml   every council's entries (children's services, ...)

Then run `python -m bot.lint` and the directory tests, and update `last_verified`.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
AREAS = ROOT / "content" / "areas"
COUNCIL_SERVICES = ROOT / "content" / "services" / "local" / "councils.yml"

SHARE = 0.95        # a postcode district or sector belongs to one council when this share of it does
MINOR = 0.05        # a council with less than this share of a district is not offered as a choice
NATIONS = {"W92000004": "wales", "S92000003": "scotland", "N92000002": "northern-ireland"}
ENGLAND = "E92000001"
# Council types that run children's services (upper tier), and the lower-tier districts.
UPPER_TYPES = {"CTY", "UA", "MD", "LBO", "CC"}
DISTRICT_TYPES = {"NMD"}
KIND = {"CTY": "county", "UA": "unitary", "MD": "metropolitan", "LBO": "london", "CC": "city", "NMD": "district"}

# Words around a neighbourhood name that are not part of the place ("Keighley Central").
EDGE_WORDS = {"north", "south", "east", "west", "central", "centre", "town", "city", "rural", "inner",
              "outer", "upper", "lower", "mid", "middle"}
MIN_NAME = 3
# Everyday words that are also the name of a neighbourhood somewhere ("Park", "Church"):
# typed alone they are far more likely to mean something else, so they are left out.
GENERIC = set("""
north south east west central centre town city village park green church school bridge
hospital station market castle abbey university docks harbour common heath hill hills valley
moor marsh beach sea shore coast quay port river lake forest wood woods fields field farm
manor hall court garden gardens grove square street road lane way cross end side gate
bay rock cliff cliffs island isle new old little great upper lower high middle mid
home help more skip yes no ok hello
""".split())


def normal(text: str) -> str:
    """How names are compared: lower case, "st" for saint, "and" for "&", no punctuation.

    The bot uses the same function (bot.directory imports it), so data and lookup agree.
    """
    text = text.lower().replace("&", " and ").replace("’", "'").replace("'", "")
    text = re.sub(r"[^a-z0-9 ]+", " ", text.replace("-", " "))
    text = re.sub(r"\bsaint\b", "st", text)
    return re.sub(r"\s+", " ", text).strip()


# -- reading ------------------------------------------------------------------

def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, header: list[str], rows) -> int:
    rows = sorted(set(tuple(r) for r in rows))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


class Registry:
    """Councils from the mySociety lookup (ONS GSS codes, types, counties, old names)."""

    def __init__(self, rows: list[dict[str, str]]):
        self.rows = rows
        self.by_short = {r["local-authority-code"]: r for r in rows}
        self.current = [r for r in rows if r["nation"] == "England" and not r["end-date"]
                        and r["local-authority-type"] in UPPER_TYPES | DISTRICT_TYPES]
        self.upper_of: dict[str, str] = {}
        for r in self.current:
            county = self.by_short.get(r["county-la"]) if r["local-authority-type"] in DISTRICT_TYPES else None
            self.upper_of[r["gss-code"]] = county["gss-code"] if county else r["gss-code"]
        self.name_of = {r["gss-code"]: r["nice-name"] for r in self.current}
        self.codes = set(self.upper_of)

    def successors(self, short: str, seen=()) -> list[str]:
        """The current GSS codes that took over an authority (itself if current)."""
        row = self.by_short.get(short)
        if row is None or short in seen:
            return []
        if row["gss-code"] in self.codes:
            return [row["gss-code"]]
        found: list[str] = []
        for nxt in filter(None, (s.strip() for s in (row["replaced-by"] or "").split(","))):
            found += self.successors(nxt, seen + (short,))
        return found

    def by_gss(self) -> dict[str, str]:
        """Any GSS code ever used (current, former, retired council) -> the current code, if one."""
        out: dict[str, str] = {}
        for r in self.rows:
            if r["nation"] != "England":
                continue
            codes = self.successors(r["local-authority-code"])
            if len(codes) != 1:
                continue
            for gss in [r["gss-code"], *(r["former-gss-codes"] or "").split(",")]:
                if gss.strip():
                    out[gss.strip()] = codes[0]
        return out


def registry(sources: Path) -> Registry:
    return Registry(_rows(sources / "uk_local_authorities.csv"))


# -- councils -------------------------------------------------------------------

def _govuk_pages(sources: Path) -> dict[str, str]:
    """GSS code -> home page, as GOV.UK's list has it (current and retired councils)."""
    text = (sources / "govuk_local_authorities.js").read_text(encoding="utf-8")
    pages: dict[str, str] = {}
    for block in re.split(r"\}\s*,\s*\{", text):
        gss = re.search(r"gss:\s*'([A-Z]\d{8})'", block)
        url = re.search(r"homepage_url:\s*'([^']+)'", block)
        if gss and url:
            pages[gss.group(1)] = url.group(1)
    return pages


def _sole_county_successor(reg: Registry, row: dict[str, str]) -> str:
    """The one council that took over a whole county ("North Yorkshire County" -> North Yorkshire).

    Such a council keeps the county's website (northyorks.gov.uk, somerset.gov.uk). A district
    (Craven, Mendip) or a county split in two (Cumbria) does not hand its site on: that site
    is an abolished council's, whatever GOV.UK's old copy says.
    """
    if row["local-authority-type"] != "CTY" or not row["end-date"]:
        return ""
    codes = reg.successors(row["local-authority-code"])
    return codes[0] if len(codes) == 1 and reg.upper_of.get(codes[0]) == codes[0] else ""


def _extra_pages(areas: Path) -> dict[str, str]:
    extra = areas / "homepages_extra.csv"
    return {row["code"]: row["homepage"] for row in _rows(extra)} if extra.exists() else {}


def homepages(sources: Path, reg: Registry, areas: Path) -> dict[str, tuple[str, str]]:
    """Council code -> (home page, where it came from).

    In this order: homepages_extra.csv (checked by hand, so it wins), GOV.UK's page for the
    council's own code (or a code it had before), then the page of a county the council alone
    replaced. Never the page of an abolished district: Cumberland is not allerdale.gov.uk.
    """
    pages = _govuk_pages(sources)
    out: dict[str, tuple[str, str]] = {code: (page, "extra") for code, page in _extra_pages(areas).items()}
    for r in sorted(reg.current, key=lambda r: r["gss-code"]):  # its own code, or one it had before
        for gss in [r["gss-code"], *filter(None, (g.strip() for g in (r["former-gss-codes"] or "").split(",")))]:
            if r["gss-code"] not in out and gss in pages:
                out[r["gss-code"]] = (pages[gss], "govuk")
    for row in sorted(reg.rows, key=lambda r: r["gss-code"]):
        new = _sole_county_successor(reg, row)
        if new and new not in out and row["gss-code"] in pages:
            out[new] = (pages[row["gss-code"]], "predecessor")
    return out


def abolished(sources: Path, reg: Registry, areas: Path) -> int:
    """abolished_councils.csv: English councils that no longer exist, with the website GOV.UK
    last gave for them, so the linter can refuse that website for a current council or service.

    Left out: a county's site its sole successor kept, and a site a current council uses
    under its own code in GOV.UK's list or in homepages_extra.csv.
    """
    pages = _govuk_pages(sources)
    current_hosts = {site_host(pages[c]) for c in reg.codes if c in pages}
    current_hosts |= {site_host(page) for page in _extra_pages(areas).values()}
    rows = []
    for r in reg.rows:
        if r["nation"] != "England" or not r["end-date"] or r["gss-code"] in reg.codes:
            continue
        if r["local-authority-type"] in ("COMB", "SRA") or _sole_county_successor(reg, r):
            continue
        page = pages.get(r["gss-code"])
        if not page or site_host(page) in current_hosts:
            continue
        rows.append((r["gss-code"], r["nice-name"], r["end-date"], " ".join(reg.successors(r["local-authority-code"])),
                     _https(page)))
    return _write(areas / "abolished_councils.csv", ["code", "name", "ended", "replaced_by", "homepage"], rows)


def site_host(url: str) -> str:
    """"https://www.allerdale.gov.uk/x" -> "allerdale.gov.uk" (bot.lint compares sites the same way)."""
    host = urlsplit(url.strip()).netloc.lower().split(":")[0]
    return host[4:] if host.startswith("www.") else host


def authorities(reg: Registry, pages: dict, areas: Path) -> int:
    rows = []
    for r in reg.current:
        code = r["gss-code"]
        upper = reg.upper_of[code]
        page = pages.get(code, ("", ""))[0]
        rows.append((code, r["nice-name"], upper, reg.name_of[upper], KIND[r["local-authority-type"]],
                     r["gov-uk-slug"] or _slug(r["nice-name"]), _https(page)))
    return _write(areas / "local_authorities.csv",
                  ["code", "name", "upper_tier_code", "upper_tier_name", "kind", "slug", "homepage"], rows)


def _slug(name: str) -> str:
    return normal(name).replace(" ", "-")


def _https(url: str) -> str:
    """https, and a "/" after a bare host; a path is kept as given ("Default.aspx" takes no "/")."""
    url = url.strip()
    if url.startswith("http://"):
        url = "https://" + url[len("http://"):]
    if url and urlsplit(url).path in ("", "/") and not urlsplit(url).query:
        return url.rstrip("/") + "/"
    return url


# -- postcodes ------------------------------------------------------------------

def _codepoint(folder: Path):
    """(outward, sector, country, council) for every live postcode in Code-Point Open."""
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                if len(row) < 9 or not row[0].strip():
                    continue
                postcode = row[0].strip().upper()
                outward, inward = postcode[:-3].strip(), postcode[-3:]
                yield outward, f"{outward} {inward[0]}", row[4], row[8]


def _decide(counts: Counter, upper_of: dict[str, str]) -> list[str] | None:
    """One council for a district or sector, or the councils and nations it is shared by.

    counts: LAD code or nation code -> number of postcodes. None: outside the data.
    """
    total = sum(counts.values())
    if not total:
        return None
    top, top_count = counts.most_common(1)[0]
    if top_count / total >= SHARE:
        return [top if top in NATIONS else top]
    uppers: Counter = Counter()
    for code, count in counts.items():
        uppers[code if code in NATIONS else upper_of.get(code, code)] += count
    top, top_count = uppers.most_common(1)[0]
    if top_count / total >= SHARE:
        return [top]
    return [code for code, count in uppers.most_common() if count / total >= MINOR]


def code_changes(areas: Path) -> dict[str, str]:
    """Codes ONS has issued that the registry does not list yet (code_changes.csv, by hand)."""
    path = areas / "code_changes.csv"
    return {row["new_code"]: row["registry_code"] for row in _rows(path)} if path.exists() else {}


def postcodes(sources: Path, reg: Registry, areas: Path) -> tuple[int, int]:
    gss = {**reg.by_gss(), **code_changes(areas)}
    districts: dict[str, Counter] = defaultdict(Counter)
    sectors: dict[str, Counter] = defaultdict(Counter)
    for outward, sector, country, council in _codepoint(sources / "codepoint"):
        if country == ENGLAND:
            where = gss.get(council, council)
            if where not in reg.codes:
                continue  # a code the registry does not know: leave the postcode out
        elif country in NATIONS:
            where = country
        else:
            continue
        districts[outward][where] += 1
        sectors[sector][where] += 1
    district_rows, sector_rows = [], []
    for outward, counts in districts.items():
        decided = _decide(counts, reg.upper_of)
        if not decided:
            continue
        district_rows.append((outward, " ".join(decided)))
        if len(decided) > 1:  # shared: a full postcode can still be placed by its sector
            for sector, sector_counts in sectors.items():
                if sector.split(" ")[0] == outward:
                    one = _decide(sector_counts, reg.upper_of)
                    if one:
                        sector_rows.append((sector, " ".join(one)))
    a = _write(areas / "postcode_districts.csv", ["outward", "codes"], district_rows)
    b = _write(areas / "postcode_sectors.csv", ["sector", "codes"], sector_rows)
    return a, b


# -- places ---------------------------------------------------------------------

def _parts(name: str) -> list[str]:
    """A neighbourhood name's places: "Keighley Central & East" -> Keighley Central, Keighley."""
    out = []
    for part in re.split(r",|&|\band\b", name):
        part = part.strip(" .")
        if not part or part.split()[0].lower() in ("of", "upon", "on", "the", "in"):
            continue
        out.append(part)
        words = part.split()
        while len(words) > 1 and words[-1].lower() in EDGE_WORDS:
            words = words[:-1]
        while len(words) > 1 and words[0].lower() in EDGE_WORDS:
            words = words[1:]
        if words and " ".join(words) != part and words[0].lower() not in ("of", "upon", "on", "the", "in"):
            out.append(" ".join(words))
    return out


def _la_name_codes(reg: Registry) -> dict[str, list[str]]:
    """Any council name, old or new, or alternative name -> current codes."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in reg.rows:
        if r["nation"] != "England":
            continue
        codes = reg.successors(r["local-authority-code"])
        for name in [r["nice-name"], r["official-name"], *(r["alt-names"] or "").split(",")]:
            if name.strip():
                out[normal(name)] |= set(codes)
    return {k: sorted(v) for k, v in out.items() if v}


def _prefixes(names: list[str]) -> set[str]:
    """Leading words shared by two or more neighbourhoods of one council ("Keighley ...")."""
    counts: Counter = Counter()
    for name in names:
        words = re.split(r",|&", name)[0].split()
        for size in range(1, min(3, len(words))):
            counts[" ".join(words[:size])] += 1
    return {p for p, n in counts.items() if n >= 2 and p.lower() not in EDGE_WORDS}


def places(sources: Path, reg: Registry, areas: Path) -> tuple[int, int]:
    la_names = _la_name_codes(reg)
    # 1. Council names decide on their own ("Leeds" is Leeds City Council, never a village).
    decided: dict[str, tuple[str, set[str]]] = {}
    for row in reg.current:
        for name in [row["nice-name"], *(row["alt-names"] or "").split(",")]:
            key = normal(name)
            if key and la_names.get(key):
                decided.setdefault(key, (row["nice-name"] if key == normal(row["nice-name"]) else name.strip(),
                                         set(la_names[key])))
    for key, codes in la_names.items():  # former councils: "Allerdale", "Shepway"
        if key not in decided:
            decided[key] = (key.title(), set(codes))
    aliases = areas / "aliases.csv"
    if aliases.exists():
        for row in _rows(aliases):
            decided[normal(row["alias"])] = (row["alias"], set(row["codes"].split()))
    # 2. Neighbourhood and town names: a name in two councils keeps both, so she chooses.
    found: dict[str, set[str]] = defaultdict(set)
    shown: dict[str, str] = {}
    msoa = _rows(sources / "msoa_names.csv")
    by_la: dict[str, list[str]] = defaultdict(list)
    nation_names: dict[str, str] = {}
    for row in msoa:
        if row["msoa11cd"].startswith("W"):
            for part in _parts(row["msoa11hclnm"]) + _parts(row.get("msoa11hclnmw") or ""):
                nation_names.setdefault(normal(part), "wales")
            continue
        by_la[row["Laname"]].append(row["msoa11hclnm"])
    for la_name, names in by_la.items():
        codes = la_names.get(normal(la_name), [])
        if len(codes) != 1:
            continue
        code = codes[0]
        for name in names:
            for part in _parts(name):
                found[normal(part)].add(code)
                shown.setdefault(normal(part), part)
        for prefix in _prefixes(names):
            found[normal(prefix)].add(code)
            shown.setdefault(normal(prefix), prefix)
    curated = areas / "places_curated.csv"
    if curated.exists():
        for row in _rows(curated):
            found[normal(row["place"])].add(row["code"])
            shown.setdefault(normal(row["place"]), row["place"])
    rows = []
    for key, (name, codes) in decided.items():
        rows.append((name, " ".join(sorted(_collapse(codes, reg)))))
    for key, codes in found.items():
        if key in decided or len(key) < MIN_NAME or key in GENERIC:
            continue
        rows.append((shown[key], " ".join(sorted(_collapse(codes, reg)))))
    # 3. Other nations: council names, Welsh neighbourhoods, Scottish towns and cities.
    for r in reg.rows:
        nation = {"Wales": "wales", "Scotland": "scotland", "Northern Ireland": "northern-ireland"}.get(r["nation"])
        if not nation or r["local-authority-type"] in ("COMB", "SRA"):
            continue
        for name in [r["nice-name"], *(r["alt-names"] or "").split(",")]:
            for part in [name, *_parts(name)]:
                nation_names.setdefault(normal(part), nation)
    for row in _rows(sources / "os_open_names_places.csv"):
        if row["country"] in ("Scotland", "Wales") and row["type"] in ("City", "Town"):
            nation_names.setdefault(normal(row["name"]), row["country"].lower())
    english = {normal(r[0]) for r in rows}
    other = [(key, nation) for key, nation in nation_names.items() if len(key) >= MIN_NAME and key not in GENERIC]
    # A name also used in England (Newport) stays with England's entries, plus the nation.
    both = {key for key, _ in other if key in english}
    rows = [(name, codes + (" " + _nation_code(nation_names[normal(name)]) if normal(name) in both else ""))
            for name, codes in rows]
    other_rows = [(key, nation) for key, nation in other if key not in both]
    a = _write(areas / "places.csv", ["place", "codes"], rows)
    b = _write(areas / "other_nations.csv", ["place", "nation"], other_rows)
    return a, b


def _nation_code(nation: str) -> str:
    return {v: k for k, v in NATIONS.items()}[nation]


def _collapse(codes: set[str], reg: Registry) -> set[str]:
    """Districts of one county are one answer for children's services: the county."""
    uppers = {reg.upper_of.get(c, c) for c in codes}
    if len(codes) > 1 and len(uppers) == 1:
        return uppers
    return codes if len(uppers) == len(codes) else uppers


# -- each council's entries ----------------------------------------------------------

def council_services(areas: Path, out: Path, verified: dt.date) -> int:
    """Every council's own entries, as one generated services file the linter checks."""
    councils = _rows(areas / "local_authorities.csv")
    lines = [
        "# GENERATED by scripts/refresh_areas.py from content/areas/ (do not edit by hand:",
        "# edit the inputs or content/services/local/<area>.yml, then run the script again).",
        "# Each council's own entries. Where a page for the service itself has not been",
        "# checked, `web` is the council's home page from GOV.UK's register and `check` says so.",
    ]
    count = 0
    for row in sorted(councils, key=lambda r: r["code"]):
        if not row["homepage"]:
            continue
        key = row["slug"].replace("-", "_")
        page = row["homepage"]
        source = (f"GOV.UK - find your local council: {row['name']}", f"https://www.gov.uk/find-local-council/{row['slug']}")
        check = ("This is the council's home page. Find its children's services contact page "
                 "and its out-of-hours number, check them, and put them here.")
        if row["code"] == row["upper_tier_code"]:
            lines += _entry(f"{key}_childrens_services", f"{row['name']} children's services",
                            f"Children's services in {row['name']}. This is the council team your social "
                            "worker is part of. You can ask for the duty social worker.",
                            row["code"], page, source, verified, check, rank=1)
            lines += _entry(f"{key}_domestic_abuse", f"{_council(row['name'])}: help with domestic abuse",
                            f"Support in {row['name']} if you live with domestic abuse, including safe places "
                            "to stay. The council must offer this.", row["code"], page,
                            ("Domestic Abuse Act 2021, Part 4: support in safe accommodation",
                             "https://www.legislation.gov.uk/ukpga/2021/17/part/4"), verified,
                            "Council home page. Find its domestic abuse page and local services, and put them here.",
                            rank=4)
            count += 2
        else:
            lines += _entry(f"{key}_housing", f"{_council(row['name'])}: housing help",
                            f"Help in {row['name']} if you may lose your home or need to leave it.",
                            row["code"], page, ("Housing Act 1996, Part 7: homelessness",
                                                "https://www.legislation.gov.uk/ukpga/1996/52/part/VII"),
                            verified, "Council home page. Find its housing options page and put it here.", rank=5)
            count += 1
    lines += _citizens_advice(councils, verified)
    count += sum(1 for r in councils if r["code"] == r["upper_tier_code"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count


def _council(name: str) -> str:
    return name if name.endswith("Council") else f"{name} Council"


def _citizens_advice(councils: list[dict], verified: dt.date) -> list[str]:
    lines = []
    for row in sorted(councils, key=lambda r: r["code"]):
        if row["code"] != row["upper_tier_code"]:
            continue
        key = row["slug"].replace("-", "_")
        lines += _entry(f"{key}_citizens_advice", f"Citizens Advice in {row['name']}",
                        f"Free, private advice in {row['name']} on money, housing and benefits. Put in your "
                        "postcode to find your local office.", row["code"],
                        "https://www.citizensadvice.org.uk/about-us/contact-us/contact-us/search-for-your-local-citizens-advice/",
                        ("Citizens Advice - find your local Citizens Advice",
                         "https://www.citizensadvice.org.uk/about-us/contact-us/contact-us/search-for-your-local-citizens-advice/"),
                        verified, "The national finder page. Put the local Citizens Advice's own page here once checked.",
                        rank=3)
    return lines


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


KINDS = {1: "childrens_services", 3: "citizens_advice", 4: "domestic_abuse", 5: "housing"}


def _entry(key, name, about, code, web, source, verified, check, rank) -> list[str]:
    return [
        f"{key}:",
        f"  kind: {KINDS[rank]}",
        f"  name: {_q(name)}",
        f"  for: {_q(about)}",
        f"  areas: [{code}]",
        f"  local_rank: {rank}",
        f"  web: {web}",
        f"  check: {_q(check)}",
        "  sources:",
        f"    - title: {_q(source[0])}",
        f"      url: {source[1]}",
        f"  last_verified: {verified.isoformat()}",
    ]


# -- command line -------------------------------------------------------------------

def run_all(sources: Path, areas: Path, services_out: Path, verified: dt.date) -> dict[str, int]:
    reg = registry(sources)
    written = {"authorities": authorities(reg, homepages(sources, reg, areas), areas)}
    written["abolished councils"] = abolished(sources, reg, areas)
    written["postcode districts"], written["postcode sectors"] = postcodes(sources, reg, areas)
    written["places"], written["other-nation places"] = places(sources, reg, areas)
    written["council entries"] = council_services(areas, services_out, verified)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["all", "services"])
    parser.add_argument("--sources", type=Path, help="folder holding the downloaded inputs (see sources.yml)")
    parser.add_argument("--areas", type=Path, default=AREAS, help="folder to write (default content/areas)")
    parser.add_argument("--services-out", type=Path, default=COUNCIL_SERVICES)
    parser.add_argument("--verified", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)
    if args.kind == "services":  # only the council entries, from the shipped local_authorities.csv
        written = {"council entries": council_services(args.areas, args.services_out, args.verified)}
    else:
        if not args.sources:
            parser.error("all needs --sources DIR")
        written = run_all(args.sources, args.areas, args.services_out, args.verified)
    for what, count in written.items():
        print(f"{what}: {count} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
