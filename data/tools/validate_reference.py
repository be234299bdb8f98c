#!/usr/bin/env python3
"""Check data/reference and data/boundaries (stdlib only). Exit 1 on any failure.

    python3 data/tools/validate_reference.py
"""
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "data"
REF, BND = ROOT / "reference", ROOT / "boundaries"
XUZHOU = {"320302": "鼓楼区", "320303": "云龙区", "320305": "贾汪区", "320311": "泉山区", "320312": "铜山区",
          "320321": "丰县", "320322": "沛县", "320324": "睢宁县", "320381": "新沂市", "320382": "邳州市"}
BBOX = (116.3, 33.7, 118.7, 34.95)  # lon min, lat min, lon max, lat max

failures = []


def check(ok, msg):
    print(("ok   " if ok else "FAIL ") + msg)
    if not ok:
        failures.append(msg)


def rows(name):
    with open(REF / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# regions
reg = rows("regions_cn.csv")
check(list(reg[0].keys()) == ["code", "name_zh", "name_en", "level", "parent", "lat", "lon", "valid_from",
                              "valid_to", "centroid_source"], "regions_cn.csv columns")
by = {r["code"]: r for r in reg}
levels = {}
for r in reg:
    levels[r["level"]] = levels.get(r["level"], 0) + 1
print("     levels:", levels)
check(len(by) == len(reg), f"no duplicate codes ({len(reg)} rows)")
check(all(len(c) == 6 and c.isdigit() for c in by), "all codes are 6 digits")
check(33 <= levels.get("province", 0) <= 35, "about 34 provinces")
check(levels.get("prefecture", 0) >= 330, "330+ prefecture-level rows")
check(levels.get("county", 0) >= 2800, "2800+ county-level rows")
bad_parent = [r["code"] for r in reg if r["parent"] and r["parent"] not in by]
check(not bad_parent, f"every parent exists {bad_parent[:5]}")
check(all(r["parent"] == "" for r in reg if r["level"] == "province"), "provinces have no parent")
check(all(by[r["parent"]]["level"] == "province" for r in reg if r["level"] == "prefecture"),
      "prefectures' parents are provinces")
check(all(by[r["parent"]]["level"] == "prefecture" for r in reg if r["level"] in ("county", "functional")),
      "counties' parents are prefectures")
check(all(r["lat"] and r["lon"] for r in reg), "every row has a centroid")
check(all(r["name_en"] and r["name_en"].isascii() or "ü" in r["name_en"] or "ê" in r["name_en"] for r in reg),
      "name_en present and ASCII (ü/ê allowed)")
check("320301" not in by or by["320301"]["level"] == "aggregate", "320301 absent or marked aggregate")
for code, name in XUZHOU.items():
    r = by.get(code)
    inside = r and BBOX[0] <= float(r["lon"]) <= BBOX[2] and BBOX[1] <= float(r["lat"]) <= BBOX[3]
    check(bool(r) and r["name_zh"] == name and r["centroid_source"] == "polygon" and inside,
          f"Xuzhou {code} {name}: {r and (r['name_en'], r['lat'], r['lon'], r['centroid_source'])}")
for code, vt in (("320304", True), ("320323", True)):
    check(code in by and bool(by[code]["valid_to"]) == vt and by[code]["parent"] == "320300",
          f"retired {code} present with valid_to")
check(by.get("320300", {}).get("name_en") == "Xuzhou" and by.get("320000", {}).get("name_en") == "Jiangsu"
      and by.get("320302", {}).get("name_en") == "Gulou District", "name_en examples")

# countries
cty = rows("countries.csv")
check(list(cty[0].keys()) == ["iso2", "iso3", "numeric", "name_en", "name_zh", "lat", "lon", "region"],
      "countries.csv columns")
check(len(cty) >= 240 and len({c["iso2"] for c in cty}) == len(cty), f"countries: {len(cty)} unique iso2")
check(any(c["iso2"] == "CN" and c["name_zh"] == "中国" for c in cty), "CN has name_zh 中国")

# world cities
wc = rows("world_cities.csv")
check(list(wc[0].keys())[:8] == ["geonameid", "name", "name_ascii", "country", "lat", "lon", "population",
                                 "region_code"], "world_cities.csv columns")
check(len({c["geonameid"] for c in wc}) == len(wc), f"world cities: {len(wc)} unique geonameid")
cn = [c for c in wc if c["country"] == "CN"]
check(all(c["region_code"] in by for c in cn), f"all {len(cn)} Chinese cities have a known region_code")
check(any(c["name"] == "Xuzhou" and c["region_code"].startswith("3203") for c in wc), "Xuzhou present, in 3203xx")
check(all(not c["region_code"] for c in wc if c["country"] != "CN"), "region_code only for CN")
check(all(c["population"] == "" or int(c["population"]) >= 150000 or c["country"] == "CN" for c in wc),
      "population >= 150000 (or a Chinese seat)")

# boundaries
for name, limit in (("world_countries.geojson", 1_000_000), ("china_provinces.geojson", 1_500_000),
                    ("china_prefectures.geojson", 3_000_000), ("xuzhou_districts.geojson", 1_000_000)):
    p = BND / name
    fc = json.loads(p.read_text(encoding="utf-8"))
    feats = fc["features"]
    ids = [f["id"] for f in feats]
    check(p.stat().st_size < limit and len(ids) == len(set(ids)) and all(f["geometry"] for f in feats),
          f"{name}: {len(feats)} features, {p.stat().st_size:,} bytes (< {limit:,}), unique ids")
    if name.startswith("china") or name.startswith("xuzhou"):
        check(all(f["id"] == f["properties"]["code"] and f["id"] in by for f in feats), f"{name}: ids are codes")
        check(all(f["id"] != "320301" for f in feats), f"{name}: no 320301")
    if name == "xuzhou_districts.geojson":
        check(sorted(ids) == sorted(XUZHOU), "xuzhou_districts has exactly the ten divisions")
    if name == "china_provinces.geojson":
        check(len(feats) == 34, "34 province polygons")
    if name == "china_prefectures.geojson":
        missing = [r["code"] + r["name_zh"] for r in reg if r["level"] == "prefecture" and r["code"] not in ids]
        print("     prefecture rows without polygon:", missing)

total = sum(f.stat().st_size for d in (REF, BND) for f in d.rglob("*") if f.is_file())
check(total < 8_500_000, f"total size of data/reference + data/boundaries: {total:,} bytes")
print(f"{len(failures)} failed" if failures else "all checks passed")
sys.exit(1 if failures else 0)
