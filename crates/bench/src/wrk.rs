//! One load run: wrk from a second process, with one of our Lua scripts, read back as figures.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

const REPORT: &str = include_str!("../wrk/report.lua");
/// Prepended to the scripts that send a client address.
const CLIENTS: &str = include_str!("../wrk/clients.lua");

/// The scenario scripts, each completed by the report so that wrk prints its figures as JSON.
#[derive(Debug, Clone, Copy)]
pub enum Script {
    Get,
    Probe,
    Me,
    Login,
    Register,
}

impl Script {
    fn source(self) -> (&'static str, &'static str) {
        match self {
            Self::Get => ("get", include_str!("../wrk/get.lua")),
            Self::Probe => ("probe", include_str!("../wrk/probe.lua")),
            Self::Me => ("me", include_str!("../wrk/me.lua")),
            Self::Login => ("login", include_str!("../wrk/login.lua")),
            Self::Register => ("register", include_str!("../wrk/register.lua")),
        }
    }

    /// Writes the script, with the report appended, where wrk can read it.
    pub fn write_to(self, dir: &Path) -> std::io::Result<PathBuf> {
        let (name, source) = self.source();
        let prelude = if matches!(self, Self::Login | Self::Register) { CLIENTS } else { "" };
        let path = dir.join(format!("{name}.lua"));
        std::fs::write(&path, format!("{prelude}\n{source}\n{REPORT}"))?;
        Ok(path)
    }
}

/// An argument replaced by a value new to each wrk run, so that warm-up and measured run of the
/// register scenario do not create the same accounts.
pub const FRESH: &str = "{fresh}";

static RUNS: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Clone)]
pub struct Load {
    pub label: String,
    pub url: String,
    pub script: PathBuf,
    pub args: Vec<String>,
    pub connections: u32,
    pub threads: u32,
    pub duration: Duration,
    pub timeout: Duration,
}

/// wrk's figures for one run. Latencies in microseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub requests: u64,
    pub duration_us: u64,
    pub bytes: u64,
    pub connect_errors: u64,
    pub read_errors: u64,
    pub write_errors: u64,
    pub timeouts: u64,
    /// Answers with a status of 400 or more.
    pub status_errors: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    pub mean_us: f64,
    /// Every latency recorded, by value, with how many requests took it; empty where the
    /// figures did not come from wrk. Read back, not written to the summary: it is thousands
    /// of pairs.
    #[serde(default, skip_serializing)]
    pub latency_us: Vec<(u64, u64)>,
}

/// Microseconds, as wrk counts them, in milliseconds.
pub fn ms(us: u64) -> f64 {
    us as f64 / 1e3
}

impl Figures {
    pub fn rps(&self) -> f64 {
        if self.duration_us == 0 { 0.0 } else { self.requests as f64 * 1e6 / self.duration_us as f64 }
    }

    pub fn errors(&self) -> u64 {
        self.connect_errors + self.read_errors + self.write_errors + self.timeouts + self.status_errors
    }

    /// Several runs of one load as one: counts and time added up; the percentiles of all their
    /// requests together where every run recorded its latencies, else the mean p50 and p90
    /// and the worst p99 (percentiles of separate runs cannot be merged without them).
    pub fn combine(runs: impl Iterator<Item = Self>) -> Self {
        let runs: Vec<Self> = runs.collect();
        let count = runs.len().max(1) as u64;
        let sum = |f: fn(&Self) -> u64| runs.iter().map(f).sum::<u64>();
        let worst = |f: fn(&Self) -> u64| runs.iter().map(f).max().unwrap_or(0);
        let requests = sum(|r| r.requests);
        let weighted_mean = runs.iter().map(|r| r.mean_us * r.requests as f64).sum::<f64>();
        let latency_us = if runs.iter().all(|r| !r.latency_us.is_empty()) {
            merged(runs.iter().map(|r| r.latency_us.as_slice()))
        } else {
            Vec::new()
        };
        let at = |p: f64, otherwise: u64| if latency_us.is_empty() { otherwise } else { percentile(&latency_us, p) };
        Self {
            requests,
            duration_us: sum(|r| r.duration_us),
            bytes: sum(|r| r.bytes),
            connect_errors: sum(|r| r.connect_errors),
            read_errors: sum(|r| r.read_errors),
            write_errors: sum(|r| r.write_errors),
            timeouts: sum(|r| r.timeouts),
            status_errors: sum(|r| r.status_errors),
            p50_us: at(50.0, sum(|r| r.p50_us) / count),
            p90_us: at(90.0, sum(|r| r.p90_us) / count),
            p99_us: at(99.0, worst(|r| r.p99_us)),
            max_us: worst(|r| r.max_us),
            mean_us: if requests == 0 { 0.0 } else { weighted_mean / requests as f64 },
            latency_us,
        }
    }

    /// Reads the line our report prints among wrk's own output.
    pub fn parse(output: &str) -> Option<Self> {
        output
            .lines()
            .find_map(|line| line.strip_prefix("BENCH_RESULT "))
            .and_then(|json| serde_json::from_str(json).ok())
    }
}

/// The counts of several runs' latencies added up, by value.
fn merged<'a>(runs: impl Iterator<Item = &'a [(u64, u64)]>) -> Vec<(u64, u64)> {
    let mut all = std::collections::BTreeMap::new();
    for (value, count) in runs.flatten() {
        *all.entry(*value).or_insert(0) += count;
    }
    all.into_iter().collect()
}

