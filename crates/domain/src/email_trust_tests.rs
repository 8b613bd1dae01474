use super::*;
use crate::email::Email;
use crate::provider_id::ProviderId;

fn identity(email: &str, claim: Option<bool>) -> ProviderIdentity {
    ProviderIdentity {
        provider: ProviderId::parse("corp").unwrap(),
        issuer: Some("https://id.corp.example.com".into()),
        provider_user_id: "sub-1".into(),
        email: Email::parse(email).ok(),
        email_verified: claim == Some(true),
        email_verified_claim: claim,
        name: None,
        avatar_url: None,
        authenticated_at: None,
    }
}

fn domains(list: &[&str], without_claim: bool) -> EmailTrust {
    EmailTrust::Domains { domains: list.iter().map(|d| EmailDomain::parse(d).unwrap()).collect(), without_claim }
}

#[test]
fn an_address_is_trusted_only_with_the_claim_and_inside_the_domains() {
    let trust = domains(&["corp.example.com", "corp.example.org"], false);
    assert!(trust.trusts(&identity("ann@corp.example.com", Some(true))));
    assert!(trust.trusts(&identity("Ann@CORP.example.ORG", Some(true))));
    for (email, claim) in [
        ("ann@corp.example.com", Some(false)),
        ("ann@corp.example.com", None),
        ("ann@gmail.com", Some(true)),
        ("ann@eu.corp.example.com", Some(true)),
        ("ann@corp.example.com.evil.test", Some(true)),
        ("ann@xcorp.example.com", Some(true)),
    ] {
        assert!(!trust.trusts(&identity(email, claim)), "{email} {claim:?}");
    }
}

#[test]
fn trusting_without_the_claim_still_needs_the_domain_and_never_overrides_a_false_claim() {
    let trust = domains(&["corp.example.com"], true);
    assert!(trust.trusts(&identity("ann@corp.example.com", None)));
    assert!(trust.trusts(&identity("ann@corp.example.com", Some(true))));
    assert!(!trust.trusts(&identity("ann@corp.example.com", Some(false))));
    assert!(!trust.trusts(&identity("ann@example.com", None)));
}

#[test]
fn no_domains_trust_no_address() {
    let trust = domains(&[], true);
    assert!(!trust.trusts(&identity("ann@corp.example.com", Some(true))));
    let mut none = identity("ann@corp.example.com", Some(true));
    none.email = None;
    assert!(!domains(&["corp.example.com"], false).trusts(&none));
}

#[test]
fn a_provider_flag_is_the_adapters_reading() {
    assert!(EmailTrust::ProviderFlag.trusts(&identity("ann@gmail.com", Some(true))));
    assert!(!EmailTrust::ProviderFlag.trusts(&identity("ann@gmail.com", None)));
    let judged = domains(&["corp.example.com"], false).judge(identity("ann@gmail.com", Some(true)));
    assert!(!judged.email_verified, "judged by the domains, not the claim alone");
}

#[test]
fn domains_are_ascii_dotted_names() {
    assert_eq!(EmailDomain::parse(" Corp.Example.COM ").map(|d| d.to_string()), Ok("corp.example.com".into()));
    assert!(EmailDomain::parse("xn--bcher-kva.example").is_ok());
    for bad in [
        "",
        "localhost",
        "corp..example.com",
        "-corp.example.com",
        "corp-.example.com",
        "*.example.com",
        "bücher.example",
        "corp.example.com.",
        "a b.example",
        "@example.com",
        "10.0.0.1",
        "1.2.3",
    ] {
        assert!(EmailDomain::parse(bad).is_err(), "{bad:?}");
    }
}
