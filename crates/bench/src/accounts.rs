//! The benchmark's own users, registered through the API like anyone else's.

use serde::Deserialize;
use serde_json::json;
use tokio::task::JoinSet;

#[derive(Debug, Clone)]
pub struct Account {
    pub email: String,
    pub access_token: String,
}

#[derive(Debug, Deserialize)]
struct AuthResponse {
    access_token: String,
}

/// Registers `count` accounts sharing `password`, `parallel` at a time (each costs a bcrypt hash).
pub async fn register(
    http: &reqwest::Client,
    base_url: &str,
    run: &str,
    password: &str,
    count: usize,
    parallel: usize,
) -> Result<Vec<Account>, String> {
    let mut accounts = Vec::with_capacity(count);
    let mut pending = JoinSet::new();
    for n in 0..count {
        if pending.len() >= parallel.max(1) {
            accounts.push(joined(pending.join_next().await)?);
        }
        let (http, url) = (http.clone(), format!("{base_url}/api/auth/register"));
        let email = format!("user-{n}-{run}@bench.example.com");
        let body = json!({"email": email, "password": password, "name": format!("Bench user {n}")});
        pending.spawn(async move {
            // Each from its own address, as users sign up.
            let address = format!("172.16.{}.{}", n / 250 % 250, n % 250 + 1);
            let request = http.post(url).header("x-forwarded-for", address).json(&body);
            let response = request.send().await.map_err(|e| e.to_string())?;
            let status = response.status();
            if status != reqwest::StatusCode::CREATED {
                let text = response.text().await.unwrap_or_default();
                return Err(format!("registering {email} answered {status}: {text}"));
            }
            let auth: AuthResponse = response.json().await.map_err(|e| e.to_string())?;
            Ok(Account { email, access_token: auth.access_token })
        });
    }
    while let Some(done) = pending.join_next().await {
        accounts.push(joined(Some(done))?);
    }
    Ok(accounts)
}

fn joined(done: Option<Result<Result<Account, String>, tokio::task::JoinError>>) -> Result<Account, String> {
    match done {
        Some(Ok(account)) => account,
        Some(Err(error)) => Err(error.to_string()),
        None => Err("no registration was pending".to_owned()),
    }
}
