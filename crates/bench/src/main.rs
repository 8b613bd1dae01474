//! `make bench`: the service's release build under load from wrk, on PostgreSQL and SQLite.
//! Settings come from `BENCH_*` variables (see docs/performance.md); the summary is printed and
//! written to `target/bench/summary.json`.

#![allow(clippy::print_stdout, reason = "a command-line tool: its progress and table are its output")]

mod accounts;
mod bcrypt_limit;
mod database;
mod machine;
mod options;
mod passkey_login;
mod plan;
mod reference;
mod report;
mod rounds;
mod scenarios;
mod service;
mod wrk;

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use bcrypt_limit::BcryptLimit;
use machine::Machine;
use options::{Backend, Options};
use plan::Plan;
use report::{BackendReport, Summary};
use service::{Launch, Service};

/// Everything the runner tells as it goes, on one line each.
pub fn progress(line: &str) {
    println!("{line}");
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let options = Options::from_env()?;
    std::fs::create_dir_all(&options.out_dir).map_err(|e| format!("{}: {e}", options.out_dir.display()))?;
    let started_at = chrono::Utc::now();
    let cost = options.bcrypt_cost;
    progress(&format!("measuring bcrypt verifies at cost {cost}: 9 on one core, then on every core at once…"));
    let bcrypt = tokio::task::spawn_blocking(move || BcryptLimit::measure(cost, 9))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    progress(&format!(
        "  {:.0} ms per verify on one core ({:.2}/s times {} cores); every core at once: at most {:.2} sign-ins/s",
        bcrypt.verify_ms, bcrypt.per_second_from_one_core, bcrypt.cores, bcrypt.per_second
    ));
    match bcrypt.pyca_verify_ms {
        Some(pyca) => progress(&format!(
            "  pyca/bcrypt on the same core: {pyca:.0} ms per verify ({:.2}× ours)",
            pyca / bcrypt.verify_ms
        )),
        None => progress("  pyca/bcrypt not measured: `pip install bcrypt` to compare"),
    }
    let mut postgres_version = None;
    let mut backends = Vec::new();
    for &backend in &options.backends {
        let (report, version) = bench_backend(backend, &options, &bcrypt).await?;
        postgres_version = postgres_version.or(version);
        backends.push(report);
    }
    let summary = Summary {
        started_at: started_at.to_rfc3339(),
        machine: Machine::describe(postgres_version),
        settings: serde_json::json!({
            "duration_s": options.duration.as_secs(),
            "warmup_s": options.warmup.as_secs(),
            "connections": options.connections,
            "rounds": options.rounds,
            "hashing_connections": options.hashing_connections,
            "wrk_threads": options.wrk_threads,
            "users": options.users,
            "bcrypt_cost": options.bcrypt_cost,
        }),
        bcrypt,
        backends,
    };
    summary.print();
    write_summary(&summary, &options.out_dir, &started_at)
}

fn write_summary(summary: &Summary, dir: &Path, at: &chrono::DateTime<chrono::Utc>) -> Result<(), String> {
    let json = serde_json::to_string_pretty(summary).map_err(|e| e.to_string())?;
    let dated = dir.join(format!("summary-{}.json", at.format("%Y%m%dT%H%M%SZ")));
    for path in [dir.join("summary.json"), dated] {
        std::fs::write(&path, &json).map_err(|e| format!("{}: {e}", path.display()))?;
        progress(&format!("summary written to {}", path.display()));
    }
    Ok(())
}

