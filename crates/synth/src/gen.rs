//! The generator loop: one row at a time, drawn from the prepared world and the memory of earlier rows, written
//! straight to the CSV writer.

use crate::idgen;
use crate::names::{write_names, Style};
use crate::rng::{mix, Rng};
use crate::state::{Memory, Parent, Seen};
use crate::world::{distance_km, World};
use crate::{GenConfig, GenStats, SynthError, HEADER};
use chainscope_model::Taxonomy;
use std::fmt::Write as _;

/// Share of rows that are branches of an earlier enterprise.
const BRANCH_SHARE: f64 = 0.08;
/// Share of Chinese rows with a USCC.
const USCC_SHARE: f64 = 0.8;
/// Pareto scale and shape of employee counts.
const EMP_XM: f64 = 5.0;
const EMP_ALPHA: f64 = 1.1;
const EMP_MAX: f64 = 300_000.0;
/// Tail probability of chain leaders (top 0.2 % by size).
const LEADER_TAIL: f64 = 0.002;
const FIRST_FOUNDED: i32 = 1990;

/// Reusable text buffers of one row.
#[derive(Default)]
struct Row {
    name: String,
    name_en: String,
    uscc: String,
    lei: String,
    ext_id: String,
    region_code: String,
    district: String,
    lat: String,
    lon: String,
    founded: String,
    registered_capital: String,
    revenue: String,
    employees: String,
    parent: String,
    series: String,
    suppliers: String,
    customers: String,
}

impl Row {
    fn clear(&mut self) {
        for s in [
            &mut self.name,
            &mut self.name_en,
            &mut self.uscc,
            &mut self.lei,
            &mut self.ext_id,
            &mut self.region_code,
            &mut self.district,
            &mut self.lat,
            &mut self.lon,
            &mut self.founded,
            &mut self.registered_capital,
            &mut self.revenue,
            &mut self.employees,
            &mut self.parent,
            &mut self.series,
            &mut self.suppliers,
            &mut self.customers,
        ] {
            s.clear();
        }
    }
}

/// What was decided about one enterprise before it is written.
struct Draft {
    city: usize,
    node: usize,
    employees: u32,
    /// Pareto tail probability of the size draw (small = large enterprise).
    tail: f64,
    founded_year: i32,
    brand_seed: u64,
    style: Style,
    parent: Option<Parent>,
}

/// Append a number rounded to an integer (faster than `{:.0}`).
fn push_int(out: &mut String, x: f64) {
    let _ = write!(out, "{}", x.round() as i64);
}

/// Append a number with five decimals (faster than `{:.5}`).
fn push_fixed5(out: &mut String, x: f64) {
    let v = (x * 1e5).round() as i64;
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:05}", a / 100_000, a % 100_000);
}

fn flag(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

/// Round to two significant digits (registered capital is a round number).
fn round2(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let p = 10f64.powi(x.log10().floor() as i32 - 1);
    (x / p).round() * p
}

struct Gen<'a> {
    cfg: &'a GenConfig,
    tax: &'a Taxonomy,
    world: World,
    mem: Memory,
    rng: Rng,
    row: Row,
    as_of: String,
    salt: u64,
    candidates: Vec<(usize, f64)>,
    picked: Vec<u32>,
    stats: GenStats,
}

impl<'a> Gen<'a> {
    fn draft_fresh(&mut self, n: u64) -> Draft {
        let city = self.world.sample_city(&mut self.rng, self.cfg.home_share);
        let chain = self.world.sample_chain(&mut self.rng, city);
        let node = self.world.sample_node(&mut self.rng, chain);
        let (e, tail) = self.rng.pareto(EMP_XM, EMP_ALPHA);
        let employees = e.min(EMP_MAX) as u32;
        // Younger enterprises are more numerous; large ones tend to be older.
        let skew = if employees >= 1000 { 1.3 } else { 0.6 };
        let span = f64::from(self.cfg.last_year - FIRST_FOUNDED + 1);
        let founded_year = FIRST_FOUNDED + ((span * self.rng.f64().powf(skew)) as i32).min(span as i32 - 1);
        let style = if self.world.places[city].is_cn { Style::Chinese } else { Style::Western };
        Draft { city, node, employees, tail, founded_year, brand_seed: mix(self.salt, n), style, parent: None }
    }

