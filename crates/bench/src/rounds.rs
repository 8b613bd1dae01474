//! The read scenarios measured in turns with the bare actix-web handler: every round runs the
//! bare handler, then each read scenario, so that all of them see the same state of the
//! machine. Absolute rates on a shared virtual machine move by a quarter from one run to the
//! next, and by several points from one second to the next: more and shorter rounds, each
//! turn close in time to the bare handler's, damp those jumps; they do not remove them.

use std::time::Duration;

use crate::scenarios::{self, Measured, Scenario};
use crate::wrk::{Figures, Load};

/// The warm-up of every turn after the first round: the pools, caches and TCP stack have
/// settled by then, and wrk's new connections need only a moment. wrk counts whole seconds.
const LATER_WARMUP: Duration = Duration::from_secs(1);

/// The read scenarios of one service and the bare handler's load.
#[derive(Debug)]
pub struct Turns {
    pub reads: Vec<(&'static str, Vec<Load>)>,
    pub bare: Load,
    pub rounds: u32,
    pub warmup: Duration,
    pub service_pid: u32,
    pub bare_pid: u32,
}

impl Turns {
    /// Every round's runs, then each scenario's rounds merged into one, the bare handler's first.
    pub async fn run(self) -> Result<Vec<Scenario>, String> {
        let mut runs: Vec<(&'static str, Vec<Scenario>)> = Vec::new();
        let mut keep = |name: &'static str, scenario: Scenario| match runs.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(scenario),
            None => runs.push((name, vec![scenario])),
        };
        for round in 1..=self.rounds {
            crate::progress(&format!("  round {round} of {}", self.rounds));
            let warmup = if round == 1 { self.warmup } else { self.warmup.min(LATER_WARMUP) };
            crate::progress(&format!(
                "    {}: {} ×{}",
                crate::report::names::BARE,
                self.bare.label,
                self.bare.connections
            ));
            let bare =
                scenarios::run(crate::report::names::BARE, vec![self.bare.clone()], warmup, self.bare_pid).await?;
            let bare_rps = bare.loads.first().map_or(0.0, |m| m.rps);
            keep(crate::report::names::BARE, bare);
            for (name, loads) in &self.reads {
                crate::progress(&format!(
                    "    {name}: {}",
                    loads.iter().map(|l| l.label.as_str()).collect::<Vec<_>>().join(" + ")
                ));
                let scenario = scenarios::run(name, loads.clone(), warmup, self.service_pid).await?;
                if let Some(ours) = scenario.loads.first()
                    && bare_rps > 0.0
                {
                    crate::progress(&format!(
                        "      = {:.0}% of the bare handler in this round",
                        ours.rps / bare_rps * 100.0
                    ));
                }
                keep(name, scenario);
            }
        }
        Ok(runs.into_iter().map(|(name, rounds)| merge(name, &rounds)).collect())
    }
}

/// One scenario's rounds as one: rates over the whole time, percentiles over all the requests
/// (see [`Figures::combine`]), the worst maximum.
fn merge(name: &str, rounds: &[Scenario]) -> Scenario {
    let first = rounds.first();
    let loads = first
        .map(|s| s.loads.iter().map(|l| (l.label.clone(), l.connections)).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|(label, connections)| {
            let each: Vec<&Measured> = rounds.iter().filter_map(|s| s.load(&label)).collect();
            let figures = Figures::combine(each.iter().map(|m| m.figures.clone()));
            let mut merged = Measured::new(&label, connections, figures);
            merged.round_rps = each.iter().map(|m| m.rps).collect();
            merged
        })
        .collect();
    let count = rounds.len().max(1) as f64;
    Scenario {
        name: name.to_owned(),
        loads,
        service_cores: rounds.iter().map(|s| s.service_cores).sum::<f64>() / count,
        machine_cores: rounds.iter().map(|s| s.machine_cores).sum::<f64>() / count,
        peak_rss_mb: rounds.iter().map(|s| s.peak_rss_mb).fold(0.0, f64::max),
    }
}
