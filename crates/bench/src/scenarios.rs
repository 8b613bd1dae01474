//! The scenarios, run against one started service: warm-up, then the measured run, with the
//! service's memory sampled and the machine's CPU accounted meanwhile.

use std::future::Future;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::machine::{CpuSample, clock_ticks_per_second};
use crate::service::cpu_ticks_of;
use crate::wrk::{Figures, Load, ms};

/// One load of a scenario, as measured: wrk's figures, with the rate and error count that
/// readers of the summary look for first.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    pub label: String,
    pub connections: u32,
    pub rps: f64,
    pub errors: u64,
    #[serde(flatten)]
    pub figures: Figures,
    /// The rate of each round, where the scenario ran in rounds with the bare handler.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub round_rps: Vec<f64>,
}

impl Measured {
    pub fn new(label: &str, connections: u32, figures: Figures) -> Self {
        Self {
            label: label.to_owned(),
            connections,
            rps: figures.rps(),
            errors: figures.errors(),
            figures,
            round_rps: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub name: String,
    pub loads: Vec<Measured>,
    /// CPU the service used, in cores, over the measured run.
    pub service_cores: f64,
    /// CPU the whole machine used (service, database, wrk), in cores.
    pub machine_cores: f64,
    pub peak_rss_mb: f64,
}

impl Scenario {
    pub fn load(&self, label: &str) -> Option<&Measured> {
        self.loads.iter().find(|m| m.label == label)
    }
}

/// Runs `loads` together: first for `warmup` (discarded), then measured.
pub async fn run(name: &str, loads: Vec<Load>, warmup: Duration, pid: u32) -> Result<Scenario, String> {
    if !warmup.is_zero() {
        let warm: Vec<Load> = loads
            .iter()
            .map(|l| Load { duration: warmup, label: format!("{} warm-up", l.label), ..l.clone() })
            .collect();
        run_together(&warm).await?;
    }
    let labels: Vec<(String, u32)> = loads.iter().map(|l| (l.label.clone(), l.connections)).collect();
    measure(name, &labels, pid, run_together(&loads)).await
}

/// Measures `work` (one [`Figures`] per labelled load, with its connections) with the CPU and
/// memory of the server under load (process `pid`) over it.
pub async fn measure(
    name: &str,
    labels: &[(String, u32)],
    pid: u32,
    work: impl Future<Output = Result<Vec<Figures>, String>>,
) -> Result<Scenario, String> {
    let (ticks, cpu) = (cpu_ticks_of(pid), CpuSample::now());
    let started = Instant::now();
    let sampling = sample_rss(pid);
    let figures = work.await?;
    let peak_rss = sampling.finish().await;
    let seconds = started.elapsed().as_secs_f64();
    let service_cores = match (ticks, cpu_ticks_of(pid)) {
        (Some(before), Some(after)) => after.saturating_sub(before) as f64 / clock_ticks_per_second() / seconds,
        _ => 0.0,
    };
    let machine_cores = match (cpu, CpuSample::now()) {
        (Some(before), Some(after)) => after.busy_cores_since(&before),
        _ => 0.0,
    };
    let loads: Vec<Measured> =
        labels.iter().zip(figures).map(|((label, connections), f)| Measured::new(label, *connections, f)).collect();
    for m in &loads {
        crate::progress(&format!(
            "      {}: {:.0} rps, p50 {:.2} ms, p99 {:.2} ms, {} errors",
            m.label,
            m.rps,
            ms(m.figures.p50_us),
            ms(m.figures.p99_us),
            m.errors
        ));
    }
    crate::progress(&format!(
        "      cores busy: service {service_cores:.2}, machine {machine_cores:.2}; service peak RSS {:.1} MB",
        peak_rss as f64 / 1e6
    ));
    Ok(Scenario { name: name.to_owned(), loads, service_cores, machine_cores, peak_rss_mb: peak_rss as f64 / 1e6 })
}

/// Starts every load before awaiting any, so that they overlap.
async fn run_together(loads: &[Load]) -> Result<Vec<Figures>, String> {
    let runs: Vec<_> = loads.iter().cloned().map(|load| tokio::spawn(async move { load.run().await })).collect();
    let mut figures = Vec::with_capacity(runs.len());
    for run in runs {
        figures.push(run.await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?);
    }
    Ok(figures)
}

/// The highest resident memory seen, sampled every 200 ms until `finish`.
struct RssSampling {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<u64>,
}

fn sample_rss(pid: u32) -> RssSampling {
    let (stop, mut stopped) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let mut peak = 0;
        let mut ticks = tokio::time::interval(Duration::from_millis(200));
        loop {
            tokio::select! {
                _ = &mut stopped => return peak,
                _ = ticks.tick() => peak = peak.max(crate::service::rss_of(pid).unwrap_or(0)),
            }
        }
    });
    RssSampling { stop, task }
}

impl RssSampling {
    async fn finish(self) -> u64 {
        let _stopped = self.stop.send(());
        self.task.await.unwrap_or(0)
    }
}
