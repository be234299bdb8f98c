#!/usr/bin/env python3
"""Consistency check for the xuzhou-343 dataset (stdlib only, Python >= 3.11).

Usage: python3 data/xuzhou-343/check.py [dataset_dir]
Exit code 0 when every check passes, 1 otherwise. Warnings do not fail the run.
"""
import csv
import re
import sys
import tomllib
from collections import defaultdict, deque
from pathlib import Path

DIR = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
errors: list[str] = []
warnings: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def warn(msg: str) -> None:
    warnings.append(msg)


HEADERS = {
    "regions.csv": "code,kind,parent,name_zh,name_en,level,lat,lon,valid_from,valid_to,counties,lead_industries,successor,source,note",
    "hubs.csv": "id,kind,name_zh,name_en,lat,lon,region_code,note,source",
    "parks.csv": "id,kind,name_zh,name_en,park_id,level,region_code,address,lat,lon,lead_clusters,land_area_ha,"
    "land_available_ha,floor_area_m2,floor_available_m2,price_land_yuan_m2,rent_yuan_m2_month,price_sale_yuan_m2,"
    "floor_load_kn_m2,clear_height_m,specs,contact_name,contact_phone,source,as_of,synthetic",
    "enterprises.csv": "name,name_en,uscc,lei,ext_id,legal_rep,phone,address,country,province,city,district,region_code,"
    "lat,lon,industry_code,industry_version,scope,products,founded,registered_capital,revenue,employees,chain_leader,"
    "listed,srdi,high_tech,parent,nodes,series,suppliers,customers,source,as_of,synthetic",
}
# GB/T 2260 county-level divisions of Xuzhou (current) plus the city itself.
XUZHOU_DIVISIONS = {"320300", "320302", "320303", "320305", "320311", "320312", "320321", "320322", "320324",
                    "320381", "320382"}
SLUG = re.compile(r"^[a-z0-9-]+$")
NODE_ID = re.compile(r"^([a-z0-9-]+)\.([a-z0-9-]+)$")
CODE = re.compile(r"^[A-T]?\d{2,4}$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
POSITIONS = {"upstream", "midstream", "downstream", "service"}
FLAG = {"", "0", "1", "true", "false", "是", "否", "Y", "N"}


def read_csv(name: str) -> list[dict]:
    path = DIR / name
    if not path.exists():
        err(f"{name}: missing")
        return []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        rows = list(reader)
    if not rows:
        err(f"{name}: empty")
        return []
    header = rows[0]
    want = HEADERS[name].split(",")
    if header != want:
        missing = [h for h in want if h not in header]
        extra = [h for h in header if h not in want]
        if missing or extra:
            err(f"{name}: header mismatch, missing={missing} extra={extra}")
        else:
            warn(f"{name}: header order differs from the spec (allowed)")
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            err(f"{name}:{i}: {len(row)} fields, header has {len(header)}")
            continue
        out.append(dict(zip(header, row)))
    return out


def uscc_ok(code: str) -> bool:
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return False
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - s % 31) % 31] == code[17]


def lei_ok(code: str) -> bool:
    if not re.fullmatch(r"[0-9A-Z]{18}[0-9]{2}", code):
        return False
    digits = "".join(str(int(c, 36)) for c in code)
    return int(digits) % 97 == 1


def check_latlon(where: str, lat: str, lon: str, required: bool = False) -> None:
    if not lat and not lon:
        if required:
            err(f"{where}: lat/lon missing")
        return
    try:
        la, lo = float(lat), float(lon)
    except ValueError:
        err(f"{where}: lat/lon not numeric ({lat!r}, {lon!r})")
        return
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        err(f"{where}: lat/lon out of range")


def check_number(where: str, value: str) -> None:
    if value == "":
        return
    try:
        if float(value) < 0:
            err(f"{where}: negative number {value}")
    except ValueError:
        err(f"{where}: not a number {value!r}")


# ---------------------------------------------------------------- taxonomy
with open(DIR / "taxonomy.toml", "rb") as f:
    tax = tomllib.load(f)

tiers = {t["id"]: t for t in tax.get("tier", [])}
if len(tiers) != len(tax.get("tier", [])):
    err("taxonomy: duplicate tier ids")
colors = [t.get("color", "") for t in tiers.values()]
for t in tiers.values():
    if not COLOR.match(t.get("color", "")):
        err(f"tier {t['id']}: bad colour {t.get('color')!r}")
if len(set(c.lower() for c in colors)) != len(colors):
    err("taxonomy: tier colours are not distinct")

