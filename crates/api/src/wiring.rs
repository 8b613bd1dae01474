//! The use cases wired to their adapters, from the settings: what the handlers share.

use std::sync::Arc;
use std::time::Instant;

use yoshikosan_domain::mail::MailOutbox;
use yoshikosan_domain::ports::{FailureCounter, PasswordHasher, SessionRepository, TokenCodec, UserRepository};
use yoshikosan_domain::use_cases::{
    Authenticate, ChangeEmail, ChangeEmailPorts, CompleteOAuth, CompleteOAuthPorts, ConfirmEmailChange, FLOW_LIFETIME,
    ListSessions, LogIn, LogOut, LogOutEverywhere, PasswordRules, Reauthenticate, Register, RemoveSignInMethod,
    RequestPasswordReset, ResetPassword, ResetPasswordPorts, RevokeSession, SendVerification, SetPassword, StartOAuth,
    VerificationPorts, VerifyEmailAddress,
};
use yoshikosan_domain::use_cases::{
    ManagePasskeys, PasskeyPorts, ReauthenticateWithPasskey, RegisterPasskey, SignInWithPasskey,
};
use yoshikosan_domain::{Clock, PasswordPolicy, RecentProof, SessionIssuer, Throttle};
use yoshikosan_passkeys::{CeremonyCipher, WebauthnRelyingParty};
use yoshikosan_persistence::Database;
use yoshikosan_security::{BcryptHasher, FairHashingGate, JwtCodec, QUEUE_PER_CLIENT};

use crate::config::Settings;
use crate::cookies::Cookies;
use crate::http::oauth_flow;
use crate::mail_sender::NotifyingIf;
use crate::prometheus;
use crate::state::{
    AccountFlows, AppState, MailFlows, OAuthFlows, Operations, PasskeyFlows, SessionsState, WebSettings,
};

/// What can keep the use cases from being wired.
#[derive(Debug, thiserror::Error)]
pub enum WiringError {
    #[error(transparent)]
    Providers(#[from] crate::provider_registry::ProviderSetupError),
    #[error("could not set up passkeys: {0}")]
    Passkeys(#[from] yoshikosan_domain::passkey::RelyingPartyError),
}

pub(crate) fn state(
    settings: &Settings,
    database: Database,
    clock: Arc<dyn Clock>,
    counter: Arc<dyn FailureCounter>,
    (mail_enabled, wake): (bool, Arc<tokio::sync::Notify>),
) -> Result<AppState, WiringError> {
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
    let (providers, adapters) = crate::provider_registry::provider_registry(settings)?;
    let providers = Arc::new(providers);
    crate::provider_checks::spawn_start_up_checks(
        crate::provider_checks::issuer_checks(settings, &providers, &adapters),
        database.oauth_accounts(),
    );
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
    let passkeys = passkey_flows(
        settings,
        &database,
        (users.clone(), clock.clone()),
        (issuer.clone(), tokens.clone(), throttle.clone(), proof.clone()),
        mail_enabled,
    )?;
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
            remove_sign_in_method: RemoveSignInMethod::new(
                users.clone(),
                database.passkeys(),
                proof.clone(),
                providers,
                clock.clone(),
            )
            .counting_passkeys(settings.passkeys.enabled())
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
        passkeys,
    })
}

/// The passkey flows when passkeys are on: a relying party for the site's origins.
fn passkey_flows(
    settings: &Settings,
    database: &Database,
    (users, clock): (Arc<dyn UserRepository>, Arc<dyn Clock>),
    (issuer, tokens, throttle, proof): (SessionIssuer, Arc<dyn TokenCodec>, Throttle, RecentProof),
    mail_enabled: bool,
) -> Result<Option<PasskeyFlows>, WiringError> {
    let Ok(origins) = &settings.passkeys.origins else { return Ok(None) };
    let relying_party = WebauthnRelyingParty::new(&settings.passkeys.rp_id, &settings.passkeys.rp_name, origins)?;
    let ports = PasskeyPorts {
        users,
        passkeys: database.passkeys(),
        relying_party: Arc::new(relying_party),
        sealer: Arc::new(CeremonyCipher::new(&settings.secret_key)),
        // A finished ceremony is remembered as a consumed OAuth state is, under a key of its own.
        used: database.oauth_states(),
        clock,
    };
    let outbox: Option<Arc<dyn MailOutbox>> = mail_enabled.then(|| database.mail_outbox() as Arc<dyn MailOutbox>);
    let mut sign_in = SignInWithPasskey::new(ports.clone(), issuer, tokens, throttle.clone());
    let mut reauthenticate = ReauthenticateWithPasskey::new(ports.clone(), throttle);
    if let Some(outbox) = outbox.clone() {
        sign_in = sign_in.sending_notices(outbox.clone());
        reauthenticate = reauthenticate.sending_notices(outbox);
    }
    Ok(Some(PasskeyFlows {
        register: RegisterPasskey::new(ports.clone(), proof).notifying_if(outbox.is_some()),
        sign_in,
        reauthenticate,
        manage: ManagePasskeys::new(ports.passkeys),
    }))
}
