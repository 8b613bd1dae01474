//! The composition root: adapters built from settings, plugged into the use cases, served.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::{Method, header};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use secrecy::ExposeSecret;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use yoshikosan_domain::ports::{FailureCounter, PasswordHasher, SessionRepository, TokenCodec, UserRepository};
use yoshikosan_domain::use_cases::{
    ChangeEmail, ChangeEmailPorts, ConfirmEmailChange,
    Authenticate, CompleteOAuth, CompleteOAuthPorts, FLOW_LIFETIME, ListSessions, LogIn, LogOut, LogOutEverywhere,
    PasswordRules, PurgeExpiredSessions, Reauthenticate, Register, RemoveSignInMethod, RequestPasswordReset,
    ResetPassword, ResetPasswordPorts, RevokeSession, SendVerification, SetPassword, StartOAuth, VerificationPorts,
    VerifyEmailAddress,
};
use yoshikosan_domain::{Clock, PasswordPolicy, ProviderRegistry, RecentProof, SessionIssuer, SystemClock, Throttle};
use yoshikosan_oauth::{DiscordProvider, GoogleProvider};
use yoshikosan_persistence::{Database, DbErr};
use yoshikosan_ratelimit::{MemoryFailureCounter, RedisFailureCounter};
use yoshikosan_security::{BcryptHasher, FairHashingGate, JwtCodec, QUEUE_PER_CLIENT};