clusters = {}
for c in tax.get("cluster", []):
    if c["id"] in clusters:
        err(f"cluster {c['id']}: duplicate id")
    clusters[c["id"]] = c
    if not SLUG.match(c["id"]):
        err(f"cluster {c['id']}: bad id")
    if c.get("tier") not in tiers:
        err(f"cluster {c['id']}: unknown tier {c.get('tier')!r}")
    for k in ("name_zh", "name_en", "lead_department", "lead_department_en"):
        if not c.get(k):
            err(f"cluster {c['id']}: missing {k}")

chains = {}
for ch in tax.get("chain", []):
    if ch["id"] in chains:
        err(f"chain {ch['id']}: duplicate id")
    chains[ch["id"]] = ch
    if not SLUG.match(ch["id"]):
        err(f"chain {ch['id']}: bad id")
    if ch.get("cluster") not in clusters:
        err(f"chain {ch['id']}: unknown cluster {ch.get('cluster')!r}")

for cid in clusters:
    if not any(ch["cluster"] == cid for ch in chains.values()):
        err(f"cluster {cid}: has no chain")

nodes = {}
for n in tax.get("node", []):
    nid = n.get("id", "")
    if nid in nodes:
        err(f"node {nid}: duplicate id")
    nodes[nid] = n
    m = NODE_ID.match(nid)
    if not m:
        err(f"node {nid!r}: id is not <chain>.<slug> with [a-z0-9-]")
        continue
    if m.group(1) != n.get("chain"):
        err(f"node {nid}: id prefix does not match chain {n.get('chain')!r}")
    if n.get("chain") not in chains:
        err(f"node {nid}: unknown chain {n.get('chain')!r}")
    if n.get("position") not in POSITIONS:
        err(f"node {nid}: bad position {n.get('position')!r}")
    if not isinstance(n.get("layer"), int) or n["layer"] < 1:
        err(f"node {nid}: layer must be an integer >= 1")
    for k in ("name_zh", "name_en"):
        if not n.get(k):
            err(f"node {nid}: missing {k}")
    for k in ("codes", "codes_2011"):
        for code in n.get(k, []):
            if not CODE.match(code):
                err(f"node {nid}: bad industry code {code!r} in {k}")
    if not n.get("keywords"):
        warn(f"node {nid}: no keywords")

# supply edges
adj = defaultdict(set)
for nid, n in nodes.items():
    for t in n.get("supplies", []):
        if t not in nodes:
            err(f"node {nid}: supplies unknown node {t!r}")
            continue
        if t == nid:
            err(f"node {nid}: supplies itself")
        if nodes[t]["chain"] == n["chain"]:
            adj[nid].add(t)
            adj[t].add(nid)

# per-chain size and reachability (undirected, within chain, from any layer-1 node)
DEEP = {"cm", "pv", "ic", "se"}
for chid in chains:
    members = [nid for nid, n in nodes.items() if n["chain"] == chid]
    need = 15 if chid in DEEP else 6
    if len(members) < need:
        err(f"chain {chid}: {len(members)} nodes, needs >= {need}")
    starts = [nid for nid in members if nodes[nid].get("layer") == 1]
    if not starts:
        err(f"chain {chid}: no layer-1 node")
        continue
    seen = set(starts)
    queue = deque(starts)
    while queue:
        cur = queue.popleft()
        for nxt in adj[cur]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    for nid in members:
        if nid not in seen:
            err(f"chain {chid}: node {nid} not reachable from a layer-1 node")
for chid in DEEP:
    if chid not in chains:
        err(f"chain {chid}: required deep chain missing")

