#!/usr/bin/env python3
"""Generate the SYNTHETIC investment-pipeline demo records of the xuzhou-343 dataset.

Outputs (format: docs/data-format.md, sections projects.csv, events.csv, targets.csv):
    data/xuzhou-343/projects.csv
    data/xuzhou-343/events.csv
    data/xuzhou-343/targets.csv

Python 3.11, standard library only, deterministic (fixed seed, no dependence on hash order or the clock):
running it twice gives byte-identical files. "Today" is fixed at 2026-11-28; no stage date lies after it.

Every generated row has synthetic=1. The few rows that describe real projects or events named in the seed article
(新华日报 2022-11 徐州专版, data/../shared seed 000_caf9e2dfe59a60a2) have synthetic=0 and a `source`; where the
article gives no date or amount, the values are illustrative and the source says so.

Counting definitions (the software uses the same rules):
- A project is a "343 project" iff its `cluster` is one of the ten cluster ids. Its tier comes from the cluster:
    advantage      = construction-machinery, green-energy, new-materials
    emerging       = digital-economy, ic-ict, health, safety-emergency
    characteristic = steel, textile, food
  A non-343 project has an empty `cluster` and `other_category` = smart-manufacturing or modern-service.
- A project is "attracted/signed in a period" iff its `stage_history` contains `signed@DATE` with DATE in the period
  (inclusive). The first signing counts; later stages do not change it; a project dropped after signing still counts
  (no project signed in 2022 is dropped in this demo, so the 2022 figures are unambiguous).
- Event statistics count the projects whose `event_id` is the event (every such project was signed on the event's
  date).
- Completion rate = signed in period / `targets.csv` value (year, city, 320300, projects).
- Percentages are rounded half-up to one decimal, as the seed article prints them.

Figures reproduced exactly (asserted at the end, recounted from the written CSV files):
- fair-2022 (2022中国·徐州第二十五届投资洽谈会, 2022-11-10): 43 projects; 39 are 343 projects (90.7%): 20 advantage,
  15 emerging, 4 characteristic; 4 smart-manufacturing / modern-service (9.3%).
- 2022-01-01..2022-09-30: 566 projects signed = 80.9% of the 2022 target 700; 473 of them 343 projects (83.6%).
- hz-2022-10-19 (杭州, 数字经济): 12 projects signed by 7 板块, among them 沛县, 铜山区, 鼓楼区.
- cz-2022-09-20 (常州, 新能源) and sz-2022-09-20 (苏州, 集成电路和ICT), inside the Jan-Sep 566, with the real
  丰县 MEMS probe-card project and 睢宁县 IPS assembly project.

Stage order: lead -> contact -> negotiating -> signed -> registered -> started -> producing; `dropped` may follow any
stage before producing. Dates in a history are strictly increasing. `node` and `park_id` are left empty on purpose.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SEED = 3432022
TODAY = dt.date(2026, 11, 28)
HOME = "320300"
OUT = Path(__file__).resolve().parents[1] / "xuzhou-343"
SEED_SOURCE = "新华日报 2022-11 徐州专版 (seed article)"
SEED_SOURCE_ILLUSTRATIVE = SEED_SOURCE + "; dates illustrative (verify)"

PROJECT_COLUMNS = [
    "id", "name", "investor", "investor_id", "cluster", "node", "other_category", "region_code", "park_id",
    "amount", "amount_paid", "jobs", "channel", "stage", "stage_history", "event_id", "officer", "signed_on",
    "source", "synthetic",
]
EVENT_COLUMNS = ["id", "name_zh", "name_en", "kind", "date", "city", "theme", "organiser", "regions", "source",
                 "synthetic"]
TARGET_COLUMNS = ["year", "scope", "key", "metric", "value"]

STAGES = ["lead", "contact", "negotiating", "signed", "registered", "started", "producing"]
ALL_STAGES = STAGES + ["dropped"]

TIERS = ["advantage", "emerging", "characteristic"]
# cluster id -> (tier, name_zh, name_en, base weight among 343 projects)
CLUSTERS = {
    "construction-machinery": ("advantage", "工程机械", "construction machinery", 15),
    "green-energy": ("advantage", "绿色低碳能源", "green low-carbon energy", 14),
    "new-materials": ("advantage", "新材料", "new materials", 11),
    "digital-economy": ("emerging", "数字经济", "digital economy", 11),
    "ic-ict": ("emerging", "集成电路与ICT", "IC and ICT", 9),
    "health": ("emerging", "医药健康", "health and medicine", 8),
    "safety-emergency": ("emerging", "安全应急", "safety and emergency", 8),
    "steel": ("characteristic", "精品钢材", "quality steel", 6),
    "textile": ("characteristic", "高端纺织", "high-end textiles", 7),
    "food": ("characteristic", "食品及农副产品加工", "food and agri-product processing", 9),
}
CLUSTER_IDS = list(CLUSTERS)
OTHER_CATEGORIES = ["smart-manufacturing", "modern-service"]

# 板块: code -> (name_zh, weight, affinity clusters / categories)
REGIONS = {
    "320302": ("鼓楼区", 5, ["digital-economy", "modern-service", "health"]),
    "320303": ("云龙区", 5, ["digital-economy", "modern-service", "health"]),
    "320305": ("贾汪区", 6, ["new-materials", "green-energy", "food"]),
    "320311": ("泉山区", 5, ["digital-economy", "modern-service", "health"]),
    "320312": ("铜山区", 11, ["construction-machinery", "steel", "green-energy"]),
    "320321": ("丰县", 7, ["food", "green-energy", "ic-ict"]),
    "320322": ("沛县", 8, ["steel", "food", "new-materials"]),
    "320324": ("睢宁县", 7, ["textile", "food", "new-materials"]),
    "320381": ("新沂市", 8, ["new-materials", "health", "food"]),
    "320382": ("邳州市", 9, ["green-energy", "ic-ict", "new-materials"]),
    "320371": ("徐州经济技术开发区", 12, ["construction-machinery", "green-energy", "ic-ict", "health"]),
    "Z320312GX": ("徐州高新技术产业开发区", 9, ["safety-emergency", "construction-machinery", "ic-ict"]),
    "Z320311GW": ("徐州淮海国际港务区", 4, ["modern-service", "smart-manufacturing", "digital-economy"]),
}
REGION_CODES = list(REGIONS)

CHANNELS = [("chain", 40), ("team", 20), ("investor", 15), ("fund", 10), ("agency", 8), ("other", 7)]

YEAR_SIGNED = {2019: 712, 2020: 668, 2021: 774, 2023: 826, 2024: 858, 2025: 873, 2026: 792}
JAN_SEP_2022 = 566
JAN_SEP_2022_343 = 473
Q4_2022 = 214
MONTH_WEIGHTS = [7, 5, 8, 8, 8, 9, 8, 8, 9, 9, 12, 9]
CITY_TARGET = {2019: 680, 2020: 700, 2021: 720, 2022: 700, 2023: 780, 2024: 820, 2025: 850, 2026: 900}
SHARE_343_TARGET = {2019: 0.80, 2020: 0.80, 2021: 0.81, 2022: 0.82, 2023: 0.83, 2024: 0.84, 2025: 0.85, 2026: 0.85}
AVG_AMOUNT_TARGET = 28000  # 万元 per project, for amount targets
FAIRS = {  # year -> (date, ordinal, number of signed projects)
    2019: (dt.date(2019, 11, 8), 22, 38),
    2020: (dt.date(2020, 11, 6), 23, 35),
    2021: (dt.date(2021, 11, 12), 24, 41),
    2022: (dt.date(2022, 11, 10), 25, 43),
    2023: (dt.date(2023, 11, 9), 26, 46),
    2024: (dt.date(2024, 11, 8), 27, 48),
    2025: (dt.date(2025, 11, 7), 28, 45),
}
CN_ORDINAL = {22: "二十二", 23: "二十三", 24: "二十四", 25: "二十五", 26: "二十六", 27: "二十七", 28: "二十八"}

# matchmaking venues: city -> (area label zh, area en, city en)
VENUES = {
    "上海": ("长三角", "Yangtze River Delta", "Shanghai"),
    "苏州": ("长三角", "Yangtze River Delta", "Suzhou"),
    "杭州": ("长三角", "Yangtze River Delta", "Hangzhou"),
    "南京": ("长三角", "Yangtze River Delta", "Nanjing"),
    "无锡": ("长三角", "Yangtze River Delta", "Wuxi"),
    "常州": ("长三角", "Yangtze River Delta", "Changzhou"),
    "宁波": ("长三角", "Yangtze River Delta", "Ningbo"),
    "合肥": ("长三角", "Yangtze River Delta", "Hefei"),
    "深圳": ("粤港澳大湾区", "Greater Bay Area", "Shenzhen"),
    "广州": ("粤港澳大湾区", "Greater Bay Area", "Guangzhou"),
    "东莞": ("粤港澳大湾区", "Greater Bay Area", "Dongguan"),
    "北京": ("京津冀", "Beijing-Tianjin-Hebei", "Beijing"),
    "天津": ("京津冀", "Beijing-Tianjin-Hebei", "Tianjin"),
}
THEME_VENUES = {
    "construction-machinery": ["上海", "无锡", "常州", "北京"],
    "green-energy": ["常州", "无锡", "合肥", "深圳"],
    "new-materials": ["宁波", "上海", "苏州", "天津"],
    "digital-economy": ["杭州", "深圳", "北京", "南京"],
    "ic-ict": ["苏州", "上海", "深圳", "合肥"],
    "health": ["上海", "南京", "北京", "广州"],
    "safety-emergency": ["北京", "南京", "天津", "深圳"],
    "steel": ["上海", "天津", "无锡"],
    "textile": ["苏州", "宁波", "杭州", "东莞"],
    "food": ["上海", "广州", "南京", "天津"],
}
THEME_ZH = {  # event theme text as used in event names
    "construction-machinery": "工程机械", "green-energy": "新能源", "new-materials": "新材料",
    "digital-economy": "数字经济", "ic-ict": "集成电路和ICT", "health": "医药健康", "safety-emergency": "安全应急",
    "steel": "精品钢材", "textile": "高端纺织", "food": "食品及农副产品加工",
}

THEME_EN = {
    "construction-machinery": "Construction Machinery", "green-energy": "New Energy", "new-materials": "New Materials",
    "digital-economy": "Digital Economy", "ic-ict": "IC and ICT", "health": "Health and Medicine",
    "safety-emergency": "Safety and Emergency", "steel": "Quality Steel", "textile": "High-end Textiles",
    "food": "Food and Agri-product Processing",
}

NAME_TEMPLATES = {
    "construction-machinery": ["年产{n}台高空作业平台", "年产{n}万套液压油缸", "年产{n}万件工程机械结构件",
                               "年产{n}台旋挖钻机", "年产{n}万套回转支承", "年产{n}万件精密铸锻件",
                               "年产{n}台矿山机械", "工程机械再制造中心", "年产{n}万套电液控制阀",
                               "年产{n}台电动装载机", "年产{n}万套传动桥及变速箱"],
    "green-energy": ["年产{n}GW高效光伏组件", "年产{n}GW光伏电池片", "{n}MW分布式光伏电站", "年产{n}GWh储能电池",
                     "年产{n}万套新能源汽车零部件", "年产{n}套氢燃料电池系统", "年产{n}万吨固废资源化利用",
                     "年产{n}万套充换电设备", "年产{n}万套光伏支架"],
    "new-materials": ["年产{n}万吨高性能铝合金型材", "年产{n}吨碳纤维复合材料", "年产{n}万吨特种工程塑料",
                      "年产{n}万平方米功能性薄膜", "年产{n}吨电子级化学品", "年产{n}万吨新型建材",
                      "年产{n}吨高纯石英材料", "年产{n}万吨锂电池隔膜材料"],
    "digital-economy": ["工业互联网平台", "智慧城市运营中心", "数字经济产业园", "{n}个机柜数据中心", "软件研发中心",
                        "跨境电商数字服务平台", "人工智能算法研发基地", "智能网联汽车测试基地", "数字孪生技术服务中心"],
    "ic-ict": ["年产{n}万片功率半导体芯片", "年产{n}亿颗集成电路封装测试", "年产{n}万片碳化硅衬底",
               "年产{n}万套光模块", "年产{n}万台5G通信设备", "年产{n}万片液晶显示模组", "年产{n}万套智能传感器",
               "年产{n}万片晶圆级封装"],
    "health": ["年产{n}万支医用导管", "年产{n}吨原料药", "生物医药研发中心", "年产{n}万台医疗器械",
               "年产{n}亿片口服固体制剂", "康养综合体", "年产{n}万人份体外诊断试剂", "年产{n}万套康复辅具"],
    "safety-emergency": ["年产{n}万套矿用安全监测设备", "年产{n}台应急救援装备", "年产{n}万套消防装备",
                         "年产{n}万件个体防护用品", "安全应急装备研发中心", "年产{n}台特种救援机器人",
                         "年产{n}万套防爆电气设备"],
    "steel": ["年产{n}万吨精品特钢", "年产{n}万吨高端金属制品", "年产{n}万吨精密钢管", "钢铁产业绿色化改造",
              "年产{n}万吨汽车用钢深加工", "年产{n}万吨高强度钢结构件"],
    "textile": ["年产{n}万吨差别化纤维", "年产{n}万米功能性面料", "年产{n}万件高端服装", "年产{n}吨纺织新材料",
                "年产{n}万米产业用纺织品", "年产{n}万吨再生涤纶"],
    "food": ["年产{n}万吨农副产品精深加工", "年产{n}万吨预制菜", "冷链物流中心", "年产{n}万吨功能性食品",
             "年产{n}万吨饲料", "年产{n}万吨果蔬加工", "年产{n}万吨肉制品深加工"],
    "smart-manufacturing": ["年产{n}台工业机器人", "年产{n}万套智能控制系统", "智能制造装备产业园",
                            "年产{n}台数控机床", "年产{n}万台智能家电", "年产{n}万套智能仓储设备"],
    "modern-service": ["区域总部", "现代物流园", "商业综合体", "供应链管理中心", "文旅综合体", "研发设计服务中心",
                       "保税物流中心", "多式联运物流基地"],
}
INVESTOR_SUFFIX = {
    "construction-machinery": ["智能装备", "机械制造", "液压科技", "重工"],
    "green-energy": ["新能源科技", "光伏科技", "储能技术", "环保科技"],
    "new-materials": ["新材料", "复合材料", "新材料科技"],
    "digital-economy": ["数字科技", "信息技术", "智能科技", "软件"],
    "ic-ict": ["半导体", "微电子", "光电科技", "通信技术"],
    "health": ["医疗科技", "生物医药", "医疗器械", "健康产业"],
    "safety-emergency": ["安全科技", "应急装备", "防护科技"],
    "steel": ["特钢", "金属制品", "钢管"],
    "textile": ["纺织科技", "服饰", "化纤"],
    "food": ["食品", "农业科技", "食品科技"],
    "smart-manufacturing": ["智能制造", "自动化科技", "机器人"],
    "modern-service": ["供应链管理", "物流", "商业管理", "投资管理"],
}
INVESTOR_PLACES = ["江苏", "上海", "浙江", "广东", "深圳市", "北京", "山东", "安徽", "苏州", "杭州", "无锡", "天津"]
SYL1 = list("澜栖昊璟溯岚曜珩翊骁铖沣霁弈琨朔砺湛屹峥颢晞韬钧")
SYL2 = list("衡芮铂汐砚琮濠邕珀骐晟禾钺麟瑾泓岱珞翎崧瀚骞璞嵘")


# --------------------------------------------------------------------------------------------------------------------
# helpers

def ordinal_suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def tier_of(cluster: str) -> str:
    return CLUSTERS[cluster][0] if cluster in CLUSTERS else ""


def pct(part: int, whole: int) -> str:
    """Percentage rounded half-up to one decimal, as printed in the seed article."""
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integers proportional to `weights`, summing exactly to `total`."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    base = [int(x) for x in raw]
    rest = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    return base


def wchoice(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def month_days(y: int, m: int) -> int:
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return (nxt - dt.date(y, m, 1)).days


def weekday_in_month(rng: random.Random, y: int, m: int, lo: int = 8, hi: int = 26) -> dt.date:
    last = min(hi, month_days(y, m))
    if (y, m) == (TODAY.year, TODAY.month):
        last = min(last, TODAY.day - 1)
    cands = [dt.date(y, m, d) for d in range(lo, last + 1) if dt.date(y, m, d).weekday() < 5]
    return rng.choice(cands)


# --------------------------------------------------------------------------------------------------------------------
# events

def make_events(rng: random.Random) -> list[dict]:
    events = []
    for y, (d, n, _) in sorted(FAIRS.items()):
        real = y == 2022
        events.append({
            "id": f"fair-{y}",
            "name_zh": f"{y}中国·徐州第{CN_ORDINAL[n]}届投资洽谈会",
            "name_en": f"{y} China Xuzhou {n}{ordinal_suffix(n)} Investment Fair",
            "kind": "fair", "date": d.isoformat(), "city": "徐州", "theme": "“343”创新产业集群",
            "organiser": "" if real else "徐州市人民政府（示例）",
            "regions": "", "source": SEED_SOURCE if real else "", "synthetic": "0" if real else "1",
            "_n": FAIRS[y][2], "_theme": "",
        })
    real_specs = {
        (2022, 9): [
            ("cz-2022-09-20", "2022徐州长三角（常州）新能源产业项目对接恳谈会",
             "2022 Xuzhou-Yangtze River Delta (Changzhou) New Energy Industry Project Matchmaking Meeting",
             dt.date(2022, 9, 20), "常州", "新能源", "green-energy", 8),
            ("sz-2022-09-20", "2022徐州长三角（苏州）集成电路和ICT产业项目对接恳谈会",
             "2022 Xuzhou-Yangtze River Delta (Suzhou) IC and ICT Industry Project Matchmaking Meeting",
             dt.date(2022, 9, 20), "苏州", "集成电路和ICT", "ic-ict", 7),
        ],
        (2022, 10): [
            ("hz-2022-10-19", "2022徐州长三角（杭州）数字经济产业对接恳谈会",
             "2022 Xuzhou-Yangtze River Delta (Hangzhou) Digital Economy Industry Matchmaking Meeting",
             dt.date(2022, 10, 19), "杭州", "数字经济", "digital-economy", 12),
        ],
    }
    theme_cycle: list[str] = []
    for y in range(2020, 2027):
        for m in range(1, 13):
            if dt.date(y, m, 1) > TODAY:
                continue
            if (y, m) in real_specs:
                for eid, zh, en, d, city, theme, cl, n in real_specs[(y, m)]:
                    events.append({"id": eid, "name_zh": zh, "name_en": en, "kind": "matchmaking",
                                   "date": d.isoformat(), "city": city, "theme": theme, "organiser": "",
                                   "regions": "", "source": SEED_SOURCE, "synthetic": "0", "_n": n, "_theme": cl})
                continue
            if not theme_cycle:
                theme_cycle = CLUSTER_IDS[:]
                rng.shuffle(theme_cycle)
            cl = theme_cycle.pop()
            city = rng.choice(THEME_VENUES[cl])
            area, area_en, city_en = VENUES[city]
            d = weekday_in_month(rng, y, m)
            theme = THEME_ZH[cl]
            events.append({
                "id": f"mm-{y}-{m:02d}",
                "name_zh": f"{y}徐州{area}（{city}）{theme}产业项目对接会",
                "name_en": f"{y} Xuzhou-{area_en} ({city_en}) {THEME_EN[cl]} Industry Project "
                           f"Matchmaking Meeting",
                "kind": "matchmaking", "date": d.isoformat(), "city": city, "theme": theme,
                "organiser": f"徐州市{CLUSTERS[cl][1]}产业牵头部门（示例）",
                "regions": "", "source": "", "synthetic": "1", "_n": rng.randint(4, 11), "_theme": cl,
            })
    return events


# --------------------------------------------------------------------------------------------------------------------
# signing slots: one per signed project, with date, event and any fixed attributes

def month_counts() -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for y, total in sorted(YEAR_SIGNED.items()):
        months = [m for m in range(1, 13) if dt.date(y, m, 1) <= TODAY]
        weights = []
        for m in months:
            w = MONTH_WEIGHTS[m - 1]
            if (y, m) == (TODAY.year, TODAY.month):
                w = w * (TODAY.day - 1) / month_days(y, m)
            weights.append(w)
        for m, c in zip(months, largest_remainder(total, weights)):
            counts[(y, m)] = c
    for m, c in zip(range(1, 10), largest_remainder(JAN_SEP_2022, MONTH_WEIGHTS[:9])):
        counts[(2022, m)] = c
    for m, c in zip(range(10, 13), largest_remainder(Q4_2022, MONTH_WEIGHTS[9:])):
        counts[(2022, m)] = c
    return counts


def make_slots(rng: random.Random, events: list[dict]) -> list[dict]:
    by_month: dict[tuple[int, int], list[dict]] = {}
    for e in events:
        d = dt.date.fromisoformat(e["date"])
        by_month.setdefault((d.year, d.month), []).append(e)
    slots = []
    for (y, m), n in sorted(month_counts().items()):
        evs = by_month.get((y, m), [])
        n_event = sum(e["_n"] for e in evs)
        if n_event >= n:
            raise SystemExit(f"month {y}-{m:02d}: {n} signings cannot hold {n_event} event signings")
        for e in evs:
            for _ in range(e["_n"]):
                slots.append({"date": dt.date.fromisoformat(e["date"]), "event": e})
        last = month_days(y, m)
        if (y, m) == (TODAY.year, TODAY.month):
            last = TODAY.day - 1
        for _ in range(n - n_event):
            slots.append({"date": dt.date(y, m, rng.randint(1, last)), "event": None})
    slots.sort(key=lambda s: (s["date"], s["event"]["id"] if s["event"] else ""))
    return slots


# --------------------------------------------------------------------------------------------------------------------
# project attributes

def pick_region(rng: random.Random, category: str | None = None) -> str:
    weights = []
    for code in REGION_CODES:
        _, w, aff = REGIONS[code]
        weights.append(w * (2.5 if category and category in aff else 1.0))
    return wchoice(rng, REGION_CODES, weights)


def pick_cluster(rng: random.Random, region: str, tier: str | None = None) -> str:
    aff = REGIONS[region][2]
    items = [c for c in CLUSTER_IDS if tier is None or CLUSTERS[c][0] == tier]
    weights = [CLUSTERS[c][3] * (2.5 if c in aff else 1.0) for c in items]
    return wchoice(rng, items, weights)


def pick_other(rng: random.Random, region: str) -> str:
    aff = REGIONS[region][2]
    return wchoice(rng, OTHER_CATEGORIES, [1.0 * (3 if c in aff else 1) for c in OTHER_CATEGORIES])


def pick_amount(rng: random.Random, big: bool = False) -> int:
    bands = [(1000, 9900), (10000, 30000), (30000, 100000), (100000, 200000), (200000, 500000), (500000, 1200000)]
    w = [8, 37, 33, 14, 6, 2] if big else [20, 42, 27, 8, 2.4, 0.6]
    lo, hi = wchoice(rng, bands, w)
    step = 100 if hi <= 30000 else 1000
    return rng.randint(lo // step, hi // step) * step


def pick_jobs(rng: random.Random, amount: int, category: str) -> int:
    per_job = rng.uniform(40, 160) if category in ("digital-economy", "modern-service", "textile", "food") \
        else rng.uniform(90, 400)
    return max(15, int(round(amount / per_job / 5.0)) * 5)


class Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.investors: dict[str, list[str]] = {}

    def investor(self, category: str) -> tuple[str, str]:
        rng = self.rng
        pool = self.investors.setdefault(category, [])
        if pool and rng.random() < 0.12:  # repeat investors (以商招商, follow-on projects)
            full = rng.choice(pool)
            return full, full.split("|")[1]
        brand = rng.choice(SYL1) + rng.choice(SYL2)
        full = f"{rng.choice(INVESTOR_PLACES)}{brand}{rng.choice(INVESTOR_SUFFIX[category])}有限公司|{brand}"
        pool.append(full)
        return full, brand

    def project(self, brand: str, category: str) -> str:
        rng = self.rng
        for _ in range(50):
            t = rng.choice(NAME_TEMPLATES[category])
            if "GW" in t and "GWh" not in t:
                n = rng.choice([1, 2, 3, 5, 10])
            elif "MW" in t:
                n = rng.choice([20, 50, 100, 200])
            elif "GWh" in t:
                n = rng.choice([2, 5, 10, 20])
            elif "亿" in t:
                n = rng.choice([1, 2, 5, 10, 20])
            elif "机柜" in t:
                n = rng.choice([2000, 3000, 5000, 10000])
            else:
                n = rng.choice([1, 2, 3, 5, 8, 10, 12, 15, 20, 30, 50, 100, 200, 500])
            name = f"{brand}{t.format(n=n)}项目"
            if name in self.used:
                name = f"{brand}{t.format(n=n)}{rng.choice(['二期', '三期', '扩建', '技改'])}项目"
            if name not in self.used:
                self.used.add(name)
                return name
        raise SystemExit("could not make a unique project name")


def pre_sign_history(rng: random.Random, signed: dt.date) -> list[tuple[str, dt.date]]:
    r = rng.random()
    chain = ["lead", "contact", "negotiating"] if r < 0.6 else (["contact", "negotiating"] if r < 0.85
                                                                   else ["negotiating"])
    hist = []
    d = signed
    for st in reversed(chain):
        d = d - days(rng.randint(7, 110))
        hist.append((st, d))
    return list(reversed(hist))


def post_sign_history(rng: random.Random, signed: dt.date, allow_drop: bool) -> list[tuple[str, dt.date]]:
    hist: list[tuple[str, dt.date]] = []
    r = rng.random()
    p_stall = 0.02 if signed.year <= 2023 else 0.07   # old stalled projects were mostly dropped or started
    stall = r < p_stall                 # never starts (the "not started in time" cases)
    slow = p_stall <= r < p_stall + 0.10  # starts late
    drop = allow_drop and rng.random() < 0.03
    d = signed
    if rng.random() < 0.85:
        d = d + days(rng.randint(10, 90))
        hist.append(("registered", d))
    if not stall:
        d = d + days(rng.randint(200, 600) if slow else rng.randint(30, 200))
        hist.append(("started", d))
        d = d + days(rng.randint(150, 720))
        hist.append(("producing", d))
    hist = [(s, x) for s, x in hist if x <= TODAY]
    if drop:
        keep = rng.randint(0, len(hist))
        hist = [(s, x) for s, x in hist[:keep] if s != "producing"]
        last = hist[-1][1] if hist else signed
        dd = last + days(rng.randint(60, 400))
        if dd <= TODAY:
            hist.append(("dropped", dd))
    return hist


def paid(rng: random.Random, amount: int, hist: list[tuple[str, dt.date]]) -> int:
    stages = [s for s, _ in hist]
    if "started" not in stages:
        return 0
    if "producing" in stages:
        f = rng.uniform(0.6, 1.0)
    elif "dropped" in stages:
        f = rng.uniform(0.05, 0.4)
    else:
        start = dict(hist)["started"]
        months = (TODAY - start).days / 30.4
        f = min(0.9, 0.1 + 0.04 * months * rng.uniform(0.6, 1.4))
    return min(amount, int(amount * f / 100) * 100)


def officer(rng: random.Random, region: str) -> str:
    return f"officer-{region.lower()}-{rng.randint(1, 4):02d}"


def hist_str(hist: list[tuple[str, dt.date]]) -> str:
    return ";".join(f"{s}@{d.isoformat()}" for s, d in hist)


# --------------------------------------------------------------------------------------------------------------------
# build

def build(rng: random.Random):
    events = make_events(rng)
    slots = make_slots(rng, events)
    names = Names(rng)
    window = (dt.date(2022, 1, 1), dt.date(2022, 9, 30))

    # --- fixed attributes of the slots the seed figures pin down
    fair22 = [s for s in slots if s["event"] and s["event"]["id"] == "fair-2022"]
    fair_mix = (["construction-machinery"] * 8 + ["green-energy"] * 7 + ["new-materials"] * 5
                + ["digital-economy"] * 4 + ["ic-ict"] * 4 + ["health"] * 4 + ["safety-emergency"] * 3
                + ["steel"] * 1 + ["textile"] * 1 + ["food"] * 2
                + ["smart-manufacturing"] * 2 + ["modern-service"] * 2)
    assert len(fair_mix) == len(fair22) == 43
    rng.shuffle(fair_mix)
    for s, cat in zip(fair22, fair_mix):
        s["cat"] = cat

    hz = [s for s in slots if s["event"] and s["event"]["id"] == "hz-2022-10-19"]
    hz_regions = (["320312"] * 3 + ["320371"] * 2 + ["320322"] * 2 + ["Z320312GX"] * 2
                  + ["320302", "320382", "320303"])
    hz_cats = ["digital-economy"] * 10 + ["ic-ict"] * 2
    rng.shuffle(hz_cats)
    for s, reg, cat in zip(hz, hz_regions, hz_cats):
        s["cat"], s["region"] = cat, reg

    for s in slots:
        if s["event"] and s["event"]["id"] in ("cz-2022-09-20", "sz-2022-09-20"):
            s["cat"] = s["event"]["_theme"]

    sz = [s for s in slots if s["event"] and s["event"]["id"] == "sz-2022-09-20"]
    sz[0]["real"] = {
        "id": "p-real-mems-probe-card", "name": "MEMS垂直探针卡和液晶显示器检测装置项目", "region": "320321",
        "cat": "ic-ict", "source": SEED_SOURCE,
        "history": [("signed", dt.date(2022, 9, 20))],
    }
    sz[1]["real"] = {
        "id": "p-real-ips-assembly", "name": "年产3万张IPS总成项目", "region": "320324",
        "cat": "ic-ict", "source": SEED_SOURCE,
        "history": [("signed", dt.date(2022, 9, 20))],
    }

    def take_free(y: int, m: int) -> dict:
        for s in slots:
            if (s["date"].year, s["date"].month) == (y, m) and not s["event"] and "real" not in s:
                return s
        raise SystemExit(f"no free slot in {y}-{m}")

    gwm = take_free(2021, 9)
    gwm["date"] = dt.date(2021, 9, 28)
    gwm["real"] = {
        "id": "p-real-gwm-pizhou", "name": "长城汽车核心零部件项目", "region": "320382", "cat": "green-energy",
        "investor": "长城汽车股份有限公司", "investor_id": "real:gwm", "amount": "1000000",
        "source": SEED_SOURCE_ILLUSTRATIVE,
        "history": [("signed", dt.date(2021, 9, 28)), ("registered", dt.date(2021, 10, 21)),
                    ("started", dt.date(2021, 11, 8)), ("producing", dt.date(2022, 3, 28))],
    }
    maga = take_free(2022, 8)
    maga["date"] = dt.date(2022, 8, 26)
    maga["real"] = {
        "id": "p-real-maga-semi", "name": "镁伽半导体新材料项目", "region": "320371", "cat": "ic-ict",
        "investor": "江苏镁伽半导体新材料有限公司", "investor_id": "real:maga-semi",
        "source": SEED_SOURCE_ILLUSTRATIVE,
        "history": [("signed", dt.date(2022, 8, 26)), ("registered", dt.date(2022, 10, 12)),
                    ("started", dt.date(2023, 3, 16))],
    }
    for s in slots:
        if "real" in s:
            s["cat"] = s["real"]["cat"]
            s["region"] = s["real"]["region"]

    # --- exact 343 / non-343 split in Jan-Sep 2022
    win = [s for s in slots if window[0] <= s["date"] <= window[1]]
    assert len(win) == JAN_SEP_2022, len(win)
    fixed = [s for s in win if "cat" in s]
    fixed_non = sum(1 for s in fixed if s["cat"] in OTHER_CATEGORIES)
    free = [s for s in win if "cat" not in s]
    need_non = (JAN_SEP_2022 - JAN_SEP_2022_343) - fixed_non
    non_idx = set(rng.sample(range(len(free)), need_non))
    for i, s in enumerate(free):
        s["is343"] = i not in non_idx

    # --- everything else
    for s in slots:
        if "cat" in s:
            s.setdefault("region", pick_region(rng, s["cat"]))
            continue
        is343 = s.get("is343", rng.random() >= 0.165)
        ev = s["event"]
        if is343:
            if ev and ev["_theme"] and rng.random() < 0.7:
                s["cat"] = ev["_theme"]
                s["region"] = pick_region(rng, s["cat"])
            else:
                s["region"] = pick_region(rng)
                s["cat"] = pick_cluster(rng, s["region"])
        else:
            s["region"] = pick_region(rng)
            s["cat"] = pick_other(rng, s["region"])

    # --- projects from slots
    projects = []
    for s in slots:
        cat = s["cat"]
        cluster = cat if cat in CLUSTERS else ""
        other = cat if cat in OTHER_CATEGORIES else ""
        ev = s["event"]
        if "real" in s:
            r = s["real"]
            projects.append({
                "id": r["id"], "name": r["name"], "investor": r.get("investor", ""),
                "investor_id": r.get("investor_id", ""), "cluster": cluster, "node": "", "other_category": other,
                "region_code": r["region"], "park_id": "", "amount": r.get("amount", ""), "amount_paid": "",
                "jobs": "", "channel": "", "stage": r["history"][-1][0], "stage_history": hist_str(r["history"]),
                "event_id": ev["id"] if ev else "", "officer": "", "signed_on": s["date"].isoformat(),
                "source": r["source"], "synthetic": "0", "_first": s["date"],
            })
            continue
        investor, brand = names.investor(cat)
        amount = pick_amount(rng, big=bool(ev and ev["kind"] == "fair"))
        hist = pre_sign_history(rng, s["date"]) + [("signed", s["date"])]
        hist += post_sign_history(rng, s["date"], allow_drop=s["date"].year != 2022)
        channel = wchoice(rng, [c for c, _ in CHANNELS], [w for _, w in CHANNELS])
        projects.append({
            "id": "", "name": names.project(brand, cat), "investor": investor.split("|")[0], "investor_id": "",
            "cluster": cluster, "node": "", "other_category": other, "region_code": s["region"], "park_id": "",
            "amount": str(amount), "amount_paid": str(paid(rng, amount, hist)),
            "jobs": str(pick_jobs(rng, amount, cat)), "channel": channel, "stage": hist[-1][0],
            "stage_history": hist_str(hist), "event_id": ev["id"] if ev else "",
            "officer": officer(rng, s["region"]), "signed_on": s["date"].isoformat(), "source": "",
            "synthetic": "1", "_first": hist[0][1],
        })

    # --- unsigned pipeline: active leads (mostly recent) and leads dropped before signing
    def unsigned(first: dt.date, final_stages: list[str], drop: bool) -> dict:
        is343 = rng.random() >= 0.2
        region = pick_region(rng)
        cat = pick_cluster(rng, region) if is343 else pick_other(rng, region)
        investor, brand = names.investor(cat)
        amount = pick_amount(rng)
        hist = []
        d = first
        for st in final_stages:
            hist.append((st, d))
            d = d + days(rng.randint(10, 120))
        if drop:
            hist.append(("dropped", d))
        hist = [(st, x) for st, x in hist if x <= TODAY]
        return {
            "id": "", "name": names.project(brand, cat), "investor": investor.split("|")[0], "investor_id": "",
            "cluster": cat if cat in CLUSTERS else "", "node": "",
            "other_category": cat if cat in OTHER_CATEGORIES else "", "region_code": region, "park_id": "",
            "amount": str(amount), "amount_paid": "0", "jobs": str(pick_jobs(rng, amount, cat)),
            "channel": wchoice(rng, [c for c, _ in CHANNELS], [w for _, w in CHANNELS]),
            "stage": hist[-1][0], "stage_history": hist_str(hist), "event_id": "",
            "officer": officer(rng, region), "signed_on": "", "source": "", "synthetic": "1", "_first": hist[0][1],
        }

    for _ in range(430):
        first = dt.date(2025, 6, 1) + days(rng.randint(0, (TODAY - dt.date(2025, 6, 1)).days - 1))
        r = rng.random()
        stages = ["lead"] if r < 0.4 else (["lead", "contact"] if r < 0.7 else ["lead", "contact", "negotiating"])
        p = unsigned(first, stages, drop=False)
        # keep only stages that fit before today
        projects.append(p)
    for _ in range(120):
        first = dt.date(2019, 1, 1) + days(rng.randint(0, (dt.date(2026, 6, 30) - dt.date(2019, 1, 1)).days))
        r = rng.random()
        stages = ["lead"] if r < 0.3 else (["lead", "contact"] if r < 0.6 else ["lead", "contact", "negotiating"])
        p = unsigned(first, stages, drop=True)
        projects.append(p)

    # --- ids: p-YYYY-NNNN by signing year (unsigned projects: year of the first history date)
    seq: dict[int, int] = {}
    for p in sorted(projects, key=lambda p: (p["signed_on"] or p["_first"].isoformat(), p["_first"], p["name"])):
        if p["id"]:
            continue
        y = int(p["signed_on"][:4]) if p["signed_on"] else p["_first"].year
        seq[y] = seq.get(y, 0) + 1
        p["id"] = f"p-{y}-{seq[y]:04d}"

    # --- event regions from the projects signed at them
    regs: dict[str, set[str]] = {}
    for p in projects:
        if p["event_id"]:
            regs.setdefault(p["event_id"], set()).add(p["region_code"])
    for e in events:
        e["regions"] = ";".join(sorted(regs.get(e["id"], set())))
    return events, projects


def make_targets() -> list[dict]:
    rows = []
    region_w = [REGIONS[c][1] for c in REGION_CODES]
    tier_w = {t: sum(v[3] for v in CLUSTERS.values() if v[0] == t) for t in TIERS}
    for y in range(2019, 2027):
        city = CITY_TARGET[y]
        amount_city = city * AVG_AMOUNT_TARGET
        for metric, total, unit in (("projects", city, 1), ("amount", amount_city, 100)):
            rows.append({"year": y, "scope": "city", "key": HOME, "metric": metric, "value": total})
            w = region_w[:]
            if y == 2019:  # edge case: a 板块 with a zero target
                w[REGION_CODES.index("Z320311GW")] = 0
            for code, v in zip(REGION_CODES, largest_remainder(total // unit, w)):
                rows.append({"year": y, "scope": "region", "key": code, "metric": metric, "value": v * unit})
            t343 = int(round(total * SHARE_343_TARGET[y] / unit))
            tiers = largest_remainder(t343, [tier_w[t] for t in TIERS])
            for t, tv in zip(TIERS, tiers):
                rows.append({"year": y, "scope": "tier", "key": t, "metric": metric, "value": tv * unit})
            for t, tv in zip(TIERS, tiers):
                cl = [c for c in CLUSTER_IDS if CLUSTERS[c][0] == t]
                for c, cv in zip(cl, largest_remainder(tv, [CLUSTERS[c][3] for c in cl])):
                    rows.append({"year": y, "scope": "cluster", "key": c, "metric": metric, "value": cv * unit})
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in columns})


# --------------------------------------------------------------------------------------------------------------------
# verification, from the written files only

class Checker:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, label: str, ok: bool, detail: str = "") -> None:
        if ok:
            self.passed += 1
            print(f"  ok    {label}{(': ' + detail) if detail else ''}")
        else:
            self.failed += 1
            print(f"  FAIL  {label}{(': ' + detail) if detail else ''}")


def parse_history(h: str) -> list[tuple[str, dt.date]]:
    out = []
    for part in h.split(";"):
        st, d = part.split("@")
        out.append((st, dt.date.fromisoformat(d)))
    return out


def first_signed(h: str) -> dt.date | None:
    for st, d in parse_history(h):
        if st == "signed":
            return d
    return None


def verify() -> int:
    def read(name):
        with (OUT / name).open(encoding="utf-8", newline="") as f:
            r = csv.DictReader(f)
            return r.fieldnames, list(r)

    pcols, projects = read("projects.csv")
    ecols, events = read("events.csv")
    tcols, targets = read("targets.csv")
    c = Checker()
    print("structure")
    c.check("projects.csv columns match the spec", pcols == PROJECT_COLUMNS)
    c.check("events.csv columns match the spec", ecols == EVENT_COLUMNS)
    c.check("targets.csv columns match the spec", tcols == TARGET_COLUMNS)
    ids = [p["id"] for p in projects]
    c.check("project ids unique", len(ids) == len(set(ids)), f"{len(ids)} projects")
    c.check("project names unique", len({p["name"] for p in projects}) == len(projects))
    ev_by_id = {e["id"]: e for e in events}
    c.check("event ids unique", len(ev_by_id) == len(events), f"{len(events)} events")

    bad = []
    for p in projects:
        h = parse_history(p["stage_history"])
        order = [ALL_STAGES.index(s) for s, _ in h if s != "dropped"]
        dates = [d for _, d in h]
        names_ = [s for s, _ in h]
        ok = (all(s in ALL_STAGES for s in names_) and order == sorted(order) and len(set(order)) == len(order)
              and all(a < b for a, b in zip(dates, dates[1:])) and dates[-1] <= TODAY
              and p["stage"] == names_[-1] and "dropped" not in names_[:-1])
        if names_[-1] == "dropped":
            ok = ok and "producing" not in names_
        fs = first_signed(p["stage_history"])
        ok = ok and (p["signed_on"] == (fs.isoformat() if fs else ""))
        ok = ok and ((p["cluster"] in CLUSTERS) != (p["other_category"] in OTHER_CATEGORIES))
        ok = ok and (p["cluster"] == "" or p["other_category"] == "")
        ok = ok and p["region_code"] in REGIONS and p["node"] == "" and p["park_id"] == ""
        ok = ok and p["synthetic"] in ("0", "1") and (p["synthetic"] == "1" or p["source"] != "")
        ok = ok and (p["channel"] in [ch for ch, _ in CHANNELS] or (p["channel"] == "" and p["synthetic"] == "0"))
        if p["amount"] and p["amount_paid"]:
            started = any(s == "started" for s, _ in h)
            ok = ok and int(p["amount_paid"]) <= int(p["amount"]) and (started or int(p["amount_paid"]) == 0)
        if p["event_id"]:
            ok = ok and p["event_id"] in ev_by_id and fs is not None and fs.isoformat() == ev_by_id[p["event_id"]]["date"]
        if p["synthetic"] == "1":
            ok = ok and p["investor_id"] == "" and p["officer"].startswith("officer-")
        if not ok:
            bad.append(p["id"])
    c.check("every project row valid (history order/dates, stage, signed_on, category, region, money, event)",
            not bad, f"bad: {bad[:5]}" if bad else f"{len(projects)} rows")

    def signed_between(a: dt.date, b: dt.date):
        return [p for p in projects if (fs := first_signed(p["stage_history"])) and a <= fs <= b]

    def tiers(ps):
        return {t: sum(1 for p in ps if tier_of(p["cluster"]) == t) for t in TIERS}

    target = {(int(t["year"]), t["scope"], t["key"], t["metric"]): int(t["value"]) for t in targets}

    print("seed figure: 2022 investment fair (fair-2022)")
    fair = [p for p in projects if p["event_id"] == "fair-2022"]
    f343 = [p for p in fair if p["cluster"]]
    fnon = [p for p in fair if not p["cluster"]]
    ft = tiers(fair)
    c.check("fair-2022 is 2022中国·徐州第二十五届投资洽谈会 on 2022-11-10 in 徐州",
            ev_by_id["fair-2022"]["name_zh"] == "2022中国·徐州第二十五届投资洽谈会"
            and ev_by_id["fair-2022"]["date"] == "2022-11-10" and ev_by_id["fair-2022"]["city"] == "徐州")
    c.check("43 projects signed at fair-2022", len(fair) == 43
            and all(first_signed(p["stage_history"]) == dt.date(2022, 11, 10) for p in fair), str(len(fair)))
    c.check("39 of them are 343 projects", len(f343) == 39, str(len(f343)))
    c.check("20 advantage / 15 emerging / 4 characteristic",
            (ft["advantage"], ft["emerging"], ft["characteristic"]) == (20, 15, 4),
            f"{ft['advantage']}/{ft['emerging']}/{ft['characteristic']}")
    c.check("4 smart-manufacturing / modern-service",
            len(fnon) == 4 and all(p["other_category"] in OTHER_CATEGORIES for p in fnon), str(len(fnon)))
    c.check("343 share 90.7%", pct(len(f343), len(fair)) == "90.7", pct(len(f343), len(fair)))
    c.check("other share 9.3%", pct(len(fnon), len(fair)) == "9.3", pct(len(fnon), len(fair)))
    c.check("no fair-2022 project dropped", all("dropped" not in p["stage_history"] for p in fair))

    print("seed figure: January-September 2022")
    js = signed_between(dt.date(2022, 1, 1), dt.date(2022, 9, 30))
    js343 = [p for p in js if p["cluster"]]
    t2022 = target.get((2022, "city", HOME, "projects"))
    c.check("566 projects signed 2022-01-01..2022-09-30", len(js) == 566, str(len(js)))
    c.check("473 of them are 343 projects", len(js343) == 473, str(len(js343)))
    c.check("2022 city target is 700", t2022 == 700, str(t2022))
    c.check("completion 80.9%", t2022 is not None and pct(len(js), t2022) == "80.9", pct(len(js), t2022 or 1))
    c.check("343 share 83.6%", pct(len(js343), len(js)) == "83.6", pct(len(js343), len(js)))
    all2022 = signed_between(dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    c.check("no project signed in 2022 is dropped", all("dropped" not in p["stage_history"] for p in all2022))

    print("seed figure: Hangzhou digital-economy meeting (hz-2022-10-19)")
    hz = [p for p in projects if p["event_id"] == "hz-2022-10-19"]
    hz_regions = sorted({p["region_code"] for p in hz})
    e = ev_by_id["hz-2022-10-19"]
    c.check("event is in 杭州 on 2022-10-19, theme 数字经济",
            e["city"] == "杭州" and e["date"] == "2022-10-19" and e["theme"] == "数字经济")
    c.check("12 projects signed", len(hz) == 12, str(len(hz)))
    c.check("7 板块", len(hz_regions) == 7, ";".join(hz_regions))
    c.check("沛县 320322, 铜山区 320312, 鼓楼区 320302 among them",
            all(r in hz_regions for r in ("320322", "320312", "320302")))
    c.check("mostly digital-economy", sum(p["cluster"] == "digital-economy" for p in hz) > len(hz) / 2,
            str(sum(p["cluster"] == "digital-economy" for p in hz)))
    c.check("event regions column lists the 7 板块", e["regions"] == ";".join(hz_regions))

    print("seed figure: 2022-09-20 Changzhou and Suzhou meetings")
    for eid, city, theme in (("cz-2022-09-20", "常州", "新能源"), ("sz-2022-09-20", "苏州", "集成电路和ICT")):
        ps = [p for p in projects if p["event_id"] == eid]
        ee = ev_by_id[eid]
        c.check(f"{eid} in {city}, theme {theme}, {len(ps)} projects, all inside the Jan-Sep 566",
                ee["city"] == city and ee["theme"] == theme and ee["date"] == "2022-09-20" and len(ps) > 0
                and all(p in js for p in ps))
    by_name = {p["name"]: p for p in projects}
    mems = by_name.get("MEMS垂直探针卡和液晶显示器检测装置项目")
    ips = by_name.get("年产3万张IPS总成项目")
    c.check("丰县 MEMS probe-card project: 320321, ic-ict, sz-2022-09-20, synthetic=0, sourced",
            mems is not None and mems["region_code"] == "320321" and mems["cluster"] == "ic-ict"
            and mems["event_id"] == "sz-2022-09-20" and mems["synthetic"] == "0" and mems["source"] == SEED_SOURCE)
    c.check("睢宁县 IPS assembly project: 320324, 9-20 event, synthetic=0, sourced",
            ips is not None and ips["region_code"] == "320324"
            and ips["event_id"] in ("cz-2022-09-20", "sz-2022-09-20") and ips["synthetic"] == "0"
            and ips["source"] == SEED_SOURCE)
    gwm = by_name.get("长城汽车核心零部件项目")
    ok = gwm is not None and gwm["region_code"] == "320382" and gwm["investor_id"] == "real:gwm" \
        and gwm["amount"] == "1000000" and gwm["stage"] == "producing" and gwm["synthetic"] == "0"
    if ok:
        h = dict(parse_history(gwm["stage_history"]))
        ok = (h["producing"] - h["signed"]).days <= 200
    c.check("长城汽车 project in 邳州: 100亿, producing within about half a year of signing, synthetic=0", ok)
    maga = by_name.get("镁伽半导体新材料项目")
    c.check("镁伽 project in 经开区 320371, real:maga-semi, synthetic=0",
            maga is not None and maga["region_code"] == "320371" and maga["investor_id"] == "real:maga-semi"
            and maga["synthetic"] == "0")
    real = [p for p in projects if p["synthetic"] == "0"]
    c.check("only the 4 real projects have synthetic=0", len(real) == 4, str(len(real)))

    print("history, events and targets")
    per_year = {y: len(signed_between(dt.date(y, 1, 1), dt.date(y, 12, 31))) for y in range(2019, 2027)}
    c.check("signed per year 650-900", all(650 <= v <= 900 for v in per_year.values()),
            " ".join(f"{y}:{v}" for y, v in per_year.items()))
    months_missing = []
    for y in range(2020, 2027):
        for m in range(1, 13):
            if dt.date(y, m, 1) > TODAY:
                continue
            evs = [x for x in events if x["kind"] == "matchmaking" and x["date"].startswith(f"{y}-{m:02d}")]
            if not evs or not all(any(p["event_id"] == x["id"] for p in projects) for x in evs):
                months_missing.append(f"{y}-{m:02d}")
    c.check("a matchmaking event with signed projects every month 2020-01..2026-11", not months_missing,
            ",".join(months_missing))
    fairs_ok = all(f"fair-{y}" in ev_by_id and ev_by_id[f"fair-{y}"]["date"][5:7] == "11"
                   and ev_by_id[f"fair-{y}"]["kind"] == "fair" for y in range(2019, 2026))
    c.check("a November fair every year 2019-2025", fairs_ok)
    c.check("all event dates <= today", all(dt.date.fromisoformat(x["date"]) <= TODAY for x in events))
    dropped = [p for p in projects if p["stage"] == "dropped"]
    c.check("3-5% dropped", 0.03 <= len(dropped) / len(projects) <= 0.05,
            f"{len(dropped)} = {pct(len(dropped), len(projects))}%")
    late = [p for p in projects if p["signed_on"] and p["stage"] in ("signed", "registered")
            and (TODAY - dt.date.fromisoformat(p["signed_on"])).days > 183]
    c.check("some signed projects not started after > 6 months", len(late) >= 50, str(len(late)))
    active = [p for p in projects if p["stage"] in ("lead", "contact", "negotiating")]
    c.check("an active unsigned pipeline exists", len(active) > 100, str(len(active)))

    tsum_ok = True
    for y in range(2019, 2027):
        for metric in ("projects", "amount"):
            city = target.get((y, "city", HOME, metric))
            regs = [target.get((y, "region", r, metric)) for r in REGION_CODES]
            tv = {t: target.get((y, "tier", t, metric)) for t in TIERS}
            cl = {k: target.get((y, "cluster", k, metric)) for k in CLUSTER_IDS}
            if city is None or None in regs or None in tv.values() or None in cl.values():
                tsum_ok = False
                continue
            tsum_ok &= sum(regs) == city
            tsum_ok &= sum(tv.values()) <= city
            for t in TIERS:
                tsum_ok &= sum(v for k, v in cl.items() if CLUSTERS[k][0] == t) == tv[t]
        tsum_ok &= 650 <= target[(y, "city", HOME, "projects")] <= 900
    c.check("targets 2019-2026: city, 13 regions summing to city, tiers, clusters summing to tiers (both metrics)",
            tsum_ok, f"{len(targets)} rows")
    c.check("a region with a zero target exists", any(int(t["value"]) == 0 for t in targets if t["scope"] == "region"))

    print(f"\nsummary: {len(projects)} projects ({sum(1 for p in projects if p['signed_on'])} signed, "
          f"{len(active)} active unsigned, {len(dropped)} dropped), {len(events)} events, {len(targets)} targets")
    print(f"fair-2022: 43 projects, 39 343 ({pct(39, 43)}%) = 20/15/4, 4 other ({pct(4, 43)}%)")
    print(f"2022-01..09: {len(js)} signed = {pct(len(js), t2022 or 1)}% of {t2022}; "
          f"{len(js343)} 343 = {pct(len(js343), len(js))}%")
    print(f"hz-2022-10-19: {len(hz)} projects in {len(hz_regions)} 板块")
    print(f"checks: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


def main() -> int:
    rng = random.Random(SEED)
    events, projects = build(rng)
    OUT.mkdir(parents=True, exist_ok=True)
    projects.sort(key=lambda p: p["id"])
    events.sort(key=lambda e: (e["date"], e["id"]))
    write_csv(OUT / "projects.csv", PROJECT_COLUMNS, projects)
    write_csv(OUT / "events.csv", EVENT_COLUMNS, events)
    write_csv(OUT / "targets.csv", TARGET_COLUMNS, make_targets())
    print(f"wrote {OUT / 'projects.csv'}, events.csv, targets.csv")
    return verify()


if __name__ == "__main__":
    sys.exit(main())
