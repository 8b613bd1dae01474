//! The binary's subcommands besides serving: a health probe for container HEALTHCHECKs (no
//! curl needed in the image), a configuration check for operators, and the OpenAPI document for
//! client generators.

use std::time::Duration;

pub const USAGE: &str = "\
usage: yoshikosan [COMMAND]

commands:
  serve          run the service (the default)
  check-config   validate the configuration (environment and .env), print every setting and warnings
  healthcheck    exit 0 when the service on 127.0.0.1:$PORT answers /health/ready, else 1
  migrate        apply pending database migrations (as start-up does with AUTO_MIGRATE) and exit
  migrations     list the database migrations and whether each is applied
  rollback [N]   roll back the newest N applied migrations (1 when left out)
  reset --yes    roll back every migration and apply them again: an empty database
  openapi        print the OpenAPI document (as /openapi.json serves it) and exit
  --version      print the version
";

/// The document `/openapi.json` serves.
pub fn openapi_json() -> Result<String, serde_json::Error> {
    crate::routes::openapi().to_pretty_json()
}

/// Ok when `http://127.0.0.1:{port}/health/ready` answers 200 within 3 seconds; either way, a
/// line saying what was seen.
pub async fn healthcheck(port: u16) -> Result<String, String> {
    let url = format!("http://127.0.0.1:{port}/health/ready");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(3)).build().map_err(|e| e.to_string())?;
    match client.get(&url).send().await {
        Ok(response) => {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            let line = format!("{url}: {status} {}", body.trim());
            if status.is_success() { Ok(line) } else { Err(line) }
        }
        Err(error) if error.is_timeout() => Err(format!("{url}: no answer within 3 s")),
        Err(error) if error.is_connect() => Err(format!("{url}: nothing is listening (connection refused)")),
        Err(error) => Err(format!("{url}: {error}")),
    }
}
