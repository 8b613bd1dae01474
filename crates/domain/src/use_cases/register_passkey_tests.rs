use chrono::Duration;

use super::*;
use crate::passkey::{CredentialId, MockPasskeyRepository, NewCredential, StoredCredential};
use crate::use_cases::passkey_test_support::*;
use crate::use_cases::test_support::*;
use crate::user::User;
use crate::validation::FieldErrorCode;

const UA: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

fn new_credential() -> NewCredential {
    NewCredential {
        credential_id: CredentialId::from_base64url("new-credential".into()),
        credential: StoredCredential::new("stored".into()),
        sign_count: 0,
        backed_up: true,
    }
}

fn storing(times: usize, answer: PasskeyAdded) -> MockPasskeyRepository {
    let mut passkeys = MockPasskeyRepository::new();
    passkeys.expect_list().returning(|user| Ok(vec![passkey_of(user, "existing")]));
    passkeys.expect_add().times(times).returning(move |_| Ok(answer));
    passkeys
}

fn registering(passkeys: MockPasskeyRepository, proven_ago: Duration) -> (RegisterPasskey, User) {
    let user = user(Some("stored"));
    let mut rp = identifying(user.id, "new-credential");
    rp.expect_finish_registration().returning(|_, _| Ok(new_credential()));
    (RegisterPasskey::new(ports(users_finding(user.clone()), passkeys, rp), proven(proven_ago)), user)
}

fn command(user: &User, session_id: SessionId, ceremony: &str, name: Option<&str>) -> FinishPasskeyRegistrationCommand {
    FinishPasskeyRegistrationCommand {
        user_id: user.id,
        session_id,
        ceremony: ceremony.into(),
        credential: answer("new-credential"),
        name: name.map(str::to_owned),
        client: ClientInfo { user_agent: Some(UA.into()), ip: Some("198.51.100.7".into()) },
    }
}

#[tokio::test]
async fn a_stale_proof_starts_nothing() {
    let (use_case, user) = registering(storing(0, PasskeyAdded::Done), Duration::minutes(11));
    let result = use_case.start(user.id, SessionId::generate()).await;
    assert!(matches!(result, Err(RegisterPasskeyError::ReauthenticationRequired)));
}

#[tokio::test]
async fn the_account_s_own_passkeys_are_excluded() {
    let user = user(Some("stored"));
    let mut rp = identifying(user.id, "x");
    rp.checkpoint();
    rp.expect_start_registration()
        .withf(|_, exclude| exclude.iter().map(CredentialId::as_str).collect::<Vec<_>>() == ["existing"])
        .times(1)
        .returning(|_, _| Ok(options()));
    let use_case = RegisterPasskey::new(
        ports(users_finding(user.clone()), storing(0, PasskeyAdded::Done), rp),
        proven(Duration::zero()),
    );
    assert!(use_case.start(user.id, SessionId::generate()).await.is_ok());
}

#[tokio::test]
async fn a_finished_registration_is_named_after_the_browser_and_cannot_be_finished_twice() {
    let (use_case, user) = registering(storing(1, PasskeyAdded::Done), Duration::zero());
    let session = SessionId::generate();
    let started = use_case.start(user.id, session).await.unwrap();
    let passkey = use_case.finish(&command(&user, session, &started.ceremony, None)).await.unwrap();
    assert_eq!(passkey.name.as_str(), "Chrome on Linux");
    assert!(passkey.backed_up);
    let again = use_case.finish(&command(&user, session, &started.ceremony, None)).await;
    assert!(matches!(again, Err(RegisterPasskeyError::InvalidCeremony)));
}

#[tokio::test]
async fn a_refused_name_leaves_the_ceremony_usable() {
    let (use_case, user) = registering(storing(1, PasskeyAdded::Done), Duration::zero());
    let session = SessionId::generate();
    let started = use_case.start(user.id, session).await.unwrap();
    let Err(RegisterPasskeyError::Invalid(errors)) =
        use_case.finish(&command(&user, session, &started.ceremony, Some(&"k".repeat(65)))).await
    else {
        panic!("a 65-character name was accepted");
    };
    assert_eq!(errors.errors()[0].code, FieldErrorCode::TooLong);
    let passkey = use_case.finish(&command(&user, session, &started.ceremony, Some(" 🔑 Work "))).await.unwrap();
    assert_eq!(passkey.name.as_str(), "🔑 Work");
}

#[tokio::test]
async fn another_session_cannot_finish_what_one_started() {
    let (use_case, user) = registering(storing(0, PasskeyAdded::Done), Duration::zero());
    let started = use_case.start(user.id, SessionId::generate()).await.unwrap();
    let result = use_case.finish(&command(&user, SessionId::generate(), &started.ceremony, None)).await;
    assert!(matches!(result, Err(RegisterPasskeyError::InvalidCeremony)));
}

#[tokio::test]
async fn a_ceremony_expires_after_five_minutes() {
    let user = user(Some("stored"));
    let mut rp = identifying(user.id, "new-credential");
    rp.expect_finish_registration().never();
    let ports = ports(users_finding(user.clone()), storing(0, PasskeyAdded::Done), rp);
    let session = SessionId::generate();
    let started = RegisterPasskey::new(ports.clone(), proven(Duration::zero())).start(user.id, session).await.unwrap();
    let late = RegisterPasskey::new(later(&ports, t0() + Duration::minutes(5)), proven(Duration::zero()));
    let result = late.finish(&command(&user, session, &started.ceremony, None)).await;
    assert!(matches!(result, Err(RegisterPasskeyError::InvalidCeremony)));
}

#[tokio::test]
async fn the_proof_is_checked_again_when_the_ceremony_finishes() {
    let user = user(Some("stored"));
    let ports = ports(users_finding(user.clone()), storing(0, PasskeyAdded::Done), identifying(user.id, "x"));
    let session = SessionId::generate();
    let started =
        RegisterPasskey::new(ports.clone(), proven(Duration::minutes(9))).start(user.id, session).await.unwrap();
    let stale = RegisterPasskey::new(ports, proven(Duration::minutes(11)));
    let result = stale.finish(&command(&user, session, &started.ceremony, None)).await;
    assert!(matches!(result, Err(RegisterPasskeyError::ReauthenticationRequired)));
}

#[tokio::test]
async fn a_credential_already_registered_is_refused_as_existing() {
    let (use_case, user) = registering(storing(1, PasskeyAdded::Exists), Duration::zero());
    let session = SessionId::generate();
    let started = use_case.start(user.id, session).await.unwrap();
    let result = use_case.finish(&command(&user, session, &started.ceremony, None)).await;
    assert!(matches!(result, Err(RegisterPasskeyError::Exists)));
}

#[tokio::test]
async fn the_owner_is_told_when_mail_is_on_without_the_name_of_an_unproven_address() {
    let mut passkeys = MockPasskeyRepository::new();
    passkeys.expect_list().returning(|_| Ok(vec![]));
    passkeys
        .expect_add()
        .withf(|addition| {
            matches!(
                &addition.notice,
                Some(crate::mail::job::MailJob::Notice { notice: Notice::PasskeyAdded(None), .. })
            )
        })
        .times(1)
        .returning(|_| Ok(PasskeyAdded::Done));
    let (use_case, user) = registering(passkeys, Duration::zero());
    let use_case = use_case.sending_notices();
    let session = SessionId::generate();
    let started = use_case.start(user.id, session).await.unwrap();
    use_case.finish(&command(&user, session, &started.ceremony, Some("Mine"))).await.unwrap();
}
