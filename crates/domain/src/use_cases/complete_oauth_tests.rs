//! Every rule of the OAuth callback, against mocks: the state checks, the sign-in decisions
//! (link, claim, create, refuse), the link flow, and decisions made again after a conflict.

use std::sync::{Arc, Mutex};

use chrono::Duration;
use uuid::Uuid;

use super::*;
use crate::email::Email;
use crate::oauth::{OAuthAccount, ProviderIdentity};
use crate::ports::{
    AccountChange, AccountWrite, CommitError, MockIdentityProvider, MockOAuthAccountRepository, MockOAuthSignInStore,
    MockOAuthStateStore, MockSessionRepository, MockUserRepository, OAuthSignInWrite,
};
use crate::provider_registry::ProviderRegistry;
use crate::session::Session;
use crate::use_cases::OAuthOutcome;
use crate::use_cases::test_support::*;
use crate::user::{User, UserId};

const SUB: &str = "google-sub-42";
const ISSUER: &str = "https://accounts.google.com";

fn identity(email: Option<&str>, verified: bool) -> ProviderIdentity {
    ProviderIdentity {
        provider: ProviderId::parse("google").unwrap(),
        issuer: Some(ISSUER.into()),
        provider_user_id: SUB.into(),
        email: email.map(|e| Email::parse(e).unwrap()),
        email_verified: verified,
        email_verified_claim: Some(verified),
        name: Some("Ada Lovelace".into()),
        avatar_url: None,
        authenticated_at: None,
    }
}

fn link_of(user_id: UserId) -> OAuthAccount {
    OAuthAccount {
        id: Uuid::now_v7(),
        user_id,
        provider: ProviderId::parse("google").unwrap(),
        provider_user_id: SUB.into(),
        issuer: Some(ISSUER.into()),
        created_at: t0(),
        updated_at: t0(),
    }
}

fn session_of(user_id: UserId, expires_at: chrono::DateTime<chrono::Utc>) -> Session {
    Session {
        id: SessionId::generate(),
        user_id,
        token_hash: TokenHash::of("t"),
        created_at: t0(),
        expires_at,
        last_seen_at: t0(),
        user_agent: None,
        ip: None,
        method: crate::session::SignInMethod::Password,
        authenticated_at: t0(),
    }
}

fn flow(purpose: FlowPurpose) -> PendingFlow {
    PendingFlow {
        provider: ProviderId::parse("google").unwrap(),
        state: "the-state".into(),
        pkce_verifier: "verifier".into(),
        nonce: Some("nonce".into()),
        redirect_to: "/next".into(),
        purpose,
        expires_at: t0() + Duration::minutes(5),
    }
}

fn callback() -> ProviderCallback {
    ProviderCallback { code: Some("code".into()), state: Some("the-state".into()), error: None }
}

fn command(flow: Option<PendingFlow>) -> CompleteOAuthCommand {
    CompleteOAuthCommand {
        provider: ProviderId::parse("google").unwrap(),
        flow,
        callback: callback(),
        client: ClientInfo::default(),
        browser_token: None,
    }
}

/// The world the use case sees: users, the link (if any), sessions, and what commits answer.
struct World {
    users: Vec<User>,
    link: Option<OAuthAccount>,
    sessions: Vec<Session>,
    identity: ProviderIdentity,
    state_unused: bool,
    /// Answers of the first commits, in order; `Ok(())` after them.
    commit_answers: Vec<CommitError>,
    /// A conflict means another request verified the account (a claim or a link got there first).
    verified_by_conflict: bool,
    /// The user who unlinked the identity, if one did.
    unlinked_by: Option<UserId>,
    /// Sessions whose proof was recorded.
    proofs: Arc<Mutex<Vec<SessionId>>>,
    /// The provider's rule for its addresses.
    email_trust: crate::email_trust::EmailTrust,
}

impl World {
    fn new(users: Vec<User>, identity: ProviderIdentity) -> Self {
        Self {
            users,
            link: None,
            sessions: Vec::new(),
            identity,
            state_unused: true,
            commit_answers: Vec::new(),
            verified_by_conflict: false,
            unlinked_by: None,
            proofs: Arc::new(Mutex::new(Vec::new())),
            email_trust: crate::email_trust::EmailTrust::ProviderFlag,
        }
    }

