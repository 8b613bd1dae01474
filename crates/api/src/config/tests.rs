use secrecy::ExposeSecret;

use super::{AppEnv, LogFormat, Settings};

const KEY: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn nothing_set_gives_a_runnable_development_service() {
    let settings = Settings::from_vars(Vec::<(String, String)>::new()).unwrap();
    assert_eq!(settings.env, AppEnv::Development);
    assert_eq!(settings.bind_address(), "0.0.0.0:8000");
    assert_eq!(settings.database_url, "sqlite://yoshikosan.db?mode=rwc");
    assert!(settings.ephemeral_secret);
    assert_eq!(settings.secret_key.expose_secret().len(), 64);
    assert_eq!(settings.access_token_ttl.as_seconds(), 604_800);
    assert_eq!(settings.reauth_window.as_seconds(), 600);
    assert_eq!(settings.bcrypt_cost, 12);
    assert_eq!(settings.cookie.name, "access_token");
    assert!(!settings.cookie.secure);
    assert_eq!(settings.cors_origins, ["http://localhost:3000"]);
    assert_eq!(settings.log_format, LogFormat::Pretty);
    assert!(settings.auto_migrate);
}

#[test]
fn two_development_runs_get_different_ephemeral_keys() {
    let first = Settings::from_vars(Vec::<(String, String)>::new()).unwrap();
    let second = Settings::from_vars(Vec::<(String, String)>::new()).unwrap();
    assert_ne!(first.secret_key.expose_secret(), second.secret_key.expose_secret());
}

#[test]
fn production_defaults_are_the_safe_ones() {
    let settings = Settings::from_vars([("APP_ENV", "production"), ("SECRET_KEY", KEY)]).unwrap();
    assert!(settings.cookie.secure);
    assert_eq!(settings.log_format, LogFormat::Json);
    assert!(!settings.ephemeral_secret);
}

#[test]
fn production_reports_every_problem_at_once() {
    let error = Settings::from_vars([
        ("APP_ENV", "production"),
        ("SECRET_KEY", "too-short"),
        ("BCRYPT_COST", "8"),
        ("PORT", "eighty"),
        ("ACCESS_TOKEN_TTL", "-1"),
        ("FRONTEND_URL", "localhost:3000"),
        ("CORS_ORIGINS", "https://ok.example.com,https://bad.example.com/path"),
        ("COOKIE_SECURE", "maybe"),
        ("LOG_FORMAT", "xml"),
    ])
    .unwrap_err();
    let text = error.to_string();
    for variable in [
        "SECRET_KEY",
        "BCRYPT_COST",
        "PORT",
        "ACCESS_TOKEN_TTL",
        "FRONTEND_URL",
        "CORS_ORIGINS",
        "COOKIE_SECURE",
        "LOG_FORMAT",
    ] {
        assert!(text.contains(variable), "{variable} not named in:\n{text}");
    }
    assert_eq!(error.0.len(), 8, "{text}");
    assert!(!text.contains("too-short"), "the secret was echoed:\n{text}");
}

#[test]
fn production_requires_a_secret_key() {
    let error = Settings::from_vars([("APP_ENV", "production")]).unwrap_err();
    assert_eq!(error.0.len(), 1);
    assert!(error.0[0].contains("SECRET_KEY is required"));
}

#[test]
fn development_allows_cheap_hashing_but_not_nonsense() {
    assert_eq!(Settings::from_vars([("BCRYPT_COST", "4")]).unwrap().bcrypt_cost, 4);
    assert!(Settings::from_vars([("BCRYPT_COST", "3")]).is_err());
    assert!(Settings::from_vars([("BCRYPT_COST", "32")]).is_err());
    assert!(Settings::from_vars([("APP_ENV", "staging")]).is_err());
}

#[test]
fn empty_values_mean_unset() {
    let settings = Settings::from_vars([("PORT", ""), ("COOKIE_DOMAIN", " "), ("CORS_ORIGINS", "")]).unwrap();
    assert_eq!(settings.port, 8000);
    assert_eq!(settings.cookie.domain, None);
}

