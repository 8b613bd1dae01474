//! Settings are read by their exact names: a lookalike never decides a setting by hash order.

use super::{AppEnv, Settings};

fn problems_of<const N: usize>(vars: [(&str, &str); N]) -> String {
    Settings::from_vars(vars).unwrap_err().to_string()
}

#[test]
fn a_dotenv_name_in_another_case_is_an_error_naming_both_not_a_coin_toss() {
    for _ in 0..20 {
        let error = Settings::from_env_and_dotenv([("APP_ENV", "production")], "app_env=development\n").unwrap_err();
        let text = error.to_string();
        assert!(text.contains("APP_ENV is set, and so is \"app_env\""), "{text}");
    }
}

#[test]
fn a_name_that_folds_to_a_setting_only_under_unicode_rules_is_not_read_as_it() {
    let text = problems_of([("COO\u{212A}IE_SECURE", "false")]);
    assert!(text.contains("\"COO\u{212A}IE_SECURE\" is not read as COOKIE_SECURE"), "{text}");
    let text = problems_of([("app_env", "production")]);
    assert!(text.contains("rename it to APP_ENV"), "{text}");
}

#[test]
fn a_path_like_name_that_shadows_a_setting_is_an_error_naming_both() {
    let text = problems_of([("APP_ENV", "production"), ("APP_ENV.mode", "development"), ("SECRET_KEY", "k")]);
    assert!(text.contains("APP_ENV is set, and so is \"APP_ENV.mode\""), "{text}");
    let text = problems_of([("PORT", "8000"), ("port[0]", "1")]);
    assert!(text.contains("\"port[0]\""), "{text}");
}

#[test]
fn exact_names_alone_are_read_as_before() {
    let settings = Settings::from_vars([("APP_ENV", "development"), ("PORT", "8081"), ("LANG", "C")]).unwrap();
    assert_eq!((settings.env, settings.port), (AppEnv::Development, 8081));
}

#[test]
fn dotenv_names_are_shell_names() {
    for line in ["A.B=1", "A[0]=1", "\u{c9}T\u{c9}=1", "1A=1"] {
        let error = Settings::from_env_and_dotenv(Vec::<(String, String)>::new(), line).unwrap_err();
        assert!(error.to_string().contains(".env line 1:"), "{line}: {error}");
    }
}

#[test]
fn an_unset_variable_inside_a_dotenv_value_is_a_warning_that_names_no_piece_of_it() {
    let dotenv = "COOKIE_NAME=session$SUFFIX\nFRONTEND_URL=http://${FRONT:-localhost}:3000\n";
    let settings = Settings::from_env_and_dotenv(Vec::<(String, String)>::new(), dotenv).unwrap();
    assert_eq!(settings.cookie.name, "session");
    let warnings = settings.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("line 1: the value of COOKIE_NAME has a `$` followed by a name"), "{warnings:?}");
    assert!(!warnings[0].contains("SUFFIX"), "{warnings:?}");
}

#[test]
fn a_configuration_refused_for_an_unset_variable_says_so_beside_the_problem() {
    let dotenv = "DATABASE_URL=postgres://app:pa$sw0rd@db/auth\nPUBLIC_URL=http://$PUBLIC_HOST:8000\n";
    let error = Settings::from_env_and_dotenv(Vec::<(String, String)>::new(), dotenv).unwrap_err().to_string();
    // `http://:8000` has no host: the warning about line 2 is what explains it.
    assert!(error.contains("PUBLIC_URL must be"), "{error}");
    assert!(error.contains("line 2: the value of PUBLIC_URL has a `$`"), "{error}");
    assert!(!error.contains("sw0rd") && !error.contains("PUBLIC_HOST"), "{error}");
}

#[test]
fn a_database_url_that_does_not_parse_is_never_echoed() {
    for url in ["host=db user=app password=hunter2 dbname=auth", "postgress://app:hunter2@db/auth", "hunter2"] {
        let text = problems_of([("DATABASE_URL", url)]);
        assert!(text.contains("DATABASE_URL must be") && !text.contains("hunter2"), "{text}");
    }
}
