"""scripts/refresh_areas.py rebuilds content/areas/ and councils.yml from the open data inputs."""
from __future__ import annotations

import csv
import importlib.util

import pytest
import yaml

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("refresh_areas", ROOT / "scripts" / "refresh_areas.py")
refresh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(refresh)

REGISTRY = [
    # code, official name, nice name, gss, end, replaced by, nation, type, county, alt names, slug
    ("ESX", "East Sussex County Council", "East Sussex", "E10000011", "", "", "England", "CTY", "", "east sussex", "east-sussex"),
    ("HAS", "Hastings Borough Council", "Hastings", "E07000062", "", "", "England", "NMD", "ESX", "", "hastings"),
    ("ROT", "Rother District Council", "Rother", "E07000064", "", "", "England", "NMD", "ESX", "", "rother"),
    ("LDS", "Leeds City Council", "Leeds", "E08000035", "", "", "England", "MD", "", "", "leeds"),
    ("KEN", "Kent County Council", "Kent", "E10000016", "", "", "England", "CTY", "", "", "kent"),
    ("TWB", "Tunbridge Wells Borough Council", "Tunbridge Wells", "E07000116", "", "", "England", "NMD", "KEN", "", "tunbridge-wells"),
    ("CMA", "Cumbria County Council", "Cumbria", "E10000006", "2023-04-01", "CBD,WAF", "England", "CTY", "", "", "cumbria"),
    ("ALL", "Allerdale Borough Council", "Allerdale", "E07000026", "2023-04-01", "CBD", "England", "NMD", "CMA", "", "allerdale"),
    ("CBD", "Cumberland Council", "Cumberland", "E06000063", "", "", "England", "UA", "", "", ""),
    ("WAF", "Westmorland and Furness Council", "Westmorland and Furness", "E06000064", "", "", "England", "UA", "", "", ""),
    ("CRF", "Cardiff Council", "Cardiff", "W06000015", "", "", "Wales", "WPA", "", "caerdydd", "cardiff"),
    # North Yorkshire, 2023: the county and its districts became one council, which kept the county's site.
    ("NYK", "North Yorkshire County Council", "North Yorkshire County", "E10000023", "2023-04-01", "NYE", "England", "CTY", "", "", "north-yorkshire-county"),
    ("CRA", "Craven District Council", "Craven", "E07000163", "2023-04-01", "NYE", "England", "NMD", "NYK", "", "craven"),
    ("NYE", "North Yorkshire Council", "North Yorkshire", "E06000065", "", "", "England", "UA", "", "", "north-yorkshire"),
    ("HAV", "London Borough of Havering", "Havering", "E09000016", "", "", "England", "LBO", "", "", "havering"),
]
HEADER = ["local-authority-code", "official-name", "nice-name", "gss-code", "end-date", "replaced-by", "nation",
          "local-authority-type", "county-la", "alt-names", "gov-uk-slug", "former-gss-codes"]