    fn use_case(self) -> (CompleteOAuth, Arc<Mutex<Vec<OAuthSignInWrite>>>) {
        let stored = Arc::new(Mutex::new(self.users.clone()));
        let mut users = MockUserRepository::new();
        let by_id = stored.clone();
        users.expect_find_by_id().returning(move |id| Ok(by_id.lock().unwrap().iter().find(|u| u.id == id).cloned()));
        let by_email = stored.clone();
        users
            .expect_find_by_email()
            .returning(move |email| Ok(by_email.lock().unwrap().iter().find(|u| &u.email == email).cloned()));
        let mut accounts = MockOAuthAccountRepository::new();
        let link = self.link;
        accounts.expect_find_by_provider_user_id().returning(move |_, _| Ok(link.clone()));
        let unlinked_by = self.unlinked_by;
        accounts.expect_was_unlinked_by().returning(move |user, _, _| Ok(unlinked_by == Some(user)));
        let mut sessions = MockSessionRepository::new();
        let (proofs, live) = (self.proofs, self.sessions.clone());
        sessions.expect_record_proof().returning(move |user, id, at| {
            assert_eq!(at, t0());
            let found = live.iter().any(|s| s.id == id && s.user_id == user);
            if found {
                proofs.lock().unwrap().push(id);
            }
            Ok(found)
        });
        let (known, owners) = (self.sessions, self.users);
        sessions.expect_find_with_user().returning(move |id| {
            let session = known.iter().find(|s| s.id == id).cloned();
            Ok(session.and_then(|s| owners.iter().find(|u| u.id == s.user_id).cloned().map(|u| (s, u))))
        });
        let writes = Arc::new(Mutex::new(Vec::new()));
        let recorded = writes.clone();
        let answers = Mutex::new(self.commit_answers.into_iter());
        let verified_by_conflict = self.verified_by_conflict;
        let mut store = MockOAuthSignInStore::new();
        store.expect_commit().returning(move |write| match answers.lock().unwrap().next() {
            Some(error) => {
                if verified_by_conflict {
                    stored.lock().unwrap().iter_mut().for_each(|u| u.email_verified = true);
                }
                Err(error)
            }
            None => {
                recorded.lock().unwrap().push(write.clone());
                Ok(())
            }
        });
        let mut states = MockOAuthStateStore::new();
        let unused = self.state_unused;
        states.expect_consume().returning(move |_, _| Ok(unused));
        let mut google = MockIdentityProvider::new();
        let identity = self.identity;
        google
            .expect_exchange()
            .withf(|code, verifier, nonce| {
                code == "code" && verifier == "verifier" && nonce.as_deref() == Some("nonce")
            })
            .returning(move |_, _, _| Ok(identity.clone()));
        let mut registered = crate::provider_registry::tests::provider("google");
        registered.adapter = Arc::new(google);
        registered.email_trust = self.email_trust;
        let providers = Arc::new(ProviderRegistry::new(vec![registered]).unwrap());
        let codec = codec_for(UserId::generate());
        let ports = CompleteOAuthPorts {
            providers,
            states: Arc::new(states),
            users: Arc::new(users),
            accounts: Arc::new(accounts),
            sessions: Arc::new(sessions),
            store: Arc::new(store),
            tokens: codec.clone(),
            clock: clock_at(t0()),
        };
        (CompleteOAuth::new(ports, issuer(codec)), writes)
    }
}

fn signed_in(result: Result<CompletedOAuth, CompleteOAuthError>) -> OAuthSignedIn {
    match result {
        Ok(CompletedOAuth::SignedIn { signed_in, .. }) => *signed_in,
        other => panic!("expected a sign-in, got {other:?}"),
    }
}

fn existing(write: &OAuthSignInWrite) -> &crate::ports::ExistingAccount {
    match &write.account {
        AccountWrite::Existing(existing) => existing,
        AccountWrite::Create(_) => panic!("expected an existing account"),
    }
}

#[tokio::test]
async fn a_flow_that_is_missing_mismatched_expired_or_reused_is_an_invalid_state() {
    type Change = Box<dyn Fn(&mut CompleteOAuthCommand, &mut World)>;
    let cases: Vec<(&str, Change)> = vec![
        ("no flow cookie", Box::new(|c, _| c.flow = None)),
        ("no state", Box::new(|c, _| c.callback.state = None)),
        ("another state", Box::new(|c, _| c.callback.state = Some("forged".into()))),
        ("another provider's flow", Box::new(|c, _| c.provider = ProviderId::parse("discord").unwrap())),
        ("expired by the clock", Box::new(|c, _| c.flow.as_mut().unwrap().expires_at = t0())),
        ("already consumed", Box::new(|_, w| w.state_unused = false)),
    ];
    for (case, change) in cases {
        let mut world = World::new(vec![user(Some("hash"))], identity(Some("ada@example.com"), true));
        let mut command = command(Some(flow(FlowPurpose::SignIn)));
        change(&mut command, &mut world);
        let (use_case, writes) = world.use_case();
        let result = use_case.execute(command).await;
        assert!(matches!(result, Err(CompleteOAuthError::InvalidState)), "{case}: {result:?}");
        assert!(writes.lock().unwrap().is_empty(), "{case}");
    }
}

