//! The machine a run was made on, recorded beside its numbers, and its CPU use over a run.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub kernel: String,
    pub postgres: Option<String>,
    pub wrk: String,
}

impl Machine {
    pub fn describe(postgres: Option<String>) -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name").and_then(|rest| rest.split_once(':')))
            .map_or_else(|| "unknown".to_owned(), |(_, model)| model.trim().to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_kib: f64 = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0);
        Self {
            cpu,
            cores: cores(),
            memory_gib: (memory_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_owned(),
            postgres,
            wrk: command_output("wrk", &["--version"]).lines().next().unwrap_or("").trim().to_owned(),
        }
    }
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Clock ticks per second, as `/proc` counts CPU time.
pub fn clock_ticks_per_second() -> f64 {
    command_output("getconf", &["CLK_TCK"]).trim().parse().unwrap_or(100.0)
}

/// Busy and total jiffies of the whole machine, from `/proc/stat`.
#[derive(Debug, Clone, Copy)]
pub struct CpuSample {
    busy: u64,
    total: u64,
}

impl CpuSample {
    pub fn now() -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let values: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
        // user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
        let total: u64 = values.iter().take(8).sum();
        let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
        Some(Self { busy: total - idle, total })
    }

    /// How many cores were busy on average since `earlier`.
    pub fn busy_cores_since(&self, earlier: &Self) -> f64 {
        let total = self.total.saturating_sub(earlier.total);
        if total == 0 {
            return 0.0;
        }
        self.busy.saturating_sub(earlier.busy) as f64 / total as f64 * cores() as f64
    }
}

/// Waits until the whole machine used under a seventh of a core over a quarter of a second
/// (the service, its database, the load generator); false when it never did within `at_most`.
pub async fn wait_until_idle(at_most: std::time::Duration) -> bool {
    let quarter = std::time::Duration::from_millis(250);
    let deadline = tokio::time::Instant::now() + at_most;
    let mut last = CpuSample::now();
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(quarter).await;
        let now = CpuSample::now();
        match (last, now) {
            (Some(before), Some(after)) if after.busy_cores_since(&before) < 0.15 => return true,
            (_, None) => return false,
            _ => last = now,
        }
    }
    false
}

fn command_output(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .map(|out| format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
        .unwrap_or_default()
}
