//! Passkey sign-ins per second: each benchmark user adds a passkey held by a software
//! authenticator, then connections sign in with them over and over (start, the authenticator's
//! signature, finish). No bcrypt is involved, so the service's own cost shows.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::accounts::Account;
use crate::wrk::Figures;

#[path = "../../api/tests/support/soft_passkey.rs"]
#[allow(dead_code, reason = "the API tests use the rest of the device")]
mod soft_passkey;

pub use soft_passkey::Device;

/// The site the service runs for (its default `FRONTEND_URL`): the origin the devices sign as.
const SITE: &str = "http://localhost:3000";

async fn post(
    http: &reqwest::Client,
    url: String,
    token: Option<&str>,
    from: &str,
    body: Value,
) -> Result<Value, String> {
    let mut request = http.post(&url).header("x-forwarded-for", from).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() { Ok(body) } else { Err(format!("{url} answered {status}: {body}")) }
}

/// Gives each of `accounts` a passkey on its own device.
pub async fn devices(http: &reqwest::Client, base_url: &str, accounts: &[Account]) -> Result<Vec<Device>, String> {
    let mut devices = Vec::with_capacity(accounts.len());
    for (n, account) in accounts.iter().enumerate() {
        let from = format!("10.77.{}.{}", n / 250 % 250, n % 250 + 1);
        let token = Some(account.access_token.as_str());
        let start = post(http, format!("{base_url}/api/auth/passkeys/register/start"), token, &from, json!({})).await?;
        let mut device = Device::holding(None, SITE);
        let credential = device.create(&start["publicKey"]).await;
        let body = json!({"ceremony": start["ceremony"], "credential": credential});
        post(http, format!("{base_url}/api/auth/passkeys/register/finish"), token, &from, body).await?;
        devices.push(device);
    }
    Ok(devices)
}

/// `connections` loops, each with its share of `devices`, signing in for `duration`. The
/// latency is a whole sign-in: start, signature, finish.
pub async fn sign_ins(
    http: &reqwest::Client,
    base_url: &str,
    devices: Vec<Device>,
    connections: usize,
    duration: Duration,
) -> Result<(Figures, Vec<Device>), String> {
    let mut shares: Vec<Vec<Device>> = (0..connections.max(1)).map(|_| Vec::new()).collect();
    for (n, device) in devices.into_iter().enumerate() {
        let share = n % shares.len();
        shares[share].push(device);
    }
    let started = Instant::now();
    let deadline = started + duration;
    let mut loops = JoinSet::new();
    for (c, mut share) in shares.into_iter().enumerate().filter(|(_, share)| !share.is_empty()) {
        let (http, base_url) = (http.clone(), base_url.to_owned());
        loops.spawn(async move {
            let (mut latencies, mut errors, mut n) = (Vec::new(), 0u64, 0usize);
            while Instant::now() < deadline {
                let from = format!("10.78.{}.{}", c % 250, n % 250 + 1);
                let began = Instant::now();
                let which = n % share.len();
                let device = &mut share[which];
                n += 1;
                let result = async {
                    let start =
                        post(&http, format!("{base_url}/api/auth/passkeys/login/start"), None, &from, json!({}))
                            .await?;
                    let credential = device.get(&start["publicKey"]).await;
                    let body = json!({"ceremony": start["ceremony"], "credential": credential});
                    post(&http, format!("{base_url}/api/auth/passkeys/login/finish"), None, &from, body).await
                }
                .await;
                match result {
                    Ok(_) => latencies.push(began.elapsed().as_micros() as u64),
                    Err(_) => errors += 1,
                }
            }
            (latencies, errors, share)
        });
    }
    let (mut latencies, mut errors, mut devices) = (Vec::new(), 0, Vec::new());
    while let Some(done) = loops.join_next().await {
        let (some, failed, share) = done.map_err(|e| e.to_string())?;
        latencies.extend(some);
        errors += failed;
        devices.extend(share);
    }
    Ok((figures(latencies, errors, started.elapsed()), devices))
}

fn figures(mut latencies: Vec<u64>, errors: u64, took: Duration) -> Figures {
    latencies.sort_unstable();
    let at =
        |q: f64| latencies.get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1))).copied();
    let sum: u64 = latencies.iter().sum();
    Figures {
        requests: latencies.len() as u64 + errors,
        duration_us: took.as_micros() as u64,
        status_errors: errors,
        p50_us: at(0.50).unwrap_or(0),
        p90_us: at(0.90).unwrap_or(0),
        p99_us: at(0.99).unwrap_or(0),
        max_us: latencies.last().copied().unwrap_or(0),
        mean_us: if latencies.is_empty() { 0.0 } else { sum as f64 / latencies.len() as f64 },
        ..Figures::default()
    }
}