#[tokio::test]
async fn the_providers_refusal_is_reported_as_such() {
    for (error, denied) in [("access_denied", true), ("server_error", false)] {
        let (use_case, _) = World::new(Vec::new(), identity(None, false)).use_case();
        let mut command = command(Some(flow(FlowPurpose::SignIn)));
        command.callback.error = Some(error.into());
        let result = use_case.execute(command).await;
        assert_eq!(matches!(result, Err(CompleteOAuthError::AccessDenied)), denied, "{error}");
        assert_eq!(matches!(result, Err(CompleteOAuthError::Provider(_))), !denied, "{error}");
    }
}

#[tokio::test]
async fn an_existing_link_signs_in_its_user_while_the_link_holds() {
    let owner = user(Some("hash"));
    let mut world = World::new(vec![owner.clone()], identity(Some("other@example.com"), false));
    world.link = Some(link_of(owner.id));
    let link_id = world.link.as_ref().unwrap().id;
    let (use_case, writes) = world.use_case();
    let done = signed_in(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await);
    assert_eq!((done.outcome, done.signed_in.user.id), (OAuthOutcome::SignedIn, owner.id));
    let writes = writes.lock().unwrap();
    let write = &writes[0];
    assert_eq!(existing(write).through_link, Some(link_id), "the commit checks the link still exists");
    assert_eq!((write.new_link.is_none(), existing(write).change), (true, AccountChange::None));
    assert_eq!(write.session.as_ref().unwrap().user_id, owner.id);
}

#[tokio::test]
async fn a_verified_email_links_to_a_verified_account_and_changes_nothing_else() {
    let mut owner = user(Some("hash"));
    owner.email_verified = true;
    let (use_case, writes) = World::new(vec![owner.clone()], identity(Some("ADA@example.com"), true)).use_case();
    let done = signed_in(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await);
    assert_eq!(done.outcome, OAuthOutcome::Linked);
    assert_eq!(done.signed_in.user.sign_in_methods(|_| true), ["password", "google"]);
    let writes = writes.lock().unwrap();
    assert_eq!(existing(&writes[0]).change, AccountChange::None);
    assert_eq!(writes[0].new_link.as_ref().unwrap().user_id, owner.id);
}

#[tokio::test]
async fn a_verified_email_claims_an_unverified_account() {
    let mut squatted = user(Some("attackers-hash"));
    squatted.linked_providers = vec![ProviderId::parse("discord").unwrap()];
    let (use_case, writes) = World::new(vec![squatted.clone()], identity(Some("ada@example.com"), true)).use_case();
    let done = signed_in(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await);
    assert_eq!(done.outcome, OAuthOutcome::Claimed);
    let user = &done.signed_in.user;
    assert_eq!(user.id, squatted.id, "the id and the data stay");
    assert_eq!((user.password_hash.clone(), user.email_verified), (None, true));
    assert_eq!(user.sign_in_methods(|_| true), ["google"], "the squatter's password and links are gone");
    let writes = writes.lock().unwrap();
    let claim = existing(&writes[0]);
    assert_eq!((claim.change, claim.email_verified), (AccountChange::Claim, false));
    assert!(writes[0].new_link.is_some() && writes[0].session.is_some());
}

