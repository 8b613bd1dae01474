//! A link belongs to the issuer it was made under, and a provider's addresses count as proven
//! only by the provider's rule (for an OpenID Connect provider: the claim, within its domains).

use super::*;
use crate::email_trust::{EmailDomain, EmailTrust};

const OTHER_ISSUER: &str = "https://login.other.example";

fn link_under(user_id: UserId, issuer: Option<&str>) -> OAuthAccount {
    OAuthAccount { issuer: issuer.map(str::to_owned), ..link_of(user_id) }
}

fn refused_for_issuer(result: &Result<CompletedOAuth, CompleteOAuthError>) -> bool {
    matches!(result, Err(CompleteOAuthError::IssuerChanged { stored, current })
        if stored == OTHER_ISSUER && current == ISSUER)
}

#[tokio::test]
async fn a_link_made_under_another_issuer_signs_in_links_and_proves_nothing() {
    let mut me = user(Some("hash"));
    me.email_verified = true;
    let session = session_of(me.id, t0() + Duration::hours(1));
    let purposes = [
        FlowPurpose::SignIn,
        FlowPurpose::Link { user_id: me.id, session_id: session.id },
        FlowPurpose::Reauthenticate { user_id: me.id, session_id: session.id },
    ];
    for purpose in purposes {
        let mut world = link_world(&me, identity(Some("ada@example.com"), true), &session);
        world.link = Some(link_under(me.id, Some(OTHER_ISSUER)));
        let proofs = world.proofs.clone();
        let (use_case, writes) = world.use_case();
        let mut command = command(Some(flow(purpose)));
        command.browser_token = Some(format!("tok.{}", session.id));
        let result = use_case.execute(command).await;
        assert!(refused_for_issuer(&result), "{purpose:?}: {result:?}");
        assert!(writes.lock().unwrap().is_empty(), "{purpose:?}: nothing written");
        assert!(proofs.lock().unwrap().is_empty(), "{purpose:?}: no proof recorded");
    }
}

#[tokio::test]
async fn a_link_stored_before_issuers_were_signs_in_and_records_its_issuer() {
    let me = user(Some("hash"));
    for (stored, recorded) in [(None, Some(ISSUER.to_owned())), (Some(ISSUER), None)] {
        let mut world = World::new(vec![me.clone()], identity(Some("ada@example.com"), false));
        world.link = Some(link_under(me.id, stored));
        let (use_case, writes) = world.use_case();
        let done = signed_in(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await);
        assert_eq!(done.outcome, OAuthOutcome::SignedIn);
        assert_eq!(existing(&writes.lock().unwrap()[0]).link_issuer, recorded, "stored {stored:?}");
    }
}

#[tokio::test]
async fn a_new_link_keeps_the_issuer_with_the_subject() {
    let world = World::new(Vec::new(), identity(Some("new@example.com"), true));
    let (use_case, writes) = world.use_case();
    signed_in(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await);
    let link = writes.lock().unwrap()[0].new_link.clone().unwrap();
    assert_eq!((link.provider_user_id.as_str(), link.issuer.as_deref()), (SUB, Some(ISSUER)));
}

fn scoped(domains: &[&str]) -> EmailTrust {
    EmailTrust::Domains {
        domains: domains.iter().map(|d| EmailDomain::parse(d).unwrap()).collect(),
        without_claim: false,
    }
}

#[tokio::test]
async fn a_verified_address_outside_the_providers_domains_links_to_and_claims_nothing() {
    for account_verified in [true, false] {
        let mut owner = user(Some("hash"));
        owner.email_verified = account_verified;
        let mut world = World::new(vec![owner], identity(Some("ada@example.com"), true));
        world.email_trust = scoped(&["corp.example.com"]);
        let (use_case, writes) = world.use_case();
        let result = use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await;
        assert!(matches!(result, Err(CompleteOAuthError::EmailNotVerified)), "{result:?}");
        assert!(writes.lock().unwrap().is_empty());
    }
    let mut world = World::new(Vec::new(), identity(Some("bob@example.com"), true));
    world.email_trust = scoped(&["corp.example.com"]);
    let (use_case, writes) = world.use_case();
    let done = signed_in(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await);
    assert_eq!(done.outcome, OAuthOutcome::Created);
    assert!(!done.signed_in.user.email_verified, "a new account, its address not proven");
    assert!(matches!(&writes.lock().unwrap()[0].account, AccountWrite::Create(u) if !u.email_verified));
}

#[tokio::test]
async fn a_verified_address_inside_the_providers_domains_links_and_claims() {
    for (account_verified, outcome) in [(true, OAuthOutcome::Linked), (false, OAuthOutcome::Claimed)] {
        let mut owner = user(Some("hash"));
        owner.email_verified = account_verified;
        let mut world = World::new(vec![owner], identity(Some("ada@example.com"), true));
        world.email_trust = scoped(&["example.com"]);
        let (use_case, _) = world.use_case();
        let done = signed_in(use_case.execute(command(Some(flow(FlowPurpose::SignIn)))).await);
        assert_eq!(done.outcome, outcome);
    }
}