#[test]
fn cors_origins_are_normalised_and_include_the_frontend() {
    let settings = Settings::from_vars([
        ("FRONTEND_URL", "https://app.example.com/dashboard"),
        ("CORS_ORIGINS", " https://admin.example.com/ ,https://app.example.com"),
    ])
    .unwrap();
    assert_eq!(settings.cors_origins, ["https://admin.example.com", "https://app.example.com"]);
}

#[test]
fn providers_default_to_the_real_endpoints_and_public_callback_urls() {
    let settings = Settings::from_vars([
        ("PUBLIC_URL", "https://auth.example.com/"),
        ("GOOGLE_CLIENT_ID", "g-id"),
        ("GOOGLE_CLIENT_SECRET", "g-secret"),
        ("DISCORD_CLIENT_ID", "d-id"),
        ("DISCORD_CLIENT_SECRET", "d-secret"),
    ])
    .unwrap();
    let google = settings.google.unwrap();
    assert_eq!(google.issuer_url, "https://accounts.google.com");
    assert_eq!(google.redirect_uri, "https://auth.example.com/api/auth/callback/google");
    let discord = settings.discord.unwrap();
    assert_eq!(discord.auth_url, "https://discord.com/oauth2/authorize");
    assert_eq!(discord.token_url, "https://discord.com/api/oauth2/token");
    assert_eq!(discord.api_url, "https://discord.com/api/v10");
    assert_eq!(discord.redirect_uri, "https://auth.example.com/api/auth/callback/discord");
}

#[test]
fn a_provider_needs_both_halves_of_its_credentials() {
    let none = Settings::from_vars(Vec::<(String, String)>::new()).unwrap();
    assert!(none.google.is_none() && none.discord.is_none());
    let error = Settings::from_vars([
        ("GOOGLE_CLIENT_ID", "g-id"),
        ("DISCORD_CLIENT_SECRET", "d-secret"),
        ("DISCORD_API_URL", "not a url"),
    ])
    .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("GOOGLE_CLIENT_SECRET is required"), "{text}");
    assert!(text.contains("DISCORD_CLIENT_ID is required"), "{text}");
}

#[test]
fn trusted_proxies_take_ips_and_cidrs() {
    let settings = Settings::from_vars([("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1")]).unwrap();
    let shown: Vec<String> = settings.trusted_proxies.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
    assert!(
        Settings::from_vars([("TRUSTED_PROXIES", "10.0.0.0/33")]).unwrap_err().to_string().contains("TRUSTED_PROXIES")
    );
}

#[test]
fn rate_limits_default_to_the_contract_and_can_be_set() {
    let defaults = Settings::from_vars(Vec::<(String, String)>::new()).unwrap();
    assert_eq!(defaults.rate_limits.window.num_seconds(), 900);
    assert_eq!((defaults.rate_limits.max_per_email, defaults.rate_limits.max_per_ip), (10, 100));
    assert!(defaults.redis_url.is_none());

    let set = Settings::from_vars([
        ("RATE_LIMIT_WINDOW_SECS", "60"),
        ("RATE_LIMIT_MAX_PER_EMAIL", "5"),
        ("RATE_LIMIT_MAX_PER_IP", "50"),
        ("REDIS_URL", "redis://:s3cret@cache:6379/0"),
    ])
    .unwrap();
    assert_eq!(set.rate_limits.window.num_seconds(), 60);
    assert_eq!((set.rate_limits.max_per_email, set.rate_limits.max_per_ip), (5, 50));
    assert_eq!(
        set.redis_url.as_ref().map(|u| u.expose_secret().to_owned()).as_deref(),
        Some("redis://:s3cret@cache:6379/0")
    );
    assert!(!format!("{set:?}").contains("s3cret"), "the Redis password is never printed");
}