/// wrk's own rule (`stats_percentile`): the smallest value at or below which at least
/// `round(p% × requests + 0.5)` of the requests fall; the largest value when none is.
fn percentile(latencies: &[(u64, u64)], p: f64) -> u64 {
    let total: u64 = latencies.iter().map(|(_, count)| count).sum();
    let rank = ((p / 100.0) * total as f64 + 0.5).round() as u64;
    let mut seen = 0;
    for (value, count) in latencies {
        seen += count;
        if seen >= rank {
            return *value;
        }
    }
    latencies.last().map_or(0, |(value, _)| *value)
}

#[derive(Debug, thiserror::Error)]
pub enum WrkError {
    #[error("could not run wrk ({0}); install it with `apt-get install wrk`")]
    Spawn(std::io::Error),
    #[error("wrk failed on {label}: {output}")]
    Failed { label: String, output: String },
}

impl Load {
    /// Runs to the end, printing progress every five seconds.
    pub async fn run(&self) -> Result<Figures, WrkError> {
        let mut command = tokio::process::Command::new("wrk");
        command
            .arg(format!("-t{}", self.threads.min(self.connections)))
            .arg(format!("-c{}", self.connections))
            .arg(format!("-d{}s", self.duration.as_secs()))
            .arg(format!("--timeout={}s", self.timeout.as_secs()))
            .arg("-s")
            .arg(&self.script)
            .arg(&self.url);
        if !self.args.is_empty() {
            let fresh = RUNS.fetch_add(1, Ordering::Relaxed).to_string();
            command.arg("--").args(self.args.iter().map(|arg| arg.replace(FRESH, &fresh)));
        }
        let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true).spawn();
        let output = child.map_err(WrkError::Spawn)?.wait_with_output();
        tokio::pin!(output);
        let mut ticks = tokio::time::interval(Duration::from_secs(5));
        ticks.tick().await;
        let mut elapsed = 0;
        let output = loop {
            tokio::select! {
                output = &mut output => break output.map_err(WrkError::Spawn)?,
                _ = ticks.tick() => {
                    elapsed += 5;
                    crate::progress(&format!("      {}: {elapsed} s of {} s", self.label, self.duration.as_secs()));
                }
            }
        };
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        match Figures::parse(&text) {
            Some(figures) if output.status.success() => Ok(figures),
            _ => Err(WrkError::Failed { label: self.label.clone(), output: text }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_report_line_among_wrks_output() {
        let output = "Running 1s test @ http://127.0.0.1:1/health/live\n  2 threads and 8 connections\n\
            BENCH_RESULT {\"requests\":30000,\"duration_us\":1500000,\"bytes\":1,\"connect_errors\":0,\
            \"read_errors\":1,\"write_errors\":0,\"timeouts\":2,\"status_errors\":3,\"p50_us\":150,\
            \"p90_us\":300,\"p99_us\":900,\"max_us\":5000,\"mean_us\":170.5,\"latency_us\":[[120,3],[900,1]]}\n\
            Requests/sec: 20000.00\n";
        let figures = Figures::parse(output).unwrap();
        assert_eq!(figures.rps(), 20_000.0);
        assert_eq!(figures.errors(), 6);
        assert_eq!(figures.p99_us, 900);
        assert_eq!(figures.latency_us, vec![(120, 3), (900, 1)]);
    }

    #[test]
    fn output_without_a_report_is_not_figures() {
        assert_eq!(Figures::parse("unable to connect to 127.0.0.1:1 Connection refused"), None);
    }

    #[test]
    fn rounds_combine_into_the_rate_over_their_whole_time_and_the_worst_tail() {
        let round =
            |requests, p99_us| Figures { requests, duration_us: 1_000_000, p50_us: 100, p99_us, ..Figures::default() };
        let both = Figures::combine([round(30_000, 900), round(10_000, 4_000)].into_iter());
        assert_eq!(both.rps(), 20_000.0);
        assert_eq!((both.p50_us, both.p99_us), (100, 4_000));
    }

    #[test]
    fn rounds_with_their_latencies_give_the_percentiles_of_all_their_requests() {
        // 1,000 requests in each round. The slow round's p99 (5 ms) is its own worst 1%, 10
        // requests: 0.5% of both rounds together, which puts their p99 at the fast round's tail.
        let round = |latency_us: Vec<(u64, u64)>| Figures {
            requests: 1_000,
            duration_us: 1_000_000,
            p99_us: 0,
            latency_us,
            ..Figures::default()
        };
        let fast = round(vec![(100, 980), (900, 20)]);
        let slow = round(vec![(100, 500), (200, 490), (5_000, 10)]);
        let both = Figures::combine([fast, slow].into_iter());
        assert_eq!((both.p50_us, both.p90_us, both.p99_us), (100, 200, 900));
        assert_eq!(both.latency_us, vec![(100, 1_480), (200, 490), (900, 20), (5_000, 10)]);
        // One round without its latencies: the conservative merge, the worst round's p99.
        let unknown = Figures { p99_us: 7_000, ..round(Vec::new()) };
        let mixed = Figures::combine([round(vec![(100, 1_000)]), unknown].into_iter());
        assert_eq!(mixed.p99_us, 7_000);
    }

    #[test]
    fn a_percentile_is_read_as_wrk_reads_it() {
        let latencies = [(10, 1), (20, 97), (30, 1), (40, 1)];
        assert_eq!(percentile(&latencies, 50.0), 20);
        assert_eq!(percentile(&latencies, 98.0), 30);
        // wrk's rank is rounded up by half a request more: the 99th of 100 is the 100th.
        assert_eq!(percentile(&latencies, 99.0), 40);
        assert_eq!(percentile(&[], 99.0), 0);
    }

    #[test]
    fn an_empty_run_has_no_rate() {
        assert_eq!(Figures::default().rps(), 0.0);
    }
}