use crate::config::Settings;
use crate::cookies::Cookies;
use crate::database_wait;
use crate::error::ApiError;
use crate::http::client_ip::{self, TrustedProxies};
use crate::http::csrf::AllowedOrigins;
use crate::http::request_id::{self, RequestSpan};
use crate::http::{body_deadline, csrf, oauth_flow, request_metrics, security_headers};
use crate::mail_sender::{self, MailSender, NotifyingIf};
use crate::prometheus;
use crate::routes;
use crate::routes::fallback::RouteTable;
use crate::state::{AccountFlows, AppState, MailFlows, OAuthFlows, Operations, SessionsState, WebSettings};

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
    #[error("could not set up the HTTP client for the OAuth providers: {0}")]
    OAuthClient(String),
    #[error("{0}")]
    Providers(#[from] yoshikosan_domain::DuplicateProvider),
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
        let state = state(&settings, database.clone(), clock.clone(), counter, (mailer.is_some(), wake))?;
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

fn state(
    settings: &Settings,
    database: Database,
    clock: Arc<dyn Clock>,
    counter: Arc<dyn FailureCounter>,
    (mail_enabled, wake): (bool, Arc<tokio::sync::Notify>),
) -> Result<AppState, StartupError> {
    // Before anything records (the warm-up below does): what comes earlier is lost.
    let metrics = prometheus::handle();
    let tokens: Arc<dyn TokenCodec> = Arc::new(JwtCodec::new(&settings.secret_key));
    let bcrypt = BcryptHasher::new(settings.bcrypt_cost);
    // No address may hold more than its share of the bcrypt pool, however many requests it sends.
    let gate = Arc::new(FairHashingGate::for_pool(bcrypt.permits(), QUEUE_PER_CLIENT));
    let warm = bcrypt.clone();
    // The dummy hash for unknown emails is made in the background, not on the first login.
    tokio::spawn(async move { warm.warm_up().await });
    let hasher: Arc<dyn PasswordHasher> = Arc::new(bcrypt);
    let users: Arc<dyn UserRepository> = database.users();
    let sessions: Arc<dyn SessionRepository> = database.sessions();
    let issuer = SessionIssuer::new(tokens.clone(), clock.clone(), settings.access_token_ttl);
    let policy = PasswordPolicy::default();
    let throttle = Throttle::new(counter.clone(), settings.rate_limits).with_gate(gate);
    let providers = Arc::new(provider_registry(settings)?);
    // Read from the sessions table itself, past any cache.
    let proof = RecentProof::new(sessions.clone(), clock.clone(), settings.reauth_window);
    let ports = CompleteOAuthPorts {
        providers: providers.clone(),
        states: database.oauth_states(),
        users: users.clone(),
        accounts: database.oauth_accounts(),
        sessions: sessions.clone(),
        store: database.oauth_sign_ins(),
        tokens: tokens.clone(),
        clock: clock.clone(),
    };
    let register =
        Register::new(users.clone(), hasher.clone(), clock.clone(), issuer.clone(), policy, throttle.clone());
    // With mail on, a new account is sent the link that proves its address.
    let register = if mail_enabled { register.sending_verification() } else { register };
    let verification = VerificationPorts {
        users: users.clone(),
        outbox: database.mail_outbox(),
        links: database.mail_outbox(),
        store: database.link_uses(),
        counter: counter.clone(),
        clock: clock.clone(),
    };
    let email_change = ChangeEmailPorts {
        users: users.clone(),
        outbox: database.mail_outbox(),
        links: database.mail_outbox(),
        store: database.link_uses(),
        clock: clock.clone(),
    };
    let mail = MailFlows {
        enabled: mail_enabled,
        request_reset: RequestPasswordReset::new(database.mail_outbox(), throttle.clone(), clock.clone()),
        reset: ResetPassword::new(
            ResetPasswordPorts {
                links: database.mail_outbox(),
                users: users.clone(),
                store: database.link_uses(),
                hasher: hasher.clone(),
                clock: clock.clone(),
            },
            issuer.clone(),
            policy,
            throttle.clone(),
        )
        .notifying_if(mail_enabled),
        send_verification: SendVerification::new(verification.clone(), throttle.clone()),
        verify_email: VerifyEmailAddress::new(verification, throttle.clone()),
        change_email: ChangeEmail::new(email_change.clone(), proof.clone(), throttle.clone()),
        confirm_email_change: ConfirmEmailChange::new(email_change, throttle.clone()).notifying_if(mail_enabled),
        wake,
    };
    let oauth = OAuthFlows {
        start: StartOAuth::new(providers.clone(), proof.clone(), clock.clone()),
        providers: providers.clone(),
        complete: CompleteOAuth::new(ports, issuer.clone()).notifying_if(mail_enabled),
        ciphers: oauth_flow::FlowCiphers::new(&settings.secret_key),
        frontend: settings.frontend_url.as_str().trim_end_matches('/').to_owned(),
    };
    Ok(AppState {
        accounts: AccountFlows {
            register,
            log_in: LogIn::new(
                users.clone(),
                sessions.clone(),
                hasher.clone(),
                issuer,
                throttle.clone(),
                clock.clone(),
            ),
            reauthenticate: Reauthenticate::new(
                users.clone(),
                sessions.clone(),
                hasher.clone(),
                throttle.clone(),
                clock.clone(),
            ),
            remove_sign_in_method: RemoveSignInMethod::new(users.clone(), proof.clone(), providers, clock.clone())
                .notifying_if(mail_enabled),
            set_password: SetPassword::new(
                users.clone(),
                hasher,
                PasswordRules { policy, throttle, proof },
                clock.clone(),
            )
            .notifying_if(mail_enabled),
            log_out: LogOut::new(sessions.clone(), tokens.clone()),
            password_policy: policy,
        },
        sessions: SessionsState {
            list: ListSessions::new(sessions.clone(), clock.clone()),
            revoke: RevokeSession::new(sessions.clone()),
            log_out_everywhere: LogOutEverywhere::new(sessions.clone()),
        },
        authenticate: Authenticate::new(sessions, tokens, clock),
        oauth,
        web: WebSettings {
            cookie: Cookies::new(
                &settings.cookie,
                std::time::Duration::from_secs(settings.access_token_ttl.as_seconds().unsigned_abs()),
                std::time::Duration::from_secs(FLOW_LIFETIME.num_seconds().unsigned_abs()),
            ),
            access_token_ttl: settings.access_token_ttl,
        },
        operations: Operations { database, started_at: Instant::now(), metrics },
        mail,
    })
}

/// The providers whose credentials are configured, in button order, sharing one HTTP client.
/// A provider of a new kind is one adapter and one line here.
fn provider_registry(settings: &Settings) -> Result<ProviderRegistry, StartupError> {
    let http = yoshikosan_oauth::http_client().map_err(|e| StartupError::OAuthClient(e.to_string()))?;
    let configured = [
        settings.google.clone().map(|google| GoogleProvider::registered(google, http.clone())),
        settings.discord.clone().map(|discord| DiscordProvider::registered(discord, http.clone())),
    ];
    Ok(ProviderRegistry::new(configured.into_iter().flatten().collect())?)
}

fn serve(listener: TcpListener, settings: &Settings, state: AppState) -> std::io::Result<Server> {
    let state = web::Data::new(state);
    let origins = AllowedOrigins(Arc::new(settings.cors_origins.clone()));
    let openapi = routes::openapi();
    let route_table = web::Data::new(RouteTable::from_docs(&openapi));
    let proxies = TrustedProxies(Arc::new(settings.trusted_proxies.clone()));
    let server = HttpServer::new(move || {
        let json =
            web::JsonConfig::default().limit(MAX_BODY_BYTES).error_handler(|error, _| ApiError::from(error).into());
        // Middleware runs outside-in from the last `wrap`: request metrics (so they count and
        // time every answer), request id, security headers (so every answer has them, refusals
        // by the inner middleware included), client IP, tracing span, CORS, CSRF, the body's
        // deadline, empty 404s made problems.
        App::new()
            .app_data(state.clone())
            .app_data(origins.clone())
            .app_data(proxies.clone())
            .app_data(json)
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .wrap(from_fn(routes::fallback::empty_not_found_as_problem))
            .wrap(from_fn(body_deadline::limit))
            .wrap(from_fn(csrf::check_origin))
            .wrap(cors(&origins.0))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(from_fn(client_ip::resolve))
            .wrap(from_fn(security_headers::add))
            .wrap(from_fn(request_id::assign))
            .wrap(from_fn(request_metrics::record))
            .into_utoipa_app()
            .configure(routes::table)
            .into_app()
            .configure(routes::docs::configure(openapi.clone()))
            .app_data(route_table.clone())
            .default_service(web::to(routes::fallback::not_routed))
    })
    .listen(listener)?
    .shutdown_timeout(30)
    .run();
    Ok(server)
}

/// Credentialed CORS for the configured origins. Other origins simply get no CORS headers
/// (the browser then withholds the response); refusing them is the CSRF check's job.
fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, request_id::REQUEST_ID])
        .expose_headers([request_id::REQUEST_ID, header::WWW_AUTHENTICATE, header::RETRY_AFTER])
        .supports_credentials()
        .block_on_origin_mismatch(false)
        .max_age(3600)
}
