use std::sync::Arc;

use super::*;
use crate::mail::MockMailOutbox;
use crate::passkey::{MockPasskeyRepository, MockRelyingParty};
use crate::use_cases::passkey_test_support::*;
use crate::use_cases::test_support::*;

fn owner() -> User {
    let mut user = user(None);
    user.email_verified = true;
    user.passkeys = 1;
    user
}

fn stored(owner: UserId, recorded: UseRecorded) -> MockPasskeyRepository {
    let mut passkeys = MockPasskeyRepository::new();
    passkeys.expect_find_by_credential().returning(move |id| Ok(Some(passkey_of(owner, id.as_str()))));
    passkeys.expect_sign_in().returning(move |_, _, _| Ok(recorded));
    passkeys
}

fn accepting(
    mut rp: MockRelyingParty,
    answer: Result<crate::passkey::Assertion, PasskeyRejection>,
) -> MockRelyingParty {
    rp.expect_finish_authentication().returning(move |_, _, _| answer.clone());
    rp
}

fn signing_in(ports: PasskeyPorts, owner: &User) -> SignInWithPasskey {
    SignInWithPasskey::new(ports, issuer(codec_for(owner.id)), codec_for(owner.id), open_throttle())
}

fn command(ceremony: &str, credential: &str) -> PasskeySignInCommand {
    PasskeySignInCommand {
        ceremony: ceremony.into(),
        credential: answer(credential),
        client: ClientInfo { user_agent: Some("a browser".into()), ip: Some("198.51.100.7".into()) },
        browser_token: None,
    }
}

#[tokio::test]
async fn a_passkey_opens_a_session_of_its_own_account_that_names_it() {
    let owner = owner();
    let replaced = crate::session::SessionId::generate();
    let mut passkeys = MockPasskeyRepository::new();
    passkeys.expect_find_by_credential().returning({
        let id = owner.id;
        move |c| Ok(Some(passkey_of(id, c.as_str())))
    });
    passkeys
        .expect_sign_in()
        .withf(move |used, session, replaces| {
            matches!(session.method, SignInMethod::Passkey(id) if id == used.passkey_id)
                && used.assertion.sign_count == 4
                && *replaces == Some(replaced)
        })
        .times(1)
        .returning(|_, _, _| Ok(UseRecorded::Done));
    let rp = accepting(identifying(owner.id, "cred"), Ok(assertion(4)));
    let use_case = signing_in(ports(users_finding(owner.clone()), passkeys, rp), &owner);
    let started = use_case.start().unwrap();
    let signed_in = use_case
        .finish(&PasskeySignInCommand {
            browser_token: Some(format!("tok.{replaced}")),
            ..command(&started.ceremony, "cred")
        })
        .await
        .unwrap();
    assert_eq!(signed_in.user.id, owner.id);
}

#[tokio::test]
async fn a_passkey_of_another_account_than_its_user_handle_names_is_refused() {
    let owner = owner();
    let stranger = UserId::generate();
    let rp = accepting(identifying(stranger, "cred"), Ok(assertion(4)));
    let use_case = signing_in(ports(users_finding(owner.clone()), stored(owner.id, UseRecorded::Done), rp), &owner);
    let started = use_case.start().unwrap();
    let result = use_case.finish(&command(&started.ceremony, "cred")).await;
    assert!(matches!(result, Err(PasskeySignInError::Rejected { rejection: PasskeyRejection::Invalid(_), .. })));
}

#[tokio::test]
async fn an_unknown_or_removed_credential_is_refused() {
    let owner = owner();
    let mut passkeys = MockPasskeyRepository::new();
    passkeys.expect_find_by_credential().returning(|_| Ok(None));
    passkeys.expect_sign_in().never();
    let rp = accepting(identifying(owner.id, "gone"), Ok(assertion(4)));
    let use_case = signing_in(ports(users_finding(owner.clone()), passkeys, rp), &owner);
    let started = use_case.start().unwrap();
    assert!(matches!(
        use_case.finish(&command(&started.ceremony, "gone")).await,
        Err(PasskeySignInError::Rejected { .. })
    ));
}

#[tokio::test]
async fn a_counter_that_went_backwards_is_refused_and_told_to_the_owner() {
    for (rp_answer, recorded) in [
        (Err(PasskeyRejection::CounterWentBackwards), UseRecorded::Done),
        (Ok(assertion(4)), UseRecorded::CounterWentBackwards),
    ] {
        let owner = owner();
        let mut outbox = MockMailOutbox::new();
        outbox
            .expect_enqueue()
            .withf(|job, _| {
                matches!(job, crate::mail::job::MailJob::Notice { notice: Notice::PasskeyCloned(Some(_)), .. })
            })
            .times(1)
            .returning(|_, _| Ok(()));
        let rp = accepting(identifying(owner.id, "cred"), rp_answer);
        let use_case = signing_in(ports(users_finding(owner.clone()), stored(owner.id, recorded), rp), &owner)
            .sending_notices(Arc::new(outbox));
        let started = use_case.start().unwrap();
        let result = use_case.finish(&command(&started.ceremony, "cred")).await;
        assert!(matches!(
            result,
            Err(PasskeySignInError::Rejected { rejection: PasskeyRejection::CounterWentBackwards, user: Some(_) })
        ));
    }
}

#[tokio::test]
async fn a_throttled_address_gets_no_check_at_all() {
    let owner = owner();
    let mut rp = MockRelyingParty::new();
    rp.expect_start_sign_in().returning(|| Ok(options()));
    rp.expect_identify().never();
    rp.expect_finish_authentication().never();
    let ports = ports(users_finding(owner.clone()), MockPasskeyRepository::new(), rp);
    let use_case = SignInWithPasskey::new(ports, issuer(codec_for(owner.id)), codec_for(owner.id), closed_throttle());
    let started = use_case.start().unwrap();
    assert!(matches!(
        use_case.finish(&command(&started.ceremony, "cred")).await,
        Err(PasskeySignInError::RateLimited(_))
    ));
}

#[tokio::test]
async fn a_replayed_or_foreign_ceremony_is_invalid() {
    let owner = owner();
    let rp = accepting(identifying(owner.id, "cred"), Ok(assertion(4)));
    let use_case = signing_in(ports(users_finding(owner.clone()), stored(owner.id, UseRecorded::Done), rp), &owner);
    let started = use_case.start().unwrap();
    assert!(use_case.finish(&command(&started.ceremony, "cred")).await.is_ok());
    let replayed = use_case.finish(&command(&started.ceremony, "cred")).await;
    assert!(matches!(replayed, Err(PasskeySignInError::InvalidCeremony)));
    let forged = use_case.finish(&command("sealed-by-someone-else", "cred")).await;
    assert!(matches!(forged, Err(PasskeySignInError::InvalidCeremony)));
}