    fn draft_branch(&mut self, p: Parent) -> Draft {
        let city = self.branch_city(&p);
        let share = 0.02 + 0.23 * self.rng.f64();
        let employees = ((f64::from(p.employees) * share) as u32).max(3);
        let founded_year = self.rng.range_i32(p.founded_year + 1, self.cfg.last_year);
        let style = if p.chinese_brand { Style::Chinese } else { Style::Western };
        Draft { city, node: p.node as usize, employees, tail: 1.0, founded_year, brand_seed: p.brand_seed, style, parent: Some(p) }
    }

    /// Where a group opens a branch. Candidates come from cities present on the nodes linked by supply edges to
    /// the parent's node (via the reservoirs), from cities specialised in the parent's chain and from the
    /// population at large; each is scored by (1 + presence on linked nodes)^0.7 × chain multiplier^0.6 ×
    /// population^0.15, and one is drawn by score.
    fn branch_city(&mut self, p: &Parent) -> usize {
        let node = p.node as usize;
        let chain = self.world.nodes[node].chain as usize;
        self.candidates.clear();
        let linked = &self.world.nodes[node].linked;
        for _ in 0..linked.len().min(4) {
            let l = linked[self.rng.index(linked.len())] as usize;
            for _ in 0..2 {
                if let Some(s) = self.mem.sample(&mut self.rng, l) {
                    self.candidates.push((s.city as usize, 0.0));
                }
            }
        }
        for _ in 0..3 {
            if let Some(c) = self.world.sample_specialist(&mut self.rng, chain) {
                self.candidates.push((c, 0.0));
            }
        }
        for _ in 0..2 {
            if let Some(c) = self.world.any_city_table.sample(&mut self.rng) {
                self.candidates.push((c, 0.0));
            }
        }
        let mut total = 0.0;
        for i in 0..self.candidates.len() {
            let c = self.candidates[i].0;
            if c == p.city as usize {
                continue;
            }
            let presence: u32 = linked.iter().map(|&l| self.mem.presence(l as usize, c)).sum();
            let pop = (self.world.places[c].population.max(10_000) as f64) / 1e5;
            let s = (1.0 + f64::from(presence)).powf(0.7) * self.world.chain_multiplier(c, chain).max(0.01).powf(0.6) * pop.powf(0.15);
            self.candidates[i].1 = s;
            total += s;
        }
        if total <= 0.0 {
            return self.world.sample_city(&mut self.rng, self.cfg.home_share);
        }
        let mut x = self.rng.f64() * total;
        for &(c, s) in &self.candidates {
            if x < s {
                return c;
            }
            x -= s;
        }
        self.candidates.iter().rev().find(|c| c.1 > 0.0).map_or(0, |c| c.0)
    }

    /// Fill `suppliers` or `customers` with up to `k` earlier enterprises on the given nodes, preferring large and
    /// nearby ones.
    fn partners(&mut self, of: usize, city: usize, k: usize, customers: bool) -> usize {
        let info = &self.world.nodes[of];
        let targets = if customers { &info.customers } else { &info.suppliers };
        if targets.is_empty() || k == 0 {
            return 0;
        }
        self.picked.clear();
        for _ in 0..k {
            let node = targets[self.rng.index(targets.len())] as usize;
            self.candidates.clear();
            let mut total = 0.0;
            for _ in 0..6 {
                let Some(s) = self.mem.sample(&mut self.rng, node) else { break };
                if self.picked.contains(&s.row) {
                    continue;
                }
                let (a, b) = (&self.world.places[city], &self.world.places[s.city as usize]);
                let prox = if s.city as usize == city {
                    8.0
                } else if a.country_key == b.country_key {
                    3.0 / (1.0 + distance_km(a, b) / 500.0)
                } else {
                    1.0 / (1.0 + distance_km(a, b) / 2000.0)
                };
                let w = f64::from(s.employees).sqrt() * prox;
                self.candidates.push((s.row as usize, w));
                total += w;
            }
            let mut x = self.rng.f64() * total;
            if let Some(&(row, _)) = self.candidates.iter().find(|c| {
                let hit = x < c.1;
                x -= c.1;
                hit
            }) {
                self.picked.push(row as u32);
            }
        }
        let out = if customers { &mut self.row.customers } else { &mut self.row.suppliers };
        for (i, r) in self.picked.iter().enumerate() {
            let _ = write!(out, "{}syn:{r}", if i > 0 { ";" } else { "" });
        }
        self.picked.len()
    }