# ---------------------------------------------------------------- regions
regions = read_csv("regions.csv")
region_codes = set()
for r in regions:
    w = f"regions.csv {r['code']}"
    if r["code"] in region_codes:
        err(f"{w}: duplicate code")
    region_codes.add(r["code"])
    if r["kind"] not in ("zone", "division"):
        err(f"{w}: bad kind {r['kind']!r}")
    if not re.fullmatch(r"\d{6}|Z\d{6}[A-Z]{2}", r["code"]):
        err(f"{w}: code is neither GB/T 2260 nor Z+6 digits+2 letters")
    if r["code"].startswith("Z") and r["code"][1:7] not in r["counties"].split(";"):
        warn(f"{w}: host county {r['code'][1:7]} not listed in counties")
    if r["level"] not in ("national", "provincial", "city", "county", ""):
        err(f"{w}: bad level {r['level']!r}")
    if r["parent"] and r["parent"] not in XUZHOU_DIVISIONS:
        err(f"{w}: unknown parent {r['parent']}")
    for c in filter(None, r["counties"].split(";")):
        if c not in XUZHOU_DIVISIONS:
            err(f"{w}: unknown county {c}")
    for c in filter(None, r["lead_industries"].split(";")):
        if c not in clusters:
            err(f"{w}: unknown cluster {c}")
    for k in ("valid_from", "valid_to"):
        if r[k] and not DATE.match(r[k]):
            err(f"{w}: bad {k} {r[k]!r}")
    if r["successor"] and r["successor"] not in XUZHOU_DIVISIONS:
        err(f"{w}: unknown successor {r['successor']}")
    if r["kind"] == "division" and r["valid_to"] and not r["successor"]:
        warn(f"{w}: retired division without a successor")
    check_latlon(w, r["lat"], r["lon"], required=True)

known_regions = XUZHOU_DIVISIONS | region_codes

# ---------------------------------------------------------------- hubs
hubs = read_csv("hubs.csv")
hub_ids = set()
for h in hubs:
    w = f"hubs.csv {h['id']}"
    if h["id"] in hub_ids:
        err(f"{w}: duplicate id")
    hub_ids.add(h["id"])
    if h["kind"] not in ("rail_freight", "port", "airport", "bonded", "sea_rail"):
        err(f"{w}: bad kind {h['kind']!r}")
    if h["region_code"] and not re.fullmatch(r"\d{6}|Z\d{6}[A-Z]{2}", h["region_code"]):
        err(f"{w}: bad region_code")
    if h["region_code"].startswith("Z") and h["region_code"] not in region_codes:
        err(f"{w}: unknown zone {h['region_code']}")
    check_latlon(w, h["lat"], h["lon"], required=h["kind"] != "sea_rail")
    if not h["source"]:
        err(f"{w}: no source")

# ---------------------------------------------------------------- parks
parks = read_csv("parks.csv")
park_ids = {p["id"] for p in parks}
seen_ids = set()
carriers = 0
for p in parks:
    w = f"parks.csv {p['id']}"
    if p["id"] in seen_ids:
        err(f"{w}: duplicate id")
    seen_ids.add(p["id"])
    if p["kind"] not in ("park", "standard_factory", "incubator", "maker_space", "accelerator", "office"):
        err(f"{w}: bad kind {p['kind']!r}")
    if p["kind"] == "park":
        if p["park_id"]:
            warn(f"{w}: park has park_id")
    else:
        carriers += 1
        if p["park_id"] not in park_ids:
            err(f"{w}: unknown park_id {p['park_id']!r}")
        elif next(q for q in parks if q["id"] == p["park_id"])["kind"] != "park":
            err(f"{w}: park_id {p['park_id']} is not a park")
        if p["synthetic"] != "1" or p["source"] != "synthetic":
            err(f"{w}: carriers must be synthetic=1, source=synthetic")
    if p["synthetic"] == "0" and (not p["source"] or not p["as_of"]):
        err(f"{w}: real row needs source and as_of")
    if p["level"] not in ("national", "provincial", "city", "county", ""):
        err(f"{w}: bad level {p['level']!r}")
    if p["region_code"] and p["region_code"] not in known_regions:
        err(f"{w}: unknown region_code {p['region_code']}")
    for c in filter(None, p["lead_clusters"].split(";")):
        if c not in clusters:
            err(f"{w}: unknown cluster {c}")
    for k in ("land_area_ha", "land_available_ha", "floor_area_m2", "floor_available_m2", "price_land_yuan_m2",
              "rent_yuan_m2_month", "price_sale_yuan_m2", "floor_load_kn_m2", "clear_height_m"):
        check_number(f"{w} {k}", p[k])
    if p["floor_area_m2"] and p["floor_available_m2"] and float(p["floor_available_m2"]) > float(p["floor_area_m2"]):
        err(f"{w}: floor_available_m2 > floor_area_m2")
    if p["as_of"] and not DATE.match(p["as_of"]):
        err(f"{w}: bad as_of")
    check_latlon(w, p["lat"], p["lon"], required=True)

# ---------------------------------------------------------------- enterprises
ents = read_csv("enterprises.csv")
ext_ids = set()
for e in ents:
    if e["ext_id"] in ext_ids:
        err(f"enterprises.csv {e['ext_id']}: duplicate ext_id")
    ext_ids.add(e["ext_id"])
