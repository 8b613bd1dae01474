//! The summary: what was measured on which machine, each target met or missed.

use serde::Serialize;

use crate::bcrypt_limit::{BcryptLimit, LimitBesideLogin};
use crate::machine::Machine;
use crate::scenarios::Scenario;
use crate::wrk::ms;

#[derive(Debug, Clone, Serialize)]
pub struct BackendReport {
    pub backend: &'static str,
    /// Process start to the first 200 from `/health`, migrations of an empty database included.
    pub startup_ms: f64,
    /// The same, with the schema already in place.
    pub restart_ms: f64,
    pub idle_rss_mb: f64,
    pub idle_rss_after_mb: f64,
    /// The most resident memory the process ever had (VmHWM).
    pub peak_rss_mb: f64,
    pub scenarios: Vec<Scenario>,
    /// Verifies per second on every core, measured just before and just after the logins.
    pub limit_beside_login: Option<LimitBesideLogin>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub target: String,
    pub measured: String,
    pub met: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub started_at: String,
    pub machine: Machine,
    pub settings: serde_json::Value,
    pub bcrypt: BcryptLimit,
    pub backends: Vec<BackendReport>,
}

/// The scenarios' names, shared by the runner and the checks.
pub mod names {
    pub const ME: &str = "me";
    pub const HEALTH_LIVE: &str = "health_live";
    pub const HEALTH: &str = "health";
    pub const LOGIN: &str = "login";
    pub const REGISTER_WITH_ME: &str = "register_with_me";
    /// Four addresses logging in and sixteen connections reading `/me`, alone…
    pub const FAIR_IDLE: &str = "fair_idle";
    /// …and beside one address flooding sign-ups.
    pub const FAIR_FLOOD: &str = "fair_flood";
    /// Sign-ins with a software authenticator's passkeys: no bcrypt.
    pub const PASSKEY_LOGIN: &str = "passkey_login";
    /// actix-web alone, measured in turns with the three read scenarios (not selectable: it
    /// runs whenever one of them does).
    pub const BARE: &str = "bare_actix";
    pub const BARE_LOAD: &str = "GET / (bare actix-web)";
    /// The scenarios compared with it.
    pub const READS: [&str; 3] = [ME, HEALTH_LIVE, HEALTH];
    pub const ALL: [&str; 8] = [ME, HEALTH_LIVE, HEALTH, LOGIN, REGISTER_WITH_ME, FAIR_IDLE, FAIR_FLOOD, PASSKEY_LOGIN];
    /// Loads of the scenarios with two at once.
    pub const LOGIN_LOAD: &str = "POST /api/auth/login";
    pub const LIVE_PROBE: &str = "GET /health/live (probe)";
    pub const ME_LOAD: &str = "GET /api/auth/me";
    pub const LIVE_LOAD: &str = "GET /health/live";
    pub const OTHERS_LOGIN_LOAD: &str = "login, 4 addresses";
    pub const OTHERS_ME_LOAD: &str = "/me, 16 connections";
    pub const FLOOD_LOAD: &str = "register, 1 address";
    pub const PASSKEY_LOAD: &str = "passkey sign-in (start + finish)";
}