    fn write_location(&mut self, d: &Draft) {
        let place = &self.world.places[d.city];
        let (mut lat, mut lon, sigma, max) = (place.lat, place.lon, 3.0, 8.0);
        let mut region = place.region_code.clone().filter(|_| place.is_cn);
        let mut sigma_max = (sigma, max);
        if Some(d.city) == self.world.home {
            if let Some(k) = self.world.sample_county(&mut self.rng) {
                let c = &self.world.home_counties[k];
                (lat, lon) = (c.lat, c.lon);
                region = Some(c.code.clone());
                self.row.district.push_str(&c.name);
                sigma_max = (5.0, 15.0);
            }
        }
        // Jitter a few km around the centre, clamped.
        let dist = (self.rng.normal().abs() * sigma_max.0).min(sigma_max.1);
        let angle = self.rng.f64() * std::f64::consts::TAU;
        let dlat = dist * angle.sin() / 111.0;
        let dlon = dist * angle.cos() / (111.0 * lat.to_radians().cos().max(0.05));
        push_fixed5(&mut self.row.lat, (lat + dlat).clamp(-90.0, 90.0));
        push_fixed5(&mut self.row.lon, lon + dlon);
        if let Some(r) = region {
            self.row.region_code.push_str(&r);
        }
    }

    fn write_series(&mut self, d: &Draft, revenue: f64) {
        let g = (0.05 + 0.10 * self.rng.normal()).clamp(-0.5, 0.8);
        let ge = (0.6 * g + 0.03 * self.rng.normal()).clamp(-0.5, 0.8);
        let emp = f64::from(d.employees);
        let last = self.cfg.last_year;
        for y in self.cfg.first_year.max(d.founded_year)..=last {
            let k = last - y;
            let (rv, em) = if k == 0 {
                (revenue, emp)
            } else {
                let r = revenue / (1.0 + g).powi(k) * (1.0 + 0.04 * self.rng.normal());
                let e = emp / (1.0 + ge).powi(k) * (1.0 + 0.03 * self.rng.normal());
                (r.max(1.0), e.max(1.0))
            };
            if !self.row.series.is_empty() {
                self.row.series.push(';');
            }
            let _ = write!(self.row.series, "{y}:");
            push_int(&mut self.row.series, rv);
            self.row.series.push(':');
            push_int(&mut self.row.series, em);
        }
    }

    /// Flags chain_leader, listed, srdi, high_tech.
    fn flags(&mut self, d: &Draft, is_cn: bool) -> [bool; 4] {
        let is_branch = d.parent.is_some();
        let leader = !is_branch && d.tail < LEADER_TAIL;
        let listed = !is_branch && ((d.tail < 0.01 && self.rng.chance(0.6)) || self.rng.chance(0.002));
        let srdi = is_cn && !is_branch && (20..=1000).contains(&d.employees) && self.rng.chance(0.08);
        let high_tech = is_cn && self.rng.chance(if d.employees >= 100 { 0.3 } else { 0.1 });
        [leader, listed, srdi, high_tech]
    }

    /// Draw everything of the row that is not fixed by the draft into the text buffers; returns the flags.
    fn fill(&mut self, n: u64, d: &Draft) -> [bool; 4] {
        self.row.clear();
        let (node, place) = (&self.world.nodes[d.node], &self.world.places[d.city]);
        let is_cn = place.is_cn;
        let is_branch = d.parent.is_some();
        write_names(&mut self.row.name, &mut self.row.name_en, &mut self.rng, d.brand_seed, d.style, place, node, is_branch);
        let _ = write!(self.row.ext_id, "syn:{n}");
        self.write_location(d);
        let flags = self.flags(d, is_cn);
        if is_cn && !self.row.region_code.is_empty() && self.rng.chance(USCC_SHARE) {
            if let Some(u) = idgen::uscc(n, self.salt, &self.row.region_code, d.founded_year >= 2015) {
                self.row.uscc = u;
            }
        }
        let (big, listed) = (d.employees >= 1000, flags[1]);
        if (!is_cn && (big || listed) && self.rng.chance(0.7)) || (is_cn && listed && self.rng.chance(0.5)) {
            self.row.lei = idgen::lei(n, self.salt);
        }
        // Revenue (万元) follows employees with a log-normal productivity; capital follows revenue.
        let revenue = (f64::from(d.employees) * 40.0 * (0.7 * self.rng.normal()).exp()).max(1.0);
        let capital = round2((revenue * 0.25 * (0.8 * self.rng.normal()).exp()).max(10.0));
        push_int(&mut self.row.revenue, revenue);
        let _ = write!(self.row.employees, "{}", d.employees);
        push_int(&mut self.row.registered_capital, capital);
        let (month, day) = (self.rng.range_i32(1, 12), self.rng.range_i32(1, 28));
        let _ = write!(self.row.founded, "{}-{month:02}-{day:02}", d.founded_year);
        if let Some(p) = &d.parent {
            let _ = write!(self.row.parent, "syn:{}", p.row);
        }
        self.write_series(d, revenue);
        let k = ((0.3 * f64::from(d.employees).ln() + self.rng.f64() * 1.5) as usize).min(6);
        let rels = self.partners(d.node, d.city, k, false) + self.partners(d.node, d.city, k, true);
        self.stats.relations += rels as u64;
        flags
    }