natural_ids = ext_ids | {e["uscc"] for e in ents if e["uscc"]} | {e["lei"] for e in ents if e["lei"]}
names = set()
for e in ents:
    w = f"enterprises.csv {e['ext_id'] or e['name']}"
    if not e["name"]:
        err(f"{w}: no name")
    if e["name"] in names:
        err(f"{w}: duplicate name")
    names.add(e["name"])
    if not re.fullmatch(r"(real|synthetic):[a-z0-9-]+", e["ext_id"]):
        err(f"{w}: bad ext_id")
    if e["uscc"] and not uscc_ok(e["uscc"]):
        err(f"{w}: USCC check character fails")
    if e["lei"] and not lei_ok(e["lei"]):
        err(f"{w}: LEI check digits fail")
    if not re.fullmatch(r"[A-Z]{2}", e["country"] or "CN"):
        err(f"{w}: bad country {e['country']!r}")
    rc = e["region_code"]
    if rc:
        if (e["country"] or "CN") != "CN":
            err(f"{w}: region_code on a non-CN enterprise")
        if rc.startswith("Z"):
            if rc not in region_codes:
                err(f"{w}: unknown zone {rc}")
        elif not re.fullmatch(r"\d{6}", rc):
            err(f"{w}: bad region_code {rc}")
        elif rc.endswith("01") and rc[2:4] not in ("00", "90"):
            err(f"{w}: region_code {rc} is an aggregate 市辖区 code")
        elif rc.startswith("3203") and rc not in known_regions:
            err(f"{w}: unknown Xuzhou region_code {rc}")
    elif (e["country"] or "CN") == "CN":
        warn(f"{w}: Chinese enterprise without region_code")
    if e["industry_code"]:
        if not CODE.match(e["industry_code"]):
            err(f"{w}: bad industry_code")
        if e["industry_version"] not in ("2017", "2011"):
            err(f"{w}: industry_code without industry_version")
    node_list = [x for x in e["nodes"].split(";") if x]
    if not node_list:
        err(f"{w}: no nodes")
    for nid in node_list:
        if nid not in nodes:
            err(f"{w}: unknown node {nid}")
    for k in ("parent", "suppliers", "customers"):
        for ref in filter(None, e[k].split(";")):
            if ref not in natural_ids:
                err(f"{w}: {k} refers to unknown {ref}")
            if ref == e["ext_id"]:
                err(f"{w}: {k} refers to itself")
    for k in ("chain_leader", "listed", "srdi", "high_tech", "synthetic"):
        if e[k] not in FLAG:
            err(f"{w}: bad flag {k}={e[k]!r}")
    for k in ("revenue", "employees"):
        check_number(f"{w} {k}", e[k])
    for k in ("founded", "as_of"):
        if e[k] and not DATE.match(e[k]):
            err(f"{w}: bad {k} {e[k]!r}")
    if e["synthetic"] == "0" and (not e["source"] or not e["as_of"]):
        err(f"{w}: real record needs source and as_of")
    check_latlon(w, e["lat"], e["lon"])

# suppliers/customers symmetry is informative only
sup = {(e["ext_id"], s) for e in ents for s in filter(None, e["suppliers"].split(";"))}
cus = {(c, e["ext_id"]) for e in ents for c in filter(None, e["customers"].split(";"))}

# ---------------------------------------------------------------- dataset.toml
with open(DIR / "dataset.toml", "rb") as f:
    ds = tomllib.load(f)
for k in ("id", "name_zh", "name_en", "home_region", "as_of", "description"):
    if not ds.get(k):
        err(f"dataset.toml: missing {k}")
if ds.get("id") != tax.get("meta", {}).get("id"):
    err("dataset.toml: id differs from taxonomy meta.id")

# ---------------------------------------------------------------- report
by_chain = defaultdict(int)
for n in nodes.values():
    by_chain[n["chain"]] += 1
print(f"taxonomy: {len(tiers)} tiers, {len(clusters)} clusters, {len(chains)} chains, {len(nodes)} nodes "
      f"({', '.join(f'{k}={v}' for k, v in by_chain.items())})")
print(f"regions: {len(regions)}, hubs: {len(hubs)}, parks: {len(parks) - carriers} parks + {carriers} carriers, "
      f"enterprises: {len(ents)} ({sum(e['chain_leader'] == '1' for e in ents)} chain leaders), "
      f"supply links: {len(sup | cus)}")
for w_ in warnings:
    print("warning:", w_)
for e_ in errors:
    print("ERROR:", e_)
print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
sys.exit(1 if errors else 0)
