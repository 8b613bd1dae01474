//! The callback's rules for identities a user unlinked, and for re-authentication flows: only an
//! identity linked to the session's user, in the browser that started it, after a fresh login
//! where the provider can force one.

use super::*;

#[tokio::test]
async fn an_identity_its_owner_unlinked_is_not_linked_back_by_the_email_rules() {
    for verified_account in [true, false] {
        let mut owner = user(Some("hash"));
        owner.email_verified = verified_account;
        let mut world = World::new(vec![owner.clone()], identity(Some("ada@example.com"), true));
        world.unlinked_by = Some(owner.id);
        let (use_case, writes) = world.use_case();
        let result = use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await;
        assert!(matches!(result, Err(CompleteOAuthError::IdentityUnlinked)), "{result:?}");
        assert!(writes.lock().unwrap().is_empty(), "neither linked nor claimed");
    }
}

/// The callback of a re-authentication flow, in the browser signed in with `session`.
fn reauth_command(me: &User, session: &Session) -> CompleteOAuthCommand {
    let mut command = command(Some(flow(FlowPurpose::Reauthenticate { user_id: me.id, session_id: session.id })));
    command.browser_token = Some(format!("tok.{}", session.id));
    command
}

/// Logged in at Google `after_start` after the flow started (it started five minutes before t0).
fn logged_in(after_start: Option<Duration>) -> ProviderIdentity {
    let mut identity = identity(Some("ada@example.com"), true);
    identity.authenticated_at = after_start.map(|d| t0() - Duration::minutes(5) + d);
    identity
}

#[tokio::test]
async fn a_reauthentication_proves_the_session_only_with_an_identity_linked_to_its_user() {
    let me = user(Some("hash"));
    let session = session_of(me.id, t0() + Duration::hours(1));
    let fresh = logged_in(Some(Duration::seconds(20)));
    for (case, link, proven) in [
        ("linked to me", Some(link_of(me.id)), true),
        ("linked to no one", None, false),
        ("linked to someone else", Some(link_of(UserId::generate())), false),
    ] {
        let mut world = link_world(&me, fresh.clone(), &session);
        world.link = link;
        let proofs = world.proofs.clone();
        let (use_case, writes) = world.use_case();
        let result = use_case.execute(reauth_command(&me, &session)).await;
        if proven {
            assert!(matches!(result, Ok(CompletedOAuth::Reauthenticated { .. })), "{case}: {result:?}");
            assert_eq!(*proofs.lock().unwrap(), [session.id], "{case}");
        } else {
            assert!(matches!(result, Err(CompleteOAuthError::ReauthenticationFailed)), "{case}: {result:?}");
            assert!(proofs.lock().unwrap().is_empty(), "{case}");
        }
        assert!(writes.lock().unwrap().is_empty(), "{case}: no link, no session");
    }
}

#[tokio::test]
async fn a_reauthentication_with_google_needs_a_login_after_the_flow_started() {
    let me = user(Some("hash"));
    let session = session_of(me.id, t0() + Duration::hours(1));
    for (case, after_start, proven) in [
        ("no auth_time", None, false),
        ("an hour before", Some(Duration::hours(-1)), false),
        ("just before, beyond the skew", Some(Duration::seconds(-31)), false),
        ("within the skew", Some(Duration::seconds(-29)), true),
        ("after the start", Some(Duration::seconds(30)), true),
    ] {
        let mut world = link_world(&me, logged_in(after_start), &session);
        world.link = Some(link_of(me.id));
        let proofs = world.proofs.clone();
        let (use_case, _) = world.use_case();
        let result = use_case.execute(reauth_command(&me, &session)).await;
        assert_eq!(result.is_ok(), proven, "{case}: {result:?}");
        assert_eq!(proofs.lock().unwrap().len(), usize::from(proven), "{case}");
    }
}

#[tokio::test]
async fn a_reauthentication_completes_only_in_the_browser_whose_session_started_it() {
    let me = user(Some("hash"));
    let session = session_of(me.id, t0() + Duration::hours(1));
    let mut world = link_world(&me, logged_in(Some(Duration::seconds(1))), &session);
    world.link = Some(link_of(me.id));
    let proofs = world.proofs.clone();
    let (use_case, _) = world.use_case();
    let mut command = reauth_command(&me, &session);
    command.browser_token = Some(format!("tok.{}", SessionId::generate()));
    let result = use_case.execute(command).await;
    assert!(matches!(result, Err(CompleteOAuthError::SessionExpired)), "{result:?}");
    assert!(proofs.lock().unwrap().is_empty());
}
