//! The `chainscope` command.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod app;
mod backtest;
mod bench;
mod complexity_cmd;
mod dataset;
mod generate;
mod import;
mod init;
mod restore;
mod serve;
mod snapshot;
mod stats;
mod users;

use anyhow::Context;
use app::App;
use chainscope_store::prelude::*;
use clap::{Parser, Subcommand};
use init::InitMode;
use std::path::PathBuf;

/// Chainscope — 产业链招商热力图 / industry-chain investment heat map.
///
/// Every command works on a data directory (default ./chainscope-data). On first use it is created from the
/// embedded default dataset (xuzhou-343), offline.
#[derive(Parser)]
#[command(name = "chainscope", version, about, long_about = None)]
struct Cli {
    /// Data directory holding the store file (chainscope.db).
    #[arg(long, global = true, env = "CHAINSCOPE_DATA_DIR", default_value = "chainscope-data")]
    data_dir: PathBuf,
    /// Print less on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the store: with the default dataset, or --empty (taxonomy and regions only) for your own data.
    Init {
        /// Only the taxonomy and regions; no demo enterprises, parks or projects.
        #[arg(long)]
        empty: bool,
        /// Delete an existing store first.
        #[arg(long)]
        force: bool,
    },
    /// Import a CSV, XLSX or GeoJSON file.
    Import {
        #[arg(long, value_enum)]
        kind: import::Kind,
        file: PathBuf,
        /// XLSX sheet name (default: the first sheet).
        #[arg(long)]
        sheet: Option<String>,
        /// Store the valid rows and write rejected ones to a reject file (default: all or nothing).
        #[arg(long)]
        skip_invalid: bool,
        /// Where to write rejected rows (default: FILE.rejects.csv next to the input).
        #[arg(long)]
        rejects: Option<PathBuf>,
        /// Print the summary as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Validate a file and write nothing.
    Check {
        #[arg(long, value_enum)]
        kind: import::Kind,
        file: PathBuf,
        #[arg(long)]
        sheet: Option<String>,
        /// Print {"read":N,"valid":N,"rejected":[{"line","field","code","message"}]} on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Accounts: add, set a password, change role or scope, list.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Export enterprises, parks or projects to CSV or XLSX (by the file's extension).
    Export {
        #[arg(long, value_enum)]
        kind: ExportKind,
        file: PathBuf,
        /// Include personal data (legal representatives, phone numbers, contacts).
        #[arg(long)]
        include_personal: bool,
    },
    /// Counts by kind and by tier/cluster, and the pipeline figures.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Generate a synthetic world: to a CSV file (--out) in the import format, or straight into the store.
    Generate {
        #[arg(long)]
        enterprises: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Serve the web app and API.
    Serve {
        #[arg(long, env = "CHAINSCOPE_BIND", default_value = "127.0.0.1")]
        bind: String,
        #[arg(long, env = "CHAINSCOPE_PORT", default_value_t = 8343)]
        port: u16,
        /// Reverse proxies (addresses or CIDR blocks, comma-separated) whose X-Forwarded-For names the caller, for
        /// the login throttle and the audit log. Leave empty when browsers connect directly.
        #[arg(long = "trusted-proxy", env = "CHAINSCOPE_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<String>,
        /// When the session cookie is marked Secure: auto (on localhost, or over HTTPS through a trusted proxy that
        /// sends X-Forwarded-Proto; not on plain HTTP, where browsers would drop it), always, or never.
        #[arg(long, env = "CHAINSCOPE_COOKIE_SECURE", default_value = "auto")]
        cookie_secure: String,
        /// How many read-only connections to the store serve reads at once (1–64); by default one per core, at least
        /// 2 and at most 8. Writes go through one more connection.
        #[arg(long, env = "CHAINSCOPE_READERS", value_parser = clap::value_parser!(u16).range(1..=64))]
        readers: Option<u16>,
    },
    /// Back-test the lead ranking: rank with only what was known at a date, then measure precision@k and recall@k
    /// against the outside enterprises that arrived after it (branches founded here, projects signed), beside a
    /// random and a largest-first baseline.
    Backtest {
        /// Cut-off date (default: 31 December two years before the last year in the data).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// List sizes to score, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "20,50")]
        k: Vec<usize>,
        /// Weights of the model: big_anchors (招大引强: who expands, by scale and momentum — the question a back-test
        /// asks), strengthening (强链) or gap_filling (补链). The other two are printed beside it.
        #[arg(long, default_value = "big_anchors")]
        preset: String,
        /// Print {"as_of", "results": [{"k", "model", "learned", "random", "largest_first", "oracle"}], "learned",
        /// "whole": {"auc", "calibration"}} as JSON.
        #[arg(long)]
        json: bool,
        /// Back-test on a test world built in memory instead of the store: supply_ties or growth_crowding. Its true
        /// arrival odds give an oracle ranking.
        #[arg(long)]
        world: Option<String>,
        /// Enterprises in the test world (branches come on top).
        #[arg(long, default_value_t = 30_000)]
        size: usize,
        /// Seed of the test world.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Copy the whole store into one new file, consistently, while the server may be running; the copy is checked
    /// before the command ends. chainscope restore puts it back.
    Backup {
        /// The new file (never overwritten).
        out: PathBuf,
    },
    /// Put a backup back: the file is checked (integrity, a Chainscope store, not newer than this program), the store
    /// in place is renamed aside (chainscope.db.before-restore-<time>, never deleted) and the copy put in its place.
    /// Refused while a server or another command uses the data directory: stop the server first.
    Restore {
        /// A file written by chainscope backup.
        from: PathBuf,
    },
    /// Print the OpenAPI document of the HTTP API (also served at /api/openapi.json).
    Openapi,
    /// Benchmarks that print figures.
    Bench {
        #[command(subcommand)]
        which: bench::Which,
    },
    /// Relatedness and complexity (RCA, presence, proximity, density, ECI, PCI, COI, COG) of a region,industry,value
    /// CSV file, or of the stored enterprises' region × node matrix at --level, as the Harvard Growth Lab ecomplexity
    /// package computes them (see docs/complexity.md).
    Complexity {
        /// CSV with the columns region, industry, value (a pair given twice is an error).
        #[arg(long, conflicts_with = "level", required_unless_present = "level")]
        input: Option<PathBuf>,
        /// Build the matrix from the store: enterprise counts per region at this level and chain node.
        #[arg(long, value_parser = ["country", "province", "prefecture", "county"])]
        level: Option<String>,
        /// Print {"rca","mcp","density","cog","eci","coi","pci","proximity"} as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// Proximity diagonal 0, as the Atlas of Economic Complexity uses (default 1, as ecomplexity).
        #[arg(long)]
        atlas_diagonal: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportKind {
    Enterprises,
    Parks,
    Projects,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("CHAINSCOPE_LOG"))
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

#[derive(Subcommand)]
enum UserAction {
    /// Add an account. Without --password-stdin a one-time password is printed, to be changed at first sign-in.
    Add {
        username: String,
        /// admin, leader, officer, department or enterprise
        #[arg(long)]
        role: String,
        /// Officers: the 板块 they work for (region codes, comma-separated).
        #[arg(long)]
        regions: Option<String>,
        /// Department staff: the department's name.
        #[arg(long)]
        department: Option<String>,
        /// Enterprise users: the enterprise's id.
        #[arg(long)]
        enterprise: Option<i64>,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a password (one-time unless --password-stdin); unlocks the account and ends its sessions.
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change an account's role, scope or active flag.
    Role {
        username: String,
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        regions: Option<String>,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        enterprise: Option<i64>,
        /// true or false
        #[arg(long)]
        active: Option<bool>,
    },
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
}

fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    use std::process::ExitCode;
    // A restore replaces the store only when nothing else uses the directory (see restore.rs).
    let _hold = if cli.data_dir.is_dir() && !matches!(cli.command, Command::Restore { .. }) { restore::hold(&cli.data_dir)? } else { None };
    match cli.command {
        Command::Init { empty, force } => {
            let path = cli.data_dir.join(app::STORE_FILE);
            if force {
                for suffix in ["", "-wal", "-shm"] {
                    let p = PathBuf::from(format!("{}{suffix}", path.display()));
                    if p.exists() {
                        std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
                    }
                }
            }
            let mut app = App::open_raw(&cli.data_dir)?;
            if app.is_initialised()? {
                anyhow::bail!("{} is already initialised (use --force to start over)", path.display());
            }
            let t = std::time::Instant::now();
            init::initialise(&mut app, if empty { InitMode::Empty } else { InitMode::Default })?;
            users::ensure_first_admin(&mut app.store)?;
            let c = app.store.counts()?;
            if !cli.quiet {
                eprintln!(
                    "initialised {} in {:.1} s: {} regions, {} enterprises, {} parks/carriers, {} projects",
                    path.display(),
                    t.elapsed().as_secs_f64(),
                    c.regions,
                    c.enterprises,
                    c.parks + c.carriers,
                    c.projects
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { kind, file, sheet, skip_invalid, rejects, json } => {
            let mut app = init::open(&cli.data_dir, cli.quiet || json)?;
            let opts = import::Options { skip_invalid, check_only: false, rejects, progress: !cli.quiet && !json };
            let report = import::run(&mut app, kind, import::Input::File { path: &file, sheet: sheet.as_deref() }, &opts)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
            if !cli.quiet {
                import::print_summary(&report);
            }
            Ok(if report.rejected_count > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
        }
        Command::Check { kind, file, sheet, json } => {
            let mut app = init::open_for_check(&cli.data_dir)?;
            let opts = import::Options { skip_invalid: true, check_only: true, rejects: None, progress: false };
            let report = import::run(&mut app, kind, import::Input::File { path: &file, sheet: sheet.as_deref() }, &opts)?;
            if json {
                let rejected: Vec<_> = report.rejected.iter().flat_map(|r| r.issues.iter()).collect();
                println!(
                    "{}",
                    serde_json::json!({"read": report.read, "valid": report.valid, "rejected": rejected, "warnings": report.warnings})
                );
            } else {
                import::print_summary(&report);
            }
            Ok(if report.rejected_count > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
        }
        Command::Export { kind, file, include_personal } => {
            let app = init::open(&cli.data_dir, cli.quiet)?;
            let n = export(&app, kind, &file, include_personal)?;
            if !cli.quiet {
                eprintln!("exported {n} rows to {}", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { json } => {
            let app = init::open(&cli.data_dir, cli.quiet || json)?;
            let v = stats::compute(&app, &snapshot::build(&app)?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                stats::print_text(&v);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { enterprises, seed, out } => {
            let mut app = init::open(&cli.data_dir, cli.quiet)?;
            let t = std::time::Instant::now();
            match out {
                Some(path) => {
                    let f = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
                    let s = generate::generate_to(&app, enterprises, seed, std::io::BufWriter::with_capacity(1 << 20, f))?;
                    eprintln!(
                        "generated {} enterprises ({} branches, {} relations) into {} in {:.1} s; peak memory {:.0} MiB",
                        s.enterprises,
                        s.branches,
                        s.relations,
                        path.display(),
                        t.elapsed().as_secs_f64(),
                        import::peak_rss_mb().unwrap_or(0.0)
                    );
                }
                None => {
                    let tmp = cli.data_dir.join(format!("generated-{seed}-{enterprises}.csv"));
                    {
                        let f = std::fs::File::create(&tmp)?;
                        generate::generate_to(&app, enterprises, seed, std::io::BufWriter::with_capacity(1 << 20, f))?;
                    }
                    let opts = import::Options { progress: !cli.quiet, ..Default::default() };
                    let report = import::run(&mut app, import::Kind::Enterprises, import::Input::File { path: &tmp, sheet: None }, &opts);
                    let _ = std::fs::remove_file(&tmp);
                    import::print_summary(&report?);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { bind, port, trusted_proxies, cookie_secure, readers } => {
            let proxies = chainscope_server::auth::TrustedProxies::parse(&trusted_proxies)
                .map_err(|e| anyhow::anyhow!("--trusted-proxy / CHAINSCOPE_TRUSTED_PROXIES: {e}"))?;
            let cookie_secure = chainscope_server::auth::CookieSecure::parse(&cookie_secure)
                .map_err(|e| anyhow::anyhow!("--cookie-secure / CHAINSCOPE_COOKIE_SECURE: {e}"))?;
            let loopback = bind.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) || bind == "localhost";
            if !loopback && proxies.is_empty() && cookie_secure == chainscope_server::auth::CookieSecure::Auto && !cli.quiet {
                eprintln!(
                    "注意：以明文 HTTP 对外提供服务，会话 Cookie 不带 Secure 标记；请在前面部署 HTTPS 并用 --trusted-proxy 声明代理。\n\
                     note: serving plain HTTP beyond this machine, so session cookies are not marked Secure; put HTTPS in front \
                     and name the proxy with --trusted-proxy."
                );
            }
            let app = init::open(&cli.data_dir, cli.quiet)?;
            let _serving = restore::hold(&cli.data_dir)?; // the directory existed only now on a first start
            let data = serve::load(&app, cli.quiet)?;
            let store_path = cli.data_dir.join(app::STORE_FILE);
            let records = app::open_store(&store_path)?;
            let readers = serve::open_readers(&store_path, serve::reader_count(readers))?;
            if !cli.quiet {
                eprintln!("store: 1 writer, {} readers", readers.len());
            }
            let mut accounts = app::open_store(&store_path)?;
            users::ensure_first_admin(&mut accounts)?;
            let state = std::sync::Arc::new(
                chainscope_server::ServerState::new(
                    app.store.meta("dataset_name_zh")?.unwrap_or_else(|| "Chainscope".into()),
                    app.store.meta("dataset_name_en")?.unwrap_or_default(),
                    data,
                )
                .with_records(Box::new(records))
                .with_readers(readers)
                .with_account_store(Box::new(accounts))
                .with_trusted_proxies(proxies)
                .with_cookie_secure(cookie_secure)
                .with_source(std::sync::Arc::new(serve::source(cli.data_dir.clone())?)),
            );
            drop(app);
            let addr: std::net::SocketAddr =
                format!("{bind}:{port}").parse().with_context(|| format!("'{bind}:{port}' is not an address"))?;
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            rt.block_on(chainscope_server::serve(addr, state)).with_context(|| format!("cannot serve on {addr}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::User { action } => {
            let mut app = init::open(&cli.data_dir, true)?;
            let regions = app.regions.clone();
            match action {
                UserAction::Add { username, role, regions: r, department, enterprise, name, password_stdin } => {
                    let scope = users::Scope { regions: r, department, enterprise };
                    users::add(&mut app.store, &regions, &username, &role, name, &scope, password_stdin)?;
                }
                UserAction::Passwd { username, password_stdin } => users::passwd(&mut app.store, &username, password_stdin)?,
                UserAction::Role { username, role, regions: r, department, enterprise, active } => {
                    let scope = users::Scope { regions: r, department, enterprise };
                    users::role(&mut app.store, &regions, &username, role.as_deref(), &scope, active)?;
                }
                UserAction::List { json } => users::list(&app.store, json)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backtest { as_of, k, preset, json, world, size, seed } => {
            let app = init::open(&cli.data_dir, cli.quiet)?;
            let report = match world {
                Some(w) => backtest::run_world(&app, &w, size, seed, as_of, &k, &preset)?,
                None => backtest::run(&app, as_of, &k, &preset)?,
            };
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                backtest::print(&report);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { out } => {
            let path = cli.data_dir.join(app::STORE_FILE);
            if !path.exists() {
                anyhow::bail!("没有可备份的数据库 / there is no store at {}", path.display());
            }
            let started = std::time::Instant::now();
            let store = app::open_store(&path)?;
            let c = store.backup_to(&out).with_context(|| format!("备份失败 / cannot back up to {}", out.display()))?;
            let bytes = std::fs::metadata(&out)?.len();
            println!(
                "备份完成 / backed up to {} in {:.1} s: {:.1} MB, {} enterprises, {} projects, {} parks and carriers (integrity check ok)",
                out.display(),
                started.elapsed().as_secs_f64(),
                bytes as f64 / 1_048_576.0,
                c.enterprises,
                c.projects,
                c.parks + c.carriers
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { from } => {
            let started = std::time::Instant::now();
            let r = restore::run(&cli.data_dir, &from)?;
            if let Some(aside) = &r.set_aside {
                println!("原数据库已改名保留 / the store that was in place is kept as {}", aside.display());
            }
            println!(
                "恢复完成 / restored {} into {} in {:.1} s (schema version {}): {} enterprises, {} projects, {} parks and carriers",
                from.display(),
                cli.data_dir.display(),
                started.elapsed().as_secs_f64(),
                r.from_version,
                r.counts.enterprises,
                r.counts.projects,
                r.counts.parks + r.counts.carriers
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&chainscope_server::openapi::document())?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { which } => {
            bench::run(&cli.data_dir, which)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Complexity { input, level, json, atlas_diagonal } => {
            let matrix = match (input, level) {
                (Some(file), _) => complexity_cmd::read_csv(&file)?,
                (None, Some(level)) => {
                    let app = init::open(&cli.data_dir, cli.quiet)?;
                    let snap = snapshot::build(&app)?;
                    let level = match level.as_str() {
                        "country" => chainscope_engine::AdminLevel::Country,
                        "province" => chainscope_engine::AdminLevel::Province,
                        "prefecture" => chainscope_engine::AdminLevel::Prefecture,
                        _ => chainscope_engine::AdminLevel::County,
                    };
                    chainscope_engine::relatedness::region_node_matrix(
                        &snap,
                        &chainscope_engine::HeatFilter::default(),
                        level,
                        chainscope_engine::Weight::Count,
                    )
                    .map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))?
                }
                (None, None) => anyhow::bail!("give --input FILE or --level LEVEL"),
            };
            complexity_cmd::run(&matrix, json, atlas_diagonal)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn export(app: &App, kind: ExportKind, file: &std::path::Path, personal: bool) -> anyhow::Result<u64> {
    use chainscope_io::export::{enterprise_cells, enterprise_headers, park_cells, project_cells, TableWriter};
    use chainscope_io::records::{PARK_COLUMNS, PROJECT_COLUMNS};
    let mut n = 0u64;
    match kind {
        ExportKind::Enterprises => {
            let mut w = TableWriter::create(file, "enterprises", &enterprise_headers())?;
            let mut err = None;
            app.store.for_each_enterprise(&mut |e| {
                if err.is_none() {
                    if let Err(x) = w.write_row(&enterprise_cells(&e, personal)) {
                        err = Some(x);
                    }
                    n += 1;
                }
            })?;
            if let Some(e) = err {
                return Err(e.into());
            }
            w.finish()?;
        }
        ExportKind::Parks => {
            let mut w = TableWriter::create(file, "parks", PARK_COLUMNS)?;
            for p in app.store.parks()? {
                w.write_row(&park_cells(&p, personal))?;
                n += 1;
            }
            w.finish()?;
        }
        ExportKind::Projects => {
            let mut w = TableWriter::create(file, "projects", PROJECT_COLUMNS)?;
            for p in app.store.projects()? {
                w.write_row(&project_cells(&p))?;
                n += 1;
            }
            w.finish()?;
        }
    }
    Ok(n)
}
