"""scripts/refresh_areas.py turns downloaded ONS files into content/areas/ CSVs."""
from __future__ import annotations

import csv
import importlib.util
import shutil

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("refresh_areas", ROOT / "scripts" / "refresh_areas.py")
refresh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(refresh)


def _rows(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _areas(tmp_path):
    areas = tmp_path / "areas"
    shutil.copytree(ROOT / "content" / "areas", areas)
    return areas


def test_postcode_districts_come_from_the_postcode_directory(tmp_path):
    onspd = tmp_path / "onspd.csv"
    rows = ["pcds,doterm,oslaua"]
    rows += [f"TN34 {i}AA,,E07000062" for i in range(20)]            # all Hastings
    rows += [f"TN35 {i}AB,,E07000062" for i in range(10)]            # Hastings and Rother:
    rows += [f"TN35 {i}AC,,E07000064" for i in range(10)]            #   one county
    rows += ["TN3 1AA,,E07000116", "TN3 2AA,,E07000065"]             # Kent and East Sussex: left out
    rows += ["TN39 1ZZ,199901,E07000062"] + [f"TN39 {i}AD,,E07000064" for i in range(5)]  # ended one ignored
    onspd.write_text("\n".join(rows) + "\n")
    areas = _areas(tmp_path)
    refresh.main(["postcodes", str(onspd), "--areas", str(areas)])
    found = {r["outward"]: r["code"] for r in _rows(areas / "postcode_districts.csv")}
    assert found == {"TN34": "E07000062", "TN35": "E10000011", "TN39": "E07000064"}


def test_places_used_by_two_councils_are_left_out(tmp_path):
    ipn = tmp_path / "ipn.csv"
    ipn.write_text("place23nm,lad23cd\nHastings,E07000062\nRye,E07000064\nNewtown,E07000062\nNewtown,E07000064\n"
                   "Leeds,E08000035\n")
    areas = _areas(tmp_path)
    refresh.main(["places", str(ipn), "--areas", str(areas)])
    assert {r["place"] for r in _rows(areas / "places.csv")} == {"Hastings", "Rye"}


def test_authorities_keep_the_named_councils_and_their_districts(tmp_path):
    lookup = tmp_path / "lookup.csv"
    lookup.write_text("LAD24CD,LAD24NM,CTY24CD,CTY24NM\nE07000062,Hastings,E10000011,East Sussex\n"
                      "E06000043,Brighton and Hove,,\nE07000110,Maidstone,E10000016,Kent\n")
    areas = _areas(tmp_path)
    refresh.main(["authorities", str(lookup), "--keep", "E10000011,E06000043", "--areas", str(areas)])
    found = {r["code"]: r["upper_tier_code"] for r in _rows(areas / "local_authorities.csv")}
    assert found == {"E07000062": "E10000011", "E10000011": "E10000011", "E06000043": "E06000043"}