async fn bench_backend(
    backend: Backend,
    options: &Options,
    bcrypt: &BcryptLimit,
) -> Result<(BackendReport, Option<String>), String> {
    let name = backend.name();
    let dir = options.out_dir.join(name);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    progress(&format!("\n== {name} =="));
    let (database_url, version) = database::prepare(backend, &options.postgres_admin_url, &dir).await?;
    let log = dir.join("service.log");
    drop(std::fs::remove_file(&log));
    let launch = Launch {
        binary: options.service_binary.clone(),
        database_url,
        secret_key: hex::encode(rand::random::<[u8; 32]>()),
        bcrypt_cost: options.bcrypt_cost,
        log: log.clone(),
        dir: dir.clone(),
    };
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().map_err(|e| e.to_string())?;
    let (first, startup) = Service::start(&launch, &http).await.map_err(|e| e.to_string())?;
    first.stop();
    let (service, restart) = Service::start(&launch, &http).await.map_err(|e| e.to_string())?;
    progress(&format!(
        "  healthy {:.0} ms after start on an empty database (migrations run), {:.0} ms on restart; log: {}",
        ms(startup),
        ms(restart),
        service.log().display()
    ));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss = service.rss().unwrap_or(0);
    progress(&format!("  idle: {:.1} MB resident", idle_rss as f64 / 1e6));

    let run_id = hex::encode(rand::random::<[u8; 4]>());
    let password = format!("bench-{}", hex::encode(rand::random::<[u8; 12]>()));
    progress(&format!("  registering {} users ({} at a time)…", options.users, options.hashing_connections));
    let accounts = accounts::register(
        &http,
        &service.base_url,
        &run_id,
        &password,
        options.users,
        options.hashing_connections as usize,
    )
    .await?;
    let write = |file: &str, lines: Vec<&str>| -> Result<String, String> {
        let path = dir.join(file);
        std::fs::write(&path, lines.join("\n") + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path.display().to_string())
    };
    let tokens = write("tokens.txt", accounts.iter().map(|a| a.access_token.as_str()).collect())?;
    let emails = write("emails.txt", accounts.iter().map(|a| a.email.as_str()).collect())?;

    let plan = Plan { options, base_url: &service.base_url, dir: &dir, tokens, emails, password, run_id };
    let planned: Vec<_> = plan
        .scenarios()?
        .into_iter()
        .filter(|(name, _)| options.scenarios.is_empty() || options.scenarios.iter().any(|s| s == name))
        .collect();
    let (reads, others): (Vec<_>, Vec<_>) =
        planned.into_iter().partition(|(name, _)| report::names::READS.contains(name));
    let mut scenarios = Vec::new();
    if !reads.is_empty() {
        scenarios.extend(reads_against_bare(&http, &service, &plan, &accounts, reads).await?);
    }
    let count = others.len();
    let mut limit_beside_login = None;
    for (number, (scenario, loads)) in others.into_iter().enumerate() {
        let described: Vec<String> =
            loads.iter().map(|l| format!("{} ×{} for {} s", l.label, l.connections, l.duration.as_secs())).collect();
        progress(&format!("  [{}/{count}] {scenario}: {}", number + 1, described.join(" + ")));
        let login = scenario == report::names::LOGIN;
        let before = if login { Some(bcrypt_on_every_core(bcrypt, "before").await?) } else { None };
        scenarios.push(scenarios::run(scenario, loads, options.warmup, service.pid()).await?);
        if let Some(before) = before {
            let after = bcrypt_on_every_core(bcrypt, "after").await?;
            limit_beside_login = Some(bcrypt_limit::LimitBesideLogin { before, after });
        }
    }
    if options.scenarios.is_empty() || options.scenarios.iter().any(|s| s == report::names::PASSKEY_LOGIN) {
        scenarios.push(passkey_scenario(&http, &service, &accounts, options).await?);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_after = service.rss().unwrap_or(0);
    let peak = service.peak_rss().unwrap_or(0);
    service.stop();
    let mut report = BackendReport {
        backend: name,
        startup_ms: ms(startup),
        restart_ms: ms(restart),
        idle_rss_mb: idle_rss as f64 / 1e6,
        idle_rss_after_mb: idle_after as f64 / 1e6,
        peak_rss_mb: peak as f64 / 1e6,
        scenarios,
        limit_beside_login,
        checks: Vec::new(),
    };
    report.evaluate(bcrypt, options.connections);
    Ok((report, version))
}

/// The bcrypt limit again, with the machine idle: its speed drifts over a run, and
/// login is measured against the limit of its own minutes.
async fn bcrypt_on_every_core(bcrypt: &BcryptLimit, when: &str) -> Result<f64, String> {
    // Logins wrk left queued are still being hashed when it stops, and the database may still
    // be writing: a limit measured beside them would be too low.
    if !machine::wait_until_idle(Duration::from_secs(15)).await {
        progress(&format!("    the machine was still busy 15 s {when} the logins; measuring anyway"));
    }
    let limit = *bcrypt;
    let per_second = tokio::task::spawn_blocking(move || limit.all_cores_now(4))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    progress(&format!("    bcrypt on every core {when} the logins: {per_second:.2} verifies/s"));
    Ok(per_second)
}

/// The read scenarios in turns with the bare actix-web handler serving `/me`'s body.
async fn reads_against_bare(
    http: &reqwest::Client,
    service: &Service,
    plan: &Plan<'_>,
    accounts: &[accounts::Account],
    reads: Vec<(&'static str, Vec<wrk::Load>)>,
) -> Result<Vec<scenarios::Scenario>, String> {
    let options = plan.options;
    let token = accounts.first().map(|a| a.access_token.as_str()).unwrap_or_default();
    let me = http
        .get(format!("{}/api/auth/me", service.base_url))
        .bearer_auth(token)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| format!("GET /api/auth/me: {e}"))?;
    let body = me.bytes().await.map_err(|e| e.to_string())?;
    let body_file = plan.dir.join("me-body.json");
    std::fs::write(&body_file, &body).map_err(|e| format!("{}: {e}", body_file.display()))?;
    let reference = reference::Reference::start(&reference::Reference::binary()?, &body_file, http).await?;
    let per_round = options.duration.div_f64(f64::from(options.rounds)).max(Duration::from_secs(1));
    let per_round = Duration::from_secs(per_round.as_secs_f64().ceil() as u64);
    let timed = |load: wrk::Load| wrk::Load { duration: per_round, ..load };
    progress(&format!(
        "  the read scenarios and the bare handler ({} bytes of JSON, /me's): {} rounds of {} s each",
        body.len(),
        options.rounds,
        per_round.as_secs()
    ));
    let turns = rounds::Turns {
        reads: reads.into_iter().map(|(name, loads)| (name, loads.into_iter().map(timed).collect())).collect(),
        bare: timed(plan.bare(&reference.base_url)?),
        rounds: options.rounds,
        warmup: options.warmup,
        service_pid: service.pid(),
        bare_pid: reference.pid(),
    };
    turns.run().await
}

/// Every benchmark user adds a passkey, then `connections` loops sign in with them.
async fn passkey_scenario(
    http: &reqwest::Client,
    service: &Service,
    accounts: &[accounts::Account],
    options: &Options,
) -> Result<scenarios::Scenario, String> {
    let connections = options.hashing_connections as usize;
    progress(&format!("  passkey_login: {} users add a passkey…", accounts.len()));
    let devices = passkey_login::devices(http, &service.base_url, accounts).await?;
    progress(&format!(
        "  passkey_login: {} ×{connections} for {} s",
        report::names::PASSKEY_LOAD,
        options.duration.as_secs()
    ));
    let (_, devices) = passkey_login::sign_ins(http, &service.base_url, devices, connections, options.warmup).await?;
    let labels = [(report::names::PASSKEY_LOAD.to_owned(), connections as u32)];
    let work = async {
        let (figures, _) =
            passkey_login::sign_ins(http, &service.base_url, devices, connections, options.duration).await?;
        Ok(vec![figures])
    };
    scenarios::measure(report::names::PASSKEY_LOGIN, &labels, service.pid(), work).await
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
