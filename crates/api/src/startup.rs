//! The composition root: adapters built from settings, plugged into the use cases, served.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use secrecy::ExposeSecret;
use yoshikosan_domain::ports::FailureCounter;
use yoshikosan_domain::use_cases::PurgeExpiredSessions;
use yoshikosan_domain::{Clock, SystemClock};
use yoshikosan_persistence::{Database, DbErr};
use yoshikosan_ratelimit::{MemoryFailureCounter, RedisFailureCounter};

use crate::config::Settings;
use crate::database_wait;
use crate::error::ApiError;
use crate::http::client_ip::TrustedProxies;
use crate::http::csrf::AllowedOrigins;
use crate::http::{cors, request_envelope};
use crate::mail_sender::{self, MailSender};
use crate::routes;
use crate::routes::docs::Docs;
use crate::state::AppState;
use crate::wiring;

/// Request bodies above this are refused with 413, streamed (chunked) or not.
pub const MAX_BODY_BYTES: usize = 65_536;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Connect(#[from] database_wait::Unreachable),
    #[error("could not apply database migrations: {0}")]
    Migrate(DbErr),
    #[error("could not listen on {address}: {source}")]
    Bind { address: String, source: std::io::Error },
    #[error("REDIS_URL is not usable: {0}")]
    Redis(String),
    #[error(transparent)]
    Wiring(#[from] wiring::WiringError),
    #[error("{0}")]
    Mail(#[from] yoshikosan_mail::MailSetupError),
}

/// Expired sessions are deleted this often (and once at start-up).
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

pub struct Application {
    port: u16,
    server: Server,
    database: Database,
    purge: tokio::task::JoinHandle<()>,
    mail: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application").field("port", &self.port).finish_non_exhaustive()
    }
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// As [`Application::build`], on the given clock: tests move time forward with it.
    pub async fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> Result<Self, StartupError> {
        // The address first: a wrong HOST or a taken port is reported before the database is
        // touched. Nothing is accepted until the migrations are applied, so `/health` never
        // answers for a schema that is not there yet.
        let address = settings.bind_address();
        let bind_error = |source| StartupError::Bind { address: address.clone(), source };
        let listener = TcpListener::bind(&address).map_err(bind_error)?;
        let port = listener.local_addr().map_err(bind_error)?.port();
        let mut database = database_wait::connect(&settings.database_url, settings.database_wait).await?;
        if settings.auto_migrate {
            tracing::info!("applying pending database migrations");
            let applied = database.migrate().await.map_err(StartupError::Migrate)?;
            tracing::info!(count = applied.len(), applied = %applied.join(", "), "database schema up to date");
        }
        // After the migrations, which create the triggers the listener needs.
        database.start_change_listener();
        let counter = failure_counter(&settings)?;
        let mailer = mail_sender::mailer(&settings)?;
        let wake = Arc::new(tokio::sync::Notify::new());
        let sender = mailer
            .clone()
            .map(|mailer| MailSender::new(&settings, &database, mailer, counter.clone(), clock.clone(), wake.clone()));
        let state = wiring::state(&settings, database.clone(), clock.clone(), counter, (mailer.is_some(), wake))?;
        let server = serve(listener, &settings, state).map_err(bind_error)?;
        let purge = tokio::spawn(purge_expired_sessions(PurgeExpiredSessions::new(database.sessions(), clock)));
        let mail = sender.map(|sender| tokio::spawn(sender.run()));
        Ok(Self { port, server, database, purge, mail })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT/SIGTERM, lets in-flight requests finish, then closes the pool.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.purge.abort();
        if let Some(mail) = &self.mail {
            mail.abort();
        }
        if let Err(error) = self.database.close().await {
            tracing::warn!(%error, "closing the database pool failed");
        }
        served
    }
}

/// Runs until aborted; a failed purge is retried at the next tick.
async fn purge_expired_sessions(purge: PurgeExpiredSessions) {
    let mut ticks = tokio::time::interval(PURGE_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match purge.execute().await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "expired sessions deleted"),
            Err(error) => tracing::warn!(%error, "could not delete expired sessions"),
        }
    }
}

/// Shared through Redis when REDIS_URL is set, else in this process's memory.
fn failure_counter(settings: &Settings) -> Result<Arc<dyn FailureCounter>, StartupError> {
    match &settings.redis_url {
        Some(url) => {
            let counter =
                RedisFailureCounter::new(url.expose_secret()).map_err(|e| StartupError::Redis(e.to_string()))?;
            tracing::info!("rate limits shared through Redis");
            Ok(Arc::new(counter))
        }
        None => Ok(Arc::new(MemoryFailureCounter::new())),
    }
}

fn serve(listener: TcpListener, settings: &Settings, state: AppState) -> std::io::Result<Server> {
    let state = web::Data::new(state);
    let origins = AllowedOrigins(Arc::new(settings.cors_origins.clone()));
    let docs = web::Data::new(Docs::default());
    let proxies = TrustedProxies(Arc::new(settings.trusted_proxies.clone()));
    let server = HttpServer::new(move || {
        let json =
            web::JsonConfig::default().limit(MAX_BODY_BYTES).error_handler(|error, _| ApiError::from(error).into());
        // Middleware runs outside-in from the last `wrap`: the request's envelope (id, client
        // IP, tracing span, CSRF check, body deadline, security headers, metrics and access
        // line, so that every answer, CORS's refusals included, has them), then CORS.
        App::new()
            .app_data(state.clone())
            .app_data(origins.clone())
            .app_data(proxies.clone())
            .app_data(json)
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .wrap(cors::for_origins(&origins.0))
            .wrap(request_envelope::Envelope)
            .configure(routes::serve)
            .configure(routes::docs::configure)
            .app_data(docs.clone())
            .default_service(web::to(routes::fallback::not_routed))
    })
    .listen(listener)?
    .shutdown_timeout(30)
    .run();
    Ok(server)
}
