//! `chainscope bench …`: benchmarks that print figures. Each measured step runs as its own process so that its
//! peak memory is its own.

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(clap::Subcommand)]
pub enum Which {
    /// Import a generated file of N enterprises into a fresh store; print rows/s and peak memory.
    Import {
        #[arg(long, default_value_t = 1_000_000)]
        enterprises: u64,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Repetitions (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
}

fn me() -> anyhow::Result<PathBuf> {
    std::env::current_exe().context("cannot find the chainscope executable")
}

fn run_child(args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new(me()?).args(args).output().context("cannot start chainscope")?;
    if !out.status.success() {
        bail!("chainscope {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

pub fn run(data_dir: &Path, which: Which) -> anyhow::Result<()> {
    match which {
        Which::Import { enterprises, seed, runs } => {
            let dir = data_dir.join("bench");
            std::fs::create_dir_all(&dir)?;
            let file = dir.join(format!("enterprises-{enterprises}-{seed}.csv"));
            let gen_dir = dir.join("gen-store");
            if !file.exists() {
                eprintln!("generating {} …", file.display());
                let t = std::time::Instant::now();
                run_child(&[
                    "--quiet",
                    "--data-dir",
                    &gen_dir.display().to_string(),
                    "generate",
                    "--enterprises",
                    &enterprises.to_string(),
                    "--seed",
                    &seed.to_string(),
                    "--out",
                    &file.display().to_string(),
                ])?;
                eprintln!("generated in {:.1} s", t.elapsed().as_secs_f64());
            }
            let size = std::fs::metadata(&file)?.len();
            // Validation alone (read, parse, validate, locate, tag; nothing stored), to show where the time goes.
            let mut check_secs = Vec::new();
            for _ in 0..runs.max(1) {
                let t = std::time::Instant::now();
                let out = Command::new(me()?)
                    .args([
                        "--quiet",
                        "--data-dir",
                        &gen_dir.display().to_string(),
                        "check",
                        "--kind",
                        "enterprises",
                        &file.display().to_string(),
                        "--json",
                    ])
                    .output()
                    .context("cannot start chainscope")?;
                if !out.status.success() {
                    bail!("check failed: {}", String::from_utf8_lossy(&out.stderr));
                }
                check_secs.push(t.elapsed().as_secs_f64());
            }
            let check_median = median(&mut check_secs);
            println!("validate only (no store): median {check_median:.2} s = {:.0} rows/s", enterprises as f64 / check_median);
            let (mut rates, mut secs, mut peaks) = (Vec::new(), Vec::new(), Vec::new());
            for i in 0..runs.max(1) {
                let store = dir.join(format!("import-store-{i}"));
                let _ = std::fs::remove_dir_all(&store);
                let store_s = store.display().to_string();
                run_child(&["--quiet", "--data-dir", &store_s, "init", "--empty"])?;
                let out = run_child(&[
                    "--quiet",
                    "--data-dir",
                    &store_s,
                    "import",
                    "--kind",
                    "enterprises",
                    &file.display().to_string(),
                    "--json",
                ])?;
                let v: serde_json::Value = serde_json::from_str(&out).context("import did not print JSON")?;
                let rate = v["rows_per_second"].as_f64().unwrap_or(0.0);
                let s = v["seconds"].as_f64().unwrap_or(0.0);
                let peak = v["peak_rss_mb"].as_f64().unwrap_or(0.0);
                println!(
                    "run {}: {} rows in {:.2} s = {:.0} rows/s, peak {:.0} MiB, inserted {}",
                    i + 1,
                    v["read"],
                    s,
                    rate,
                    peak,
                    v["inserted"]
                );
                rates.push(rate);
                secs.push(s);
                peaks.push(peak);
                let _ = std::fs::remove_dir_all(&store);
            }
            println!(
                "import {enterprises} enterprises ({:.0} MiB CSV): median {:.2} s, {:.0} rows/s, peak memory {:.0} MiB (target ≥ 300000 rows/s, < 1024 MiB)",
                size as f64 / 1048576.0,
                median(&mut secs),
                median(&mut rates),
                median(&mut peaks)
            );
            Ok(())
        }
    }
}