    fn emit(&mut self, n: u64, d: &Draft, out: &mut csv::Writer<impl std::io::Write>) -> Result<(), SynthError> {
        let [leader, listed, srdi, high_tech] = self.fill(n, d);
        let (node, place, r) = (&self.world.nodes[d.node], &self.world.places[d.city], &self.row);
        let city_name = if place.is_cn && !place.name_zh.is_empty() { &place.name_zh } else { &place.name_en };
        let (code, version) = if node.industry_code.is_empty() { ("", "") } else { (node.industry_code.as_str(), "2017") };
        let products = if place.is_cn { &node.products_zh } else { &node.products_en };
        #[rustfmt::skip]
        let fields: [&str; HEADER.len()] = [
            &r.name, &r.name_en, &r.uscc, &r.lei, &r.ext_id, "", "", "", &place.country, "", city_name, &r.district,
            &r.region_code, &r.lat, &r.lon, code, version, "", products, &r.founded, &r.registered_capital,
            &r.revenue, &r.employees, flag(leader), flag(listed), flag(srdi), flag(high_tech), &r.parent,
            &self.tax.nodes[d.node].id, &r.series, &r.suppliers, &r.customers, "synthetic", &self.as_of, "1",
        ];
        out.write_record(fields)?;
        Ok(())
    }

    fn remember(&mut self, n: u64, d: &Draft) {
        let seen = Seen { row: n as u32, city: d.city as u32, employees: d.employees };
        self.mem.record(&mut self.rng, d.node, seen);
        if d.parent.is_none() && d.employees >= 100 && d.founded_year < self.cfg.last_year {
            let p = Parent {
                row: n as u32,
                city: d.city as u32,
                node: d.node as u32,
                founded_year: d.founded_year,
                employees: d.employees,
                brand_seed: d.brand_seed,
                chinese_brand: d.style == Style::Chinese,
            };
            self.mem.offer_parent(&mut self.rng, p);
        }
    }
}

pub fn run<W: std::io::Write>(cfg: &GenConfig, tax: &Taxonomy, world: World, out: W) -> Result<GenStats, SynthError> {
    let mut w = csv::WriterBuilder::new().buffer_capacity(1 << 20).from_writer(out);
    w.write_record(HEADER)?;
    let mem = Memory::new(world.nodes.len(), world.places.len());
    let mut g = Gen {
        cfg,
        tax,
        world,
        mem,
        rng: Rng::new(mix(cfg.seed, 0x5EED)),
        row: Row::default(),
        as_of: format!("{}-12-31", cfg.last_year),
        salt: mix(cfg.seed, 0x1D5),
        candidates: Vec::new(),
        picked: Vec::new(),
        stats: GenStats::default(),
    };
    for n in 1..=cfg.enterprises {
        let parent = if g.rng.chance(BRANCH_SHARE) { g.mem.pick_parent(&mut g.rng) } else { None };
        let d = match parent {
            Some(p) if p.founded_year < cfg.last_year => g.draft_branch(p),
            _ => g.draft_fresh(n),
        };
        g.emit(n, &d, &mut w)?;
        g.remember(n, &d);
        g.stats.enterprises += 1;
        g.stats.branches += u64::from(d.parent.is_some());
    }
    w.flush()?;
    Ok(g.stats)
}
