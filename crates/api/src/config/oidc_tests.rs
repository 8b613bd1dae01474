use yoshikosan_domain::EmailTrust;

use super::super::Settings;

fn corp(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let base = [
        ("PUBLIC_URL", "https://auth.example.com"),
        ("OIDC_PROVIDERS", "corp"),
        ("OIDC_CORP_ISSUER", "https://id.corp.example.com/realms/staff"),
        ("OIDC_CORP_CLIENT_ID", "yoshikosan"),
        ("OIDC_CORP_CLIENT_SECRET", "s3cret"),
        ("OIDC_CORP_NAME", "Corp SSO"),
    ];
    base.iter().chain(extra).map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn domains(trust: &EmailTrust) -> (Vec<String>, bool) {
    match trust {
        EmailTrust::Domains { domains, without_claim } => {
            (domains.iter().map(ToString::to_string).collect(), *without_claim)
        }
        EmailTrust::ProviderFlag => panic!("a configured issuer is never trusted by its flag alone"),
    }
}

#[test]
fn a_configured_issuer_gets_the_safe_defaults() {
    let settings = Settings::from_vars(corp(&[])).unwrap();
    let [corp] = settings.oidc.as_slice() else { panic!("{:?}", settings.oidc) };
    assert_eq!(corp.oidc.id.as_str(), "corp");
    assert_eq!(corp.oidc.issuer_url, "https://id.corp.example.com/realms/staff");
    assert_eq!(corp.oidc.redirect_uri, "https://auth.example.com/api/auth/callback/corp");
    assert_eq!(corp.oidc.scopes, ["openid", "email", "profile"]);
    assert!(!corp.oidc.select_account);
    assert_eq!(corp.display_name, "Corp SSO");
    assert_eq!(corp.authorization_origin(), "https://id.corp.example.com");
    assert_eq!(domains(&corp.email_trust), (Vec::new(), false), "no address trusted unless domains are named");
    let warnings = settings.warnings().join("\n");
    assert!(warnings.contains("OIDC_CORP_EMAIL_DOMAINS is not set"), "{warnings}");
}

#[test]
fn every_optional_setting_is_read() {
    let settings = Settings::from_vars(corp(&[
        ("OIDC_PROVIDERS", " corp , partner2 "),
        ("OIDC_CORP_SCOPES", "openid email, groups"),
        ("OIDC_CORP_AUTHORIZE_ORIGIN", "https://login.corp.example.com"),
        ("OIDC_CORP_EMAIL_DOMAINS", "Corp.Example.com, bücher.example"),
        ("OIDC_CORP_TRUST_EMAIL", "true"),
        ("OIDC_PARTNER2_ISSUER", "https://partner.example/"),
        ("OIDC_PARTNER2_CLIENT_ID", "p"),
        ("OIDC_PARTNER2_CLIENT_SECRET", "p"),
        ("OIDC_PARTNER2_NAME", "パートナー 🧑‍💻"),
    ]))
    .unwrap();
    let [corp, partner] = settings.oidc.as_slice() else { panic!("{:?}", settings.oidc) };
    assert_eq!(corp.oidc.scopes, ["openid", "email", "groups"]);
    assert_eq!(corp.authorization_origin(), "https://login.corp.example.com");
    assert_eq!(domains(&corp.email_trust), (vec!["corp.example.com".into(), "xn--bcher-kva.example".into()], true));
    assert_eq!(partner.oidc.issuer_url, "https://partner.example/", "kept as written: a trailing slash is part of it");
    assert_eq!(partner.display_name, "パートナー 🧑‍💻");
    let warnings = settings.warnings().join("\n");
    assert!(
        warnings.contains("OIDC_CORP_TRUST_EMAIL=true: an address in corp.example.com, xn--bcher-kva.example"),
        "{warnings}"
    );
    let summary = settings.summary();
    assert!(summary.contains("OIDC_CORP_*"), "{summary}");
    assert!(summary.contains("addresses trusted in corp.example.com"), "{summary}");
    assert!(!summary.contains("s3cret"), "{summary}");
}

#[test]
fn every_problem_of_every_provider_is_told_naming_its_variable() {
    let error = Settings::from_vars(corp(&[
        ("OIDC_PROVIDERS", "corp,Bad,google,login,corp,okta"),
        ("OIDC_CORP_ISSUER", "id.corp.example.com"),
        ("OIDC_CORP_NAME", "Corp\u{202e}SSO"),
        ("OIDC_CORP_SCOPES", "openid \"email\""),
        ("OIDC_CORP_AUTHORIZE_ORIGIN", "https://login.corp.example.com/authorize"),
        ("OIDC_CORP_EMAIL_DOMAINS", "*.corp.example.com"),
        ("OIDC_CORP_TRUST_EMAIL", "maybe"),
    ]))
    .unwrap_err()
    .to_string();
    for expected in [
        "OIDC_CORP_ISSUER must be an absolute http(s) URL",
        "OIDC_CORP_NAME must be 1 to 64 characters",
        "OIDC_CORP_SCOPES: \"\\\"email\\\"\" is not an OAuth scope",
        "OIDC_CORP_AUTHORIZE_ORIGIN must be an origin",
        "OIDC_CORP_EMAIL_DOMAINS: `*.corp.example.com` is not a mail domain",
        "OIDC_CORP_TRUST_EMAIL must be true or false",
        "OIDC_PROVIDERS: \"Bad\"",
        "`google` is a built-in provider: configure it with GOOGLE_* instead",
        "`login` is a word the API uses itself",
        "OIDC_PROVIDERS names `corp` twice",
        "OIDC_OKTA_ISSUER is required (`okta` is in OIDC_PROVIDERS)",
        "OIDC_OKTA_CLIENT_ID is required",
        "OIDC_OKTA_CLIENT_SECRET is required",
        "OIDC_OKTA_NAME is required",
    ] {
        assert!(error.contains(expected), "missing {expected:?} in:\n{error}");
    }
}

#[test]
fn an_issuer_over_plain_http_stops_a_production_start_unless_it_is_on_this_machine() {
    let production = [("APP_ENV", "production"), ("SECRET_KEY", "0123456789abcdef0123456789abcdef")];
    let over_http = [production.as_slice(), &[("OIDC_CORP_ISSUER", "http://id.corp.example.com")]].concat();
    let error = Settings::from_vars(corp(&over_http)).unwrap_err().to_string();
    assert!(error.contains("OIDC_CORP_ISSUER is http://id.corp.example.com (http://) in production"), "{error}");
    let local = [production.as_slice(), &[("OIDC_CORP_ISSUER", "http://127.0.0.1:8080")]].concat();
    assert!(Settings::from_vars(corp(&local)).is_ok());
    assert!(Settings::from_vars(corp(&[("OIDC_CORP_ISSUER", "http://id.corp.example.com")])).is_ok(), "development");
}

#[test]
fn an_email_domain_is_read_as_written_or_refused() {
    for written in ["corp.example.com#x", "corp.example.com?x", "a.example.com\\b.evil", "corp%2eexample.com", "1.2.3"]
    {
        let error = Settings::from_vars(corp(&[("OIDC_CORP_EMAIL_DOMAINS", written)])).map(|_| ()).unwrap_err();
        assert!(error.to_string().contains("OIDC_CORP_EMAIL_DOMAINS"), "{written}: {error}");
    }
}

#[test]
fn a_google_issuer_other_than_googles_is_a_warning() {
    let google = [("GOOGLE_CLIENT_ID", "g"), ("GOOGLE_CLIENT_SECRET", "s")];
    let warnings = Settings::from_vars(google).unwrap().warnings().join("\n");
    assert!(!warnings.contains("GOOGLE_ISSUER_URL"), "{warnings}");
    let elsewhere = [google.as_slice(), &[("GOOGLE_ISSUER_URL", "https://sso.example.com/realms/x")]].concat();
    let warnings = Settings::from_vars(elsewhere).unwrap().warnings().join("\n");
    assert!(warnings.contains("GOOGLE_ISSUER_URL is https://sso.example.com/realms/x, not Google's"), "{warnings}");
}

#[test]
fn a_setting_no_provider_reads_is_a_warning() {
    let settings = Settings::from_vars(corp(&[
        ("OIDC_CORP_EMAIL_DOMAIN", "corp.example.com"),
        ("OIDC_OKTA_ISSUER", "https://okta.example.com"),
    ]))
    .unwrap();
    let warnings = settings.warnings().join("\n");
    assert!(warnings.contains("OIDC_CORP_EMAIL_DOMAIN is set but not read"), "{warnings}");
    assert!(warnings.contains("OIDC_OKTA_ISSUER is set but not read"), "{warnings}");
    assert!(!warnings.contains("OIDC_CORP_ISSUER is set but not read"), "{warnings}");
}