impl BackendReport {
    /// The targets the service is held to on this machine.
    pub fn evaluate(&mut self, bcrypt: &BcryptLimit, connections: u32) {
        let mut checks = Vec::new();
        let mut check = |target: String, measured: String, met: bool| checks.push(Check { target, measured, met });
        let find = |scenario: &str, load: &str| {
            self.scenarios.iter().find(|s| s.name == scenario).and_then(|s| s.load(load)).cloned()
        };
        if let Some(me) = find(names::ME, names::ME_LOAD) {
            check(
                format!("/api/auth/me ≥ 15000 rps, p99 < 10 ms at {connections} connections, no errors"),
                format!("{:.0} rps, p99 {:.2} ms, {} errors", me.rps, ms(me.figures.p99_us), me.errors),
                me.rps >= 15_000.0 && ms(me.figures.p99_us) < 10.0 && me.errors == 0,
            );
        }
        if let Some(live) = find(names::HEALTH_LIVE, names::LIVE_LOAD) {
            check("/health/live ≥ 40000 rps".into(), format!("{:.0} rps", live.rps), live.rps >= 40_000.0);
        }
        if let Some(login) = find(names::LOGIN, names::LOGIN_LOAD) {
            let (limit, when) = match self.limit_beside_login {
                Some(beside) => (
                    beside.per_second(),
                    format!("{:.2} before and {:.2} after the logins", beside.before, beside.after),
                ),
                None => (bcrypt.per_second, "at the start".to_owned()),
            };
            let share = login.rps / limit * 100.0;
            check(
                format!("login ≥ 90% of the bcrypt limit ({limit:.2}/s on every core, {when}), no errors"),
                format!("{:.2}/s = {share:.0}%, {} errors", login.rps, login.errors),
                share >= 90.0 && login.errors == 0,
            );
        }
        if let Some(probe) = find(names::LOGIN, names::LIVE_PROBE) {
            check(
                "/health/live p99 < 50 ms during logins".into(),
                format!("p99 {:.2} ms", ms(probe.figures.p99_us)),
                ms(probe.figures.p99_us) < 50.0 && probe.errors == 0,
            );
        }
        if let (Some(idle), Some(flood)) =
            (find(names::FAIR_IDLE, names::OTHERS_LOGIN_LOAD), find(names::FAIR_FLOOD, names::OTHERS_LOGIN_LOAD))
        {
            let (idle_p99, flood_p99) = (ms(idle.figures.p99_us), ms(flood.figures.p99_us));
            check(
                format!("others' login p99 during a sign-up flood ≤ 3× idle ({idle_p99:.0} ms), no errors"),
                format!("p99 {flood_p99:.0} ms = {:.1}×, {} errors", flood_p99 / idle_p99, flood.errors),
                flood_p99 <= 3.0 * idle_p99 && flood.errors == 0,
            );
        }
        if let Some(me) = find(names::FAIR_FLOOD, names::OTHERS_ME_LOAD) {
            check(
                "/api/auth/me p99 < 20 ms during a sign-up flood, no errors".into(),
                format!("p99 {:.2} ms, {} errors", ms(me.figures.p99_us), me.errors),
                ms(me.figures.p99_us) < 20.0 && me.errors == 0,
            );
        }
        if let Some(bare) = find(names::BARE, names::BARE_LOAD) {
            for (scenario, load, target) in
                [(names::ME, names::ME_LOAD, 70.0), (names::HEALTH_LIVE, names::LIVE_LOAD, 85.0)]
            {
                if let Some(ours) = find(scenario, load) {
                    let share = ours.rps / bare.rps * 100.0;
                    check(
                        format!("{load} ≥ {target:.0}% of the bare actix-web handler ({:.0} rps)", bare.rps),
                        format!("{:.0} rps = {share:.0}%", ours.rps),
                        share >= target,
                    );
                }
            }
        }
        if let Some(me) = find(names::ME, names::ME_LOAD) {
            check(
                format!("/api/auth/me p99 < 5 ms at {connections} connections"),
                format!("p99 {:.2} ms", ms(me.figures.p99_us)),
                ms(me.figures.p99_us) < 5.0,
            );
        }
        check("idle memory ≤ 20 MB RSS".into(), format!("{:.1} MB", self.idle_rss_mb), self.idle_rss_mb <= 20.0);
        check("idle memory < 30 MB RSS".into(), format!("{:.1} MB", self.idle_rss_mb), self.idle_rss_mb < 30.0);
        check("memory under load < 100 MB RSS".into(), format!("{:.1} MB", self.peak_rss_mb), self.peak_rss_mb < 100.0);
        check(
            "start-up to healthy < 1 s".into(),
            format!("{:.0} ms (empty database, migrations run); {:.0} ms restarting", self.startup_ms, self.restart_ms),
            self.startup_ms < 1000.0 && self.restart_ms < 1000.0,
        );
        self.checks = checks;
    }
}

impl BackendReport {
    /// Each read scenario as a share of the bare handler: over the whole run, and per round.
    fn print_ratios(&self) {
        let find = |name: &str| self.scenarios.iter().find(|s| s.name == name).and_then(|s| s.loads.first());
        let Some(bare) = find(names::BARE) else { return };
        crate::progress(&format!("against the bare actix-web handler ({:.0} rps):", bare.rps));
        for name in names::READS {
            let Some(ours) = find(name) else { continue };
            let rounds: Vec<String> = ours
                .round_rps
                .iter()
                .zip(&bare.round_rps)
                .map(|(ours, bare)| format!("{:.0}%", ours / bare * 100.0))
                .collect();
            crate::progress(&format!(
                "  {:<16} {:>9.0} rps = {:>3.0}% (rounds: {}), p99 {:.2} ms against {:.2} ms",
                name,
                ours.rps,
                ours.rps / bare.rps * 100.0,
                rounds.join(", "),
                ms(ours.figures.p99_us),
                ms(bare.figures.p99_us)
            ));
        }
    }
}