#[test]
fn bad_rate_limits_and_redis_urls_are_all_reported() {
    let error = Settings::from_vars([
        ("RATE_LIMIT_WINDOW_SECS", "0"),
        ("RATE_LIMIT_MAX_PER_EMAIL", "ten"),
        ("RATE_LIMIT_MAX_PER_IP", "-1"),
        ("REDIS_URL", "http://cache:6379"),
    ])
    .unwrap_err();
    let text = error.to_string();
    for name in ["RATE_LIMIT_WINDOW_SECS", "RATE_LIMIT_MAX_PER_EMAIL", "RATE_LIMIT_MAX_PER_IP", "REDIS_URL"] {
        assert!(text.contains(name), "{name} missing from: {text}");
    }
    assert_eq!(error.0.len(), 4);
}

/// The `.env` of a production server, written as people write it.
const PRODUCTION_DOTENV: &str = "\
# deploy/.env
BCRYPT_COST=11
CORS_ORIGINS=https://a.example.com, https://b.example.com
export APP_ENV=production
export FOO
SECRET_KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
";

#[test]
fn every_line_of_a_dotenv_is_read() {
    let settings = Settings::from_env_and_dotenv(Vec::<(String, String)>::new(), PRODUCTION_DOTENV).unwrap();
    assert_eq!(settings.env, AppEnv::Production);
    assert_eq!(settings.bcrypt_cost, 11);
    assert!(!settings.ephemeral_secret);
    assert_eq!(settings.secret_key.expose_secret().len(), 64);
    assert!(settings.cookie.secure);
    assert_eq!(settings.cors_origins, ["https://a.example.com", "https://b.example.com", "http://localhost:3000"]);
}

#[test]
fn the_environment_wins_over_the_dotenv() {
    let settings = Settings::from_env_and_dotenv([("BCRYPT_COST", "13")], PRODUCTION_DOTENV).unwrap();
    assert_eq!(settings.bcrypt_cost, 13);
    assert_eq!(settings.env, AppEnv::Production);
}

#[test]
fn a_dotenv_line_that_cannot_be_read_is_reported_with_every_other_problem() {
    let dotenv = "APP_ENV=production\nBCRYPT+COST=11\nPORT=eighty\nSECRET_KEY=\"unterminated\n";
    let error = Settings::from_env_and_dotenv(Vec::<(String, String)>::new(), dotenv).unwrap_err();
    let text = error.to_string();
    assert!(text.contains(".env line 2:"), "{text}");
    assert!(text.contains(".env line 4:") && text.contains("SECRET_KEY"), "{text}");
    assert!(text.contains("PORT must be"), "{text}");
    assert!(text.contains("SECRET_KEY is required in production"), "{text}");
    assert!(!text.contains("unterminated"), "a value was echoed:\n{text}");
}

#[test]
fn variables_that_are_none_of_the_services_never_stop_it() {
    let settings = Settings::from_vars([("foo.bar", "1"), ("a[0]", "x"), ("PORT", "8081")]).unwrap();
    assert_eq!(settings.port, 8081);
}

#[test]
fn the_frontend_is_an_allowed_origin_at_each_port_it_is_served_on() {
    let settings =
        Settings::from_vars([("FRONTEND_URL", "http://localhost:8080"), ("FRONTEND_EXTRA_PORTS", "6666, 8080")])
            .unwrap();
    assert_eq!(settings.cors_origins, ["http://localhost:8080", "http://localhost:6666"]);
    let text = Settings::from_vars([("FRONTEND_EXTRA_PORTS", "6666,http")]).unwrap_err().to_string();
    assert!(text.contains("FRONTEND_EXTRA_PORTS must be"), "{text}");
    // Behind TLS pages come from the site's own port: no other port of the host is trusted.
    let tls = [("FRONTEND_URL", "https://auth.example.com"), ("FRONTEND_EXTRA_PORTS", "6666,8080")];
    assert_eq!(Settings::from_vars(tls).unwrap().cors_origins, ["https://auth.example.com"]);
}

#[test]
fn a_cookie_name_may_not_carry_a_prefix_the_service_adds_itself() {
    for name in ["__Host-session", "__secure-session"] {
        let text = Settings::from_vars([("COOKIE_NAME", name)]).unwrap_err().to_string();
        assert!(text.contains("COOKIE_NAME must not start with __Host-"), "{text}");
    }
}
