use super::*;
use crate::passkey::MockPasskeyRepository;
use crate::use_cases::passkey_test_support::*;
use crate::use_cases::test_support::*;

fn reauthenticating(owner: UserId, handle: UserId, recorded: UseRecorded, times: usize) -> ReauthenticateWithPasskey {
    let mut passkeys = MockPasskeyRepository::new();
    passkeys.expect_list().returning(move |user| Ok(vec![passkey_of(user, "cred")]));
    passkeys.expect_find_by_credential().returning(move |id| Ok(Some(passkey_of(owner, id.as_str()))));
    passkeys.expect_reauthenticate().times(times).returning(move |_, _| Ok(recorded));
    let mut rp = identifying(handle, "cred");
    rp.expect_finish_authentication().returning(|_, _, _| Ok(assertion(9)));
    let mut user = user(Some("stored"));
    user.id = owner;
    ReauthenticateWithPasskey::new(ports(users_finding(user), passkeys, rp), open_throttle())
}

fn command(user_id: UserId, session_id: SessionId, ceremony: &str) -> PasskeyReauthenticationCommand {
    PasskeyReauthenticationCommand {
        user_id,
        session_id,
        ceremony: ceremony.into(),
        credential: answer("cred"),
        client: ClientInfo::default(),
    }
}

#[tokio::test]
async fn the_account_s_passkey_records_a_proof_on_the_asking_session() {
    let owner = UserId::generate();
    let session = SessionId::generate();
    let use_case = reauthenticating(owner, owner, UseRecorded::Done, 1);
    let started = use_case.start(owner, session).await.unwrap();
    assert!(use_case.finish(&command(owner, session, &started.ceremony)).await.is_ok());
}

#[tokio::test]
async fn another_account_s_passkey_proves_nothing() {
    let owner = UserId::generate();
    let thief = UserId::generate();
    let session = SessionId::generate();
    // The thief's session asks; the passkey answering is the owner's.
    let use_case = reauthenticating(owner, owner, UseRecorded::Done, 0);
    let started = use_case.start(thief, session).await.unwrap();
    let result = use_case.finish(&command(thief, session, &started.ceremony)).await;
    assert!(matches!(result, Err(PasskeyReauthenticationError::Rejected(_))));
}

#[tokio::test]
async fn a_ceremony_started_by_another_session_is_invalid() {
    let owner = UserId::generate();
    let use_case = reauthenticating(owner, owner, UseRecorded::Done, 0);
    let started = use_case.start(owner, SessionId::generate()).await.unwrap();
    let result = use_case.finish(&command(owner, SessionId::generate(), &started.ceremony)).await;
    assert!(matches!(result, Err(PasskeyReauthenticationError::InvalidCeremony)));
}

#[tokio::test]
async fn an_account_without_passkeys_has_nothing_to_start() {
    let mut passkeys = MockPasskeyRepository::new();
    passkeys.expect_list().returning(|_| Ok(vec![]));
    let owner = UserId::generate();
    let use_case = ReauthenticateWithPasskey::new(
        ports(users_finding(user(None)), passkeys, identifying(owner, "cred")),
        open_throttle(),
    );
    assert!(matches!(use_case.start(owner, SessionId::generate()).await, Err(PasskeyReauthenticationError::NoPasskey)));
}