impl Summary {
    /// The closing table, one block per database.
    pub fn print(&self) {
        let m = &self.machine;
        crate::progress(&format!("\nMachine: {} × {} cores, {} GiB, Linux {}", m.cpu, m.cores, m.memory_gib, m.kernel));
        crate::progress(&format!(
            "bcrypt cost {}: one verify {:.0} ms on one core ({:.2}/s times {} cores); limit {:.2} sign-ins/s on every core at once",
            self.bcrypt.cost,
            self.bcrypt.verify_ms,
            self.bcrypt.per_second_from_one_core,
            self.bcrypt.cores,
            self.bcrypt.per_second
        ));
        for backend in &self.backends {
            crate::progress(&format!("\n== {} ==", backend.backend));
            crate::progress(&format!(
                "{:<18} {:<28} {:>5} {:>10} {:>9} {:>9} {:>9} {:>7}",
                "scenario", "load", "conns", "rps", "p50 ms", "p99 ms", "max ms", "errors"
            ));
            for scenario in &backend.scenarios {
                for load in &scenario.loads {
                    crate::progress(&format!(
                        "{:<18} {:<28} {:>5} {:>10.1} {:>9.2} {:>9.2} {:>9.1} {:>7}",
                        scenario.name,
                        load.label,
                        load.connections,
                        load.rps,
                        ms(load.figures.p50_us),
                        ms(load.figures.p99_us),
                        ms(load.figures.max_us),
                        load.errors
                    ));
                }
            }
            backend.print_ratios();
            for check in &backend.checks {
                let mark = if check.met { "met   " } else { "MISSED" };
                crate::progress(&format!("  {mark} {}: {}", check.target, check.measured));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::Measured;
    use crate::wrk::Figures;

    fn logins(per_second: u64) -> BackendReport {
        let figures = Figures { requests: per_second * 20, duration_us: 20_000_000, ..Figures::default() };
        BackendReport {
            backend: "postgres",
            startup_ms: 0.0,
            restart_ms: 0.0,
            idle_rss_mb: 0.0,
            idle_rss_after_mb: 0.0,
            peak_rss_mb: 0.0,
            scenarios: vec![Scenario {
                name: names::LOGIN.into(),
                loads: vec![Measured::new(names::LOGIN_LOAD, 8, figures)],
                service_cores: 0.0,
                machine_cores: 0.0,
                peak_rss_mb: 0.0,
            }],
            limit_beside_login: None,
            checks: Vec::new(),
        }
    }

    fn login_check(report: &BackendReport) -> &Check {
        report.checks.iter().find(|c| c.target.starts_with("login ≥ 90%")).unwrap()
    }

    const AT_THE_START: BcryptLimit = BcryptLimit {
        cost: 12,
        verify_ms: 250.0,
        cores: 2,
        per_second: 8.0,
        per_second_from_one_core: 8.0,
        pyca_verify_ms: None,
    };

    #[test]
    fn login_is_held_to_the_limit_measured_around_it() {
        // 7 logins/s: 87.5% of the limit at the start, 93% of the one around the logins.
        let mut report = logins(7);
        report.limit_beside_login = Some(LimitBesideLogin { before: 7.4, after: 7.6 });
        report.evaluate(&AT_THE_START, 32);
        let check = login_check(&report);
        assert!(check.met, "{check:?}");
        assert!(check.target.contains("7.50/s") && check.target.contains("7.40 before and 7.60 after"), "{check:?}");
        assert!(check.measured.contains("= 93%"), "{check:?}");
    }

    #[test]
    fn without_a_limit_around_the_logins_the_one_at_the_start_counts() {
        let mut report = logins(7);
        report.evaluate(&AT_THE_START, 32);
        let check = login_check(&report);
        assert!(!check.met, "{check:?}");
        assert!(check.target.contains("8.00/s") && check.target.contains("at the start"), "{check:?}");
    }
}