#[tokio::test]
async fn an_unverified_email_never_links_to_an_existing_account() {
    let (use_case, writes) = World::new(vec![user(Some("hash"))], identity(Some("ada@example.com"), false)).use_case();
    let result = use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await;
    assert!(matches!(result, Err(CompleteOAuthError::EmailNotVerified)), "{result:?}");
    assert!(writes.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_email_creates_an_account_verified_as_the_provider_says() {
    for verified in [true, false] {
        let (use_case, writes) = World::new(Vec::new(), identity(Some("New@Example.com"), verified)).use_case();
        let done = signed_in(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await);
        assert_eq!(done.outcome, OAuthOutcome::Created);
        let AccountWrite::Create(created) = &writes.lock().unwrap()[0].account else { panic!("expected a creation") };
        assert_eq!((created.email.as_str(), created.email_verified), ("new@example.com", verified));
        assert_eq!(created.password_hash, None);
    }
}

#[tokio::test]
async fn no_email_and_no_link_is_refused() {
    let (use_case, writes) = World::new(Vec::new(), identity(None, true)).use_case();
    let result = use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await;
    assert!(matches!(result, Err(CompleteOAuthError::EmailMissing)), "{result:?}");
    assert!(writes.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_decision_overtaken_by_a_concurrent_write_is_made_again_a_bounded_number_of_times() {
    let mut world = World::new(Vec::new(), identity(Some("race@example.com"), true));
    world.commit_answers = vec![CommitError::Conflict, CommitError::Conflict];
    let (use_case, writes) = world.use_case();
    assert!(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await.is_ok());
    assert_eq!(writes.lock().unwrap().len(), 1);

    let mut world = World::new(Vec::new(), identity(Some("race@example.com"), true));
    world.commit_answers = vec![CommitError::Conflict; 3];
    let (use_case, _) = world.use_case();
    let result = use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await;
    assert!(
        matches!(result, Err(CompleteOAuthError::Infrastructure(crate::ports::Infrastructure::Store(_)))),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_sign_in_revokes_the_browsers_previous_session_in_its_commit() {
    let (use_case, writes) = World::new(Vec::new(), identity(Some("new@example.com"), true)).use_case();
    let previous = SessionId::generate();
    let mut command = command(Some(flow(FlowPurpose::SignIn)));
    command.browser_token = Some(format!("tok.{previous}"));
    let Ok(CompletedOAuth::SignedIn { replaced, redirect_to, .. }) = use_case.execute(command).await else {
        panic!("expected a sign-in")
    };
    assert_eq!((replaced, redirect_to.as_str()), (Some(previous), "/next"));
    assert_eq!(writes.lock().unwrap()[0].replaces, Some(previous));
}

#[tokio::test]
async fn a_decision_made_again_can_differ() {
    // Two verified sign-ins for a squatted address: the other one claimed it first, so this one
    // finds a verified account and links to it instead of claiming it again.
    let mut world = World::new(vec![user(Some("squatter"))], identity(Some("ada@example.com"), true));
    world.commit_answers = vec![CommitError::Conflict];
    world.verified_by_conflict = true;
    let (use_case, writes) = world.use_case();
    let done = signed_in(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await);
    assert_eq!(done.outcome, OAuthOutcome::Linked);
    assert_eq!(existing(&writes.lock().unwrap()[0]).change, AccountChange::None);
}

#[tokio::test]
async fn a_sign_in_through_a_link_with_the_accounts_own_verified_email_verifies_it() {
    let owner = user(Some("hash"));
    let mut world = World::new(vec![owner.clone()], identity(Some("ada@example.com"), true));
    world.link = Some(link_of(owner.id));
    let (use_case, writes) = world.use_case();
    let done = signed_in(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await);
    assert_eq!((done.outcome, done.signed_in.user.email_verified), (OAuthOutcome::SignedIn, true));
    assert_eq!(existing(&writes.lock().unwrap()[0]).change, AccountChange::MarkVerified);
}

/// A link flow started by `me` in `session`.
fn link_world(me: &User, identity: ProviderIdentity, session: &Session) -> World {
    let mut world = World::new(vec![me.clone()], identity);
    world.sessions = vec![session.clone()];
    world
}

/// The callback of that flow, in the browser signed in with `session`.
fn link_command(me: &User, session: &Session) -> CompleteOAuthCommand {
    let mut command = command(Some(flow(FlowPurpose::Link { user_id: me.id, session_id: session.id })));
    command.browser_token = Some(format!("tok.{}", session.id));
    command
}

#[tokio::test]
async fn a_link_flow_links_to_the_user_who_started_it_and_keeps_their_session() {
    let me = user(Some("hash"));
    let session = session_of(me.id, t0() + Duration::hours(1));
    // Another address, unverified: a link does not care, it is the signed-in user's choice.
    let (use_case, writes) = link_world(&me, identity(Some("elsewhere@example.com"), false), &session).use_case();
    let Ok(CompletedOAuth::Linked { linked, .. }) = use_case.execute(link_command(&me, &session)).await else {
        panic!("expected a link")
    };
    assert_eq!((linked.user_id, linked.newly_linked), (me.id, true));
    let writes = writes.lock().unwrap();
    assert_eq!(existing(&writes[0]).started_by, Some(session.id), "the commit re-checks the session");
    assert_eq!(existing(&writes[0]).change, AccountChange::None);
    assert!(writes[0].session.is_none() && writes[0].replaces.is_none(), "the session stays as it is");
}

#[tokio::test]
async fn a_link_with_the_accounts_own_verified_email_verifies_the_account() {
    let me = user(Some("hash"));
    let session = session_of(me.id, t0() + Duration::hours(1));
    let (use_case, writes) = link_world(&me, identity(Some("ada@example.com"), true), &session).use_case();
    assert!(use_case.execute(link_command(&me, &session)).await.is_ok());
    assert_eq!(existing(&writes.lock().unwrap()[0]).change, AccountChange::MarkVerified);
}

#[tokio::test]
async fn a_link_flow_whose_session_ended_links_nothing() {
    let me = user(Some("hash"));
    for session in [session_of(me.id, t0()), session_of(UserId::generate(), t0() + Duration::hours(1))] {
        let (use_case, writes) = link_world(&me, identity(None, false), &session).use_case();
        let result = use_case.execute(link_command(&me, &session)).await;
        assert!(matches!(result, Err(CompleteOAuthError::SessionExpired)), "{result:?}");
        assert!(writes.lock().unwrap().is_empty());
    }
    // Revoked between the check and the commit: the commit says so.
    let session = session_of(me.id, t0() + Duration::hours(1));
    let mut world = link_world(&me, identity(None, false), &session);
    world.commit_answers = vec![CommitError::SessionEnded];
    let (use_case, writes) = world.use_case();
    let result = use_case.execute(link_command(&me, &session)).await;
    assert!(matches!(result, Err(CompleteOAuthError::SessionExpired)), "{result:?}");
    assert!(writes.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_link_flow_never_moves_an_identity_linked_to_someone_else() {
    let me = user(Some("hash"));
    let session = session_of(me.id, t0() + Duration::hours(1));
    let mut world = link_world(&me, identity(Some("ada@example.com"), true), &session);
    world.link = Some(link_of(UserId::generate()));
    let (use_case, writes) = world.use_case();
    let result = use_case.execute(link_command(&me, &session)).await;
    assert!(matches!(result, Err(CompleteOAuthError::AlreadyLinked)), "{result:?}");
    assert!(writes.lock().unwrap().is_empty());
}

#[tokio::test]
async fn linking_an_identity_already_linked_to_me_succeeds_without_change() {
    let me = user(Some("hash"));
    let session = session_of(me.id, t0() + Duration::hours(1));
    let mut world = link_world(&me, identity(Some("other@example.com"), true), &session);
    world.link = Some(link_of(me.id));
    let (use_case, writes) = world.use_case();
    let Ok(CompletedOAuth::Linked { linked, redirect_to }) = use_case.execute(link_command(&me, &session)).await else {
        panic!("expected a link")
    };
    assert_eq!((linked.newly_linked, redirect_to.as_str()), (false, "/next"));
    assert!(writes.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_link_completes_only_in_the_browser_whose_session_started_it() {
    let me = user(Some("hash"));
    let session = session_of(me.id, t0() + Duration::hours(1));
    for browser_token in [None, Some(format!("tok.{}", SessionId::generate())), Some("garbage".to_owned())] {
        let (use_case, writes) = link_world(&me, identity(None, false), &session).use_case();
        let mut command = link_command(&me, &session);
        command.browser_token = browser_token.clone();
        let result = use_case.execute(command).await;
        assert!(matches!(result, Err(CompleteOAuthError::SessionExpired)), "{browser_token:?}: {result:?}");
        assert!(writes.lock().unwrap().is_empty());
    }
}

#[tokio::test]
async fn linking_again_with_the_accounts_own_verified_email_verifies_it() {
    let me = user(Some("hash"));
    let session = session_of(me.id, t0() + Duration::hours(1));
    let mut world = link_world(&me, identity(Some("ada@example.com"), true), &session);
    world.link = Some(link_of(me.id));
    let link_id = world.link.as_ref().unwrap().id;
    let (use_case, writes) = world.use_case();
    let Ok(CompletedOAuth::Linked { linked, .. }) = use_case.execute(link_command(&me, &session)).await else {
        panic!("expected a link")
    };
    assert!(!linked.newly_linked);
    let writes = writes.lock().unwrap();
    let write = existing(&writes[0]);
    assert_eq!((write.change, write.through_link), (AccountChange::MarkVerified, Some(link_id)));
    assert!(writes[0].new_link.is_none());
}

#[path = "complete_oauth_reauthentication_tests.rs"]
mod reauthentication;

#[cfg(test)]
#[path = "complete_oauth_issuer_tests.rs"]
mod issuer_tests;
