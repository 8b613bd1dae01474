//! The loads of every scenario, against one started service.

use std::path::Path;
use std::time::Duration;

use crate::options::Options;
use crate::report::names;
use crate::wrk::{self, Load, Script};

/// The loads of every scenario against one service.
pub struct Plan<'a> {
    pub options: &'a Options,
    pub base_url: &'a str,
    pub dir: &'a Path,
    pub tokens: String,
    pub emails: String,
    pub password: String,
    pub run_id: String,
}

/// A health probe's pause between requests: four connections at ~100 requests/s each, a
/// health checker and a few users, not a load.
const PROBE_PAUSE_MS: &str = "10";
const PROBE_CONNECTIONS: u32 = 4;

/// Every request of the login and register scenarios claims a new client address: they
/// measure the service's throughput for many clients, not one address's share of it.
const EACH_REQUEST: &str = "request";
/// The fairness scenarios: one address keeps this many sign-ups in flight…
const FLOOD_CONNECTIONS: u32 = 32;
const FLOOD_ADDRESS: &str = "198.51.100.66";
/// …while this many other addresses log in, one request at a time each (one wrk thread and
/// connection per address)…
const OTHER_CLIENTS: u32 = 4;
/// …and this many connections read `/me`.
const OTHER_READERS: u32 = 16;

impl Plan<'_> {
    fn load(
        &self,
        label: &str,
        path: &str,
        script: Script,
        args: Vec<String>,
        connections: u32,
    ) -> Result<Load, String> {
        let scripts = self.dir.join("scripts");
        std::fs::create_dir_all(&scripts).map_err(|e| e.to_string())?;
        let hashing = matches!(script, Script::Login | Script::Register);
        Ok(Load {
            label: label.to_owned(),
            url: format!("{}{path}", self.base_url),
            script: script.write_to(&scripts).map_err(|e| e.to_string())?,
            args,
            connections,
            threads: self.options.wrk_threads,
            // bcrypt-bound rates are a few per second: a longer run counts enough of them.
            duration: if hashing { self.options.duration * 2 } else { self.options.duration },
            timeout: Duration::from_secs(if hashing { 60 } else { 10 }),
        })
    }

    /// The bare handler's load: the plain GET of the read scenarios, against `url`.
    pub fn bare(&self, url: &str) -> Result<Load, String> {
        let load = self.load(names::BARE_LOAD, "/", Script::Get, vec![], self.options.connections)?;
        Ok(Load { url: format!("{url}/"), ..load })
    }

    pub fn scenarios(&self) -> Result<Vec<(&'static str, Vec<Load>)>, String> {
        let o = self.options;
        let me = || self.load(names::ME_LOAD, "/api/auth/me", Script::Me, vec![self.tokens.clone()], o.connections);
        let login = self.load(
            names::LOGIN_LOAD,
            "/api/auth/login",
            Script::Login,
            vec![self.emails.clone(), self.password.clone(), EACH_REQUEST.into()],
            o.hashing_connections,
        )?;
        let probe = Load {
            duration: login.duration,
            ..self.load(
                names::LIVE_PROBE,
                "/health/live",
                Script::Probe,
                vec![PROBE_PAUSE_MS.into()],
                PROBE_CONNECTIONS,
            )?
        };
        let register = self.load(
            "POST /api/auth/register",
            "/api/auth/register",
            Script::Register,
            vec![format!("{}-{}", self.run_id, wrk::FRESH), self.password.clone(), EACH_REQUEST.into()],
            o.hashing_connections,
        )?;
        let me_beside_register = Load { duration: register.duration, ..me()? };
        let others_login = Load {
            threads: OTHER_CLIENTS,
            ..self.load(
                names::OTHERS_LOGIN_LOAD,
                "/api/auth/login",
                Script::Login,
                vec![self.emails.clone(), self.password.clone(), "thread".into()],
                OTHER_CLIENTS,
            )?
        };
        let others_me = Load {
            duration: others_login.duration,
            ..self.load(names::OTHERS_ME_LOAD, "/api/auth/me", Script::Me, vec![self.tokens.clone()], OTHER_READERS)?
        };
        let flood = self.load(
            names::FLOOD_LOAD,
            "/api/auth/register",
            Script::Register,
            vec![format!("{}-flood-{}", self.run_id, wrk::FRESH), self.password.clone(), FLOOD_ADDRESS.into()],
            FLOOD_CONNECTIONS,
        )?;
        Ok(vec![
            (names::ME, vec![me()?]),
            (
                names::HEALTH_LIVE,
                vec![self.load(names::LIVE_LOAD, "/health/live", Script::Get, vec![], o.connections)?],
            ),
            (names::HEALTH, vec![self.load("GET /health", "/health", Script::Get, vec![], o.connections)?]),
            (names::LOGIN, vec![login, probe]),
            (names::REGISTER_WITH_ME, vec![register, me_beside_register]),
            (names::FAIR_IDLE, vec![others_login.clone(), others_me.clone()]),
            (names::FAIR_FLOOD, vec![flood, others_login, others_me]),
        ])
    }
}