def _write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _rows(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def built(tmp_path):
    sources, areas = tmp_path / "sources", tmp_path / "areas"
    (sources / "codepoint").mkdir(parents=True)
    areas.mkdir()
    _write_csv(sources / "uk_local_authorities.csv", HEADER, [(*r, "") for r in REGISTRY])
    pages = [("E10000011", "http://www.eastsussex.gov.uk/"), ("E07000062", "https://www.hastings.gov.uk/"),
             ("E07000064", "https://www.rother.gov.uk"), ("E08000035", "https://www.leeds.gov.uk/"),
             ("E10000016", "https://www.kent.gov.uk/"), ("E07000116", "https://tunbridgewells.gov.uk/"),
             ("E10000006", "https://www.cumbria.gov.uk/"),
             # Abolished districts listed before the county or the new council: never taken for them.
             ("E07000026", "https://www.allerdale.gov.uk/"), ("E07000163", "http://www.cravendc.gov.uk/"),
             ("E10000023", "http://www.northyorks.gov.uk/"),
             ("E09000016", "http://www.havering.gov.uk/Pages/index.aspx")]
    pages = [pages[i] for i in (0, 1, 2, 3, 4, 5, 7, 8, 6, 9, 10)]  # Allerdale and Craven before Cumbria
    (sources / "govuk_local_authorities.js").write_text("module.exports = [" + ", ".join(
        f"{{\n  gss: '{gss}',\n  homepage_url: '{url}'\n}}" for gss, url in pages) + "]\n")
    (areas / "homepages_extra.csv").write_text(
        "code,homepage,source_title,source_url\nE06000063,https://www.cumberland.gov.uk/,t,https://x.org\n"
        "E06000064,https://www.westmorlandandfurness.gov.uk/,t,https://x.org\n")
    postcodes = [f'"TN34 {i}AA",10,1,1,"E92000001","","","E10000011","E07000062",""' for i in range(20)]
    postcodes += [f'"TN35 {i}AB",10,1,1,"E92000001","","","E10000011","E07000062",""' for i in range(10)]
    postcodes += [f'"TN35 {i}AC",10,1,1,"E92000001","","","E10000011","E07000064",""' for i in range(10)]
    postcodes += [f'"TN3 0{c}A",10,1,1,"E92000001","","","E10000016","E07000116",""' for c in "ABCDEFGH"]
    postcodes += [f'"TN3 9{c}A",10,1,1,"E92000001","","","E10000011","E07000064",""' for c in "ABCDEF"]
    postcodes += [f'"CA14 {i}AA",10,1,1,"E92000001","","","","E07000026",""' for i in range(5)]  # an old code
    postcodes += [f'"CF10 {i}AA",10,1,1,"W92000004","","","","W06000015",""' for i in range(5)]
    (sources / "codepoint" / "tn.csv").write_text("\n".join(postcodes) + "\n")
    _write_csv(sources / "msoa_names.csv", ["msoa11cd", "msoa11nm", "msoa11nmw", "msoa11hclnm", "msoa11hclnmw", "Laname"], [
        ("E02000001", "Hastings 001", "", "Central St Leonards", "", "Hastings"),
        ("E02000002", "Rother 001", "", "Rye & Winchelsea", "", "Rother"),
        ("E02000003", "Rother 002", "", "Park", "", "Rother"),
        ("E02000004", "Leeds 001", "", "Headingley", "", "Leeds"),
        ("E02000005", "Leeds 002", "", "Newtown", "", "Leeds"),
        ("E02000006", "Tunbridge Wells 001", "", "Newtown", "", "Tunbridge Wells"),
        ("E02000007", "Allerdale 001", "", "Workington North & Seaton", "", "Allerdale"),
        ("E02000008", "Allerdale 002", "", "Workington West", "", "Allerdale"),
        ("W02000001", "Cardiff 001", "", "Cathays", "", "Cardiff"),
    ])
    _write_csv(sources / "os_open_names_places.csv", ["name", "type", "country"],
               [("Glasgow", "City", "Scotland"), ("Leeds", "Village", "England")])
    services = tmp_path / "councils.yml"
    refresh.main(["all", "--sources", str(sources), "--areas", str(areas), "--services-out", str(services),
                  "--verified", "2026-12-01"])
    return areas, services


def test_councils_are_the_current_ones_with_their_county(built):
    areas, _ = built
    rows = {r["code"]: r for r in _rows(areas / "local_authorities.csv")}
    assert set(rows) == {"E10000011", "E07000062", "E07000064", "E08000035", "E10000016", "E07000116",
                         "E06000063", "E06000064", "E06000065", "E09000016"}  # Cumbria, Allerdale, Craven are gone
    assert rows["E07000062"]["upper_tier_code"] == "E10000011"
    assert rows["E08000035"]["upper_tier_code"] == "E08000035"
    assert rows["E10000011"]["homepage"] == "https://www.eastsussex.gov.uk/"  # http made https
    assert rows["E06000063"]["homepage"] == "https://www.cumberland.gov.uk/"  # not Cumbria's: it split in two
    assert rows["E06000064"]["homepage"] == "https://www.westmorlandandfurness.gov.uk/"
    assert rows["E07000064"]["homepage"] == "https://www.rother.gov.uk/"  # a bare host gets its "/"


def test_a_new_council_never_takes_an_abolished_districts_website(built):
    areas, _ = built
    rows = {r["code"]: r for r in _rows(areas / "local_authorities.csv")}
    # Craven comes first in GOV.UK's list, but North Yorkshire Council kept the county's site.
    assert rows["E06000065"]["homepage"] == "https://www.northyorks.gov.uk/"
    # A file name keeps no "/" after it.
    assert rows["E09000016"]["homepage"] == "https://www.havering.gov.uk/Pages/index.aspx"


def test_hand_kept_home_pages_win_over_the_govuk_copy(tmp_path, built):
    areas, _ = built
    with (areas / "homepages_extra.csv").open("a") as handle:
        handle.write("E08000035,https://www.leeds.gov.uk/childrens-services,t,https://x.org\n")
    sources = areas.parent / "sources"
    reg = refresh.registry(sources)
    pages = refresh.homepages(sources, reg, areas)
    assert pages["E08000035"] == ("https://www.leeds.gov.uk/childrens-services", "extra")
    assert pages["E06000063"] == ("https://www.cumberland.gov.uk/", "extra")


def test_abolished_councils_are_listed_with_their_old_websites(built):
    areas, _ = built
    rows = {r["name"]: r for r in _rows(areas / "abolished_councils.csv")}
    # Allerdale and Craven were merged away; Cumbria split in two. North Yorkshire County's site lives on.
    assert set(rows) == {"Allerdale", "Craven", "Cumbria"}
    assert rows["Allerdale"]["homepage"] == "https://www.allerdale.gov.uk/"
    assert rows["Allerdale"]["replaced_by"] == "E06000063" and rows["Allerdale"]["ended"] == "2023-04-01"
    assert rows["Craven"]["homepage"] == "https://www.cravendc.gov.uk/"
    assert rows["Cumbria"]["replaced_by"].split() == ["E06000063", "E06000064"]


def test_the_shipped_home_pages_of_the_2023_councils_are_their_own():
    rows = {r["code"]: r["homepage"] for r in _rows(ROOT / "content" / "areas" / "local_authorities.csv")}
    assert rows["E06000063"] == "https://www.cumberland.gov.uk/"
    assert rows["E06000064"] == "https://www.westmorlandandfurness.gov.uk/"
    assert rows["E06000065"] == "https://www.northyorks.gov.uk/"
    assert rows["E06000066"] == "https://www.somerset.gov.uk/"
    assert rows["E09000016"] == "https://www.havering.gov.uk/Pages/index.aspx"
    assert rows["E10000012"] == "https://www.essex.gov.uk/Pages/Default.aspx"


def test_postcode_districts_and_sectors(built):
    areas, _ = built
    districts = {r["outward"]: r["codes"].split() for r in _rows(areas / "postcode_districts.csv")}
    assert districts["TN34"] == ["E07000062"]               # all Hastings
    assert districts["TN35"] == ["E10000011"]               # Hastings and Rother: one county
    assert set(districts["TN3"]) == {"E10000016", "E10000011"}  # Kent and East Sussex: she is asked
    assert districts["CA14"] == ["E06000063"]               # an old Allerdale code: now Cumberland
    assert districts["CF10"] == ["W92000004"]               # Wales
    sectors = {r["sector"]: r["codes"] for r in _rows(areas / "postcode_sectors.csv")}
    assert sectors == {"TN3 0": "E07000116", "TN3 9": "E07000064"}  # only inside shared districts


def test_places_never_guess_between_councils(built):
    areas, _ = built
    places = {r["place"]: r["codes"].split() for r in _rows(areas / "places.csv")}
    assert places["Leeds"] == ["E08000035"]          # a council's own name decides
    assert places["Headingley"] == ["E08000035"]
    assert places["Rye"] == ["E07000064"]
    assert places["St Leonards"] == ["E07000062"]
    assert places["Workington"] == ["E06000063"]     # from Allerdale, now Cumberland
    assert places["Allerdale"] == ["E06000063"]      # an old council's name
    assert set(places["Cumbria"]) == {"E06000063", "E06000064"}
    assert set(places["Newtown"]) == {"E08000035", "E07000116"}  # two councils: she chooses
    assert "Park" not in places                      # an everyday word is not a place
    nations = {r["place"]: r["nation"] for r in _rows(areas / "other_nations.csv")}
    assert nations["cathays"] == "wales" and nations["cardiff"] == "wales" and nations["glasgow"] == "scotland"


def test_every_council_gets_its_entries(built):
    _, services = built
    data = yaml.safe_load(services.read_text())
    assert {"east_sussex_childrens_services", "east_sussex_citizens_advice", "east_sussex_domestic_abuse",
            "hastings_housing", "leeds_childrens_services", "cumberland_childrens_services"} <= set(data)
    entry = data["leeds_childrens_services"]
    assert entry["areas"] == ["E08000035"] and entry["kind"] == "childrens_services" and entry["local_rank"] == 1
    assert entry["web"] == "https://www.leeds.gov.uk/" and entry["check"] and entry["sources"][0]["url"]
    assert str(entry["last_verified"]) == "2026-12-01"


def test_the_shipped_data_matches_its_generated_services(tmp_path):
    # councils.yml is made from the shipped local_authorities.csv: rebuilding it changes nothing.
    out = tmp_path / "councils.yml"
    shipped = ROOT / "content" / "services" / "local" / "councils.yml"
    verified = yaml.safe_load(shipped.read_text())["leeds_childrens_services"]["last_verified"]
    refresh.main(["services", "--areas", str(ROOT / "content" / "areas"), "--services-out", str(out),
                  "--verified", str(verified)])
    assert out.read_text() == shipped.read_text()
