//! OpenID Connect providers from configuration: `OIDC_PROVIDERS=corp,partner`, then
//! `OIDC_<ID>_*` for each. Every problem of every provider is reported, each naming its variable.

use secrecy::SecretString;
use url::Url;
use yoshikosan_domain::{DisplayName, EmailDomain, EmailTrust, ProviderId};
use yoshikosan_oauth::{ConfiguredOidcSettings, OidcSettings};

use super::providers::BUILT_IN_PROVIDERS;
use super::vars::{Problems, Vars, boolean, http_url, is_loopback};

/// What an issuer is asked for when `OIDC_<ID>_SCOPES` is not set.
pub const DEFAULT_SCOPES: [&str; 3] = ["openid", "email", "profile"];
/// At most this many characters on a button.
const MAX_NAME_CHARS: usize = 64;

/// The configured providers in `OIDC_PROVIDERS` order; those with a problem are left out, the
/// problem recorded.
pub(super) fn oidc_providers(
    vars: &Vars,
    public_url: Option<&Url>,
    production: bool,
    problems: &mut Problems,
) -> Vec<ConfiguredOidcSettings> {
    let Some(list) = vars.get("OIDC_PROVIDERS") else { return Vec::new() };
    let mut ids: Vec<ProviderId> = Vec::new();
    for entry in list.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
        let id = match ProviderId::parse(entry) {
            Ok(id) if BUILT_IN_PROVIDERS.contains(&id.as_str()) => Err(format!(
                "OIDC_PROVIDERS: `{id}` is a built-in provider: configure it with {}_* instead",
                id.as_str().to_ascii_uppercase()
            )),
            Ok(id) if ids.contains(&id) => Err(format!("OIDC_PROVIDERS names `{id}` twice")),
            Ok(id) => Ok(id),
            Err(error) => Err(format!("OIDC_PROVIDERS: {entry:?}: {error}")),
        };
        if let Some(id) = problems.check(id) {
            ids.push(id);
        }
    }
    ids.into_iter().filter_map(|id| provider(vars, id, public_url, production, problems)).collect()
}

fn provider(
    vars: &Vars,
    id: ProviderId,
    public_url: Option<&Url>,
    production: bool,
    problems: &mut Problems,
) -> Option<ConfiguredOidcSettings> {
    let prefix = format!("OIDC_{}", id.as_str().to_ascii_uppercase());
    let var = |suffix: &str| format!("{prefix}_{suffix}");
    let required = |suffix: &str| {
        let name = var(suffix);
        vars.get(&name).map(str::to_owned).ok_or_else(|| format!("{name} is required (`{id}` is in OIDC_PROVIDERS)"))
    };
    let issuer = problems.check(required("ISSUER").and_then(|text| issuer(&var("ISSUER"), &text, production)));
    let client_id = problems.check(required("CLIENT_ID"));
    let secret_name = var("CLIENT_SECRET");
    let client_secret = problems.check(
        vars.secret(&secret_name)
            .map(SecretString::from)
            .ok_or_else(|| format!("{secret_name} is required (`{id}` is in OIDC_PROVIDERS)")),
    );
    let name = problems.check(required("NAME").and_then(|name| button_name(&var("NAME"), name)));
    let scopes = problems.check(scopes(&var("SCOPES"), vars.get(&var("SCOPES"))));
    let authorize_origin = match vars.get(&var("AUTHORIZE_ORIGIN")) {
        Some(text) => problems.check(origin(&var("AUTHORIZE_ORIGIN"), text).map(Some)),
        None => Some(None),
    };
    let domains = problems.check(email_domains(&var("EMAIL_DOMAINS"), vars.get(&var("EMAIL_DOMAINS"))));
    let trust_email = problems.check(boolean(&var("TRUST_EMAIL"), vars.get(&var("TRUST_EMAIL")), false));
    let redirect_uri = format!("{}/api/auth/callback/{id}", public_url?.as_str().trim_end_matches('/'));
    let oidc = OidcSettings {
        id,
        client_id: client_id?,
        client_secret: client_secret?,
        issuer_url: issuer?,
        redirect_uri,
        scopes: scopes?,
        select_account: false,
    };
    Some(ConfiguredOidcSettings {
        oidc,
        display_name: name?,
        authorize_origin: authorize_origin?,
        email_trust: EmailTrust::Domains { domains: domains?, without_claim: trust_email? },
    })
}

/// What each provider reads after `OIDC_<ID>_`.
const SUFFIXES: [&str; 8] =
    ["ISSUER", "CLIENT_ID", "CLIENT_SECRET", "NAME", "SCOPES", "AUTHORIZE_ORIGIN", "EMAIL_DOMAINS", "TRUST_EMAIL"];

/// A warning for each `OIDC_*` variable no provider reads: a misspelt setting, or one for an id
/// missing from OIDC_PROVIDERS (which would otherwise look configured and silently not be).
pub(super) fn unread_oidc_variables(vars: &Vars, configured: &[ConfiguredOidcSettings]) -> Vec<String> {
    let prefixes: Vec<String> =
        configured.iter().map(|c| format!("OIDC_{}_", c.oidc.id.as_str().to_ascii_uppercase())).collect();
    let read = |name: &str| {
        name == "OIDC_PROVIDERS"
            || prefixes.iter().any(|prefix| name.strip_prefix(prefix.as_str()).is_some_and(|s| SUFFIXES.contains(&s)))
    };
    let mut unread: Vec<&str> = vars.names().filter(|name| name.starts_with("OIDC_") && !read(name)).collect();
    unread.sort_unstable();
    unread
        .into_iter()
        .map(|name| {
            format!(
                "{name} is set but not read: it is no OIDC_<ID>_ setting ({}) of a provider in OIDC_PROVIDERS",
                SUFFIXES.join(", ")
            )
        })
        .collect()
}

/// An absolute http(s) URL without query or fragment (discovery appends its own path), kept as
/// written: it is compared as a string with the issuer's own `issuer` and every token's `iss`.
/// In production, https (or plain http to this machine): over plain http anyone on the path
/// could hand out the issuer's keys and sign in as anyone it is trusted for.
fn issuer(name: &str, text: &str, production: bool) -> Result<String, String> {
    let url = http_url(name, Some(text), "")?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{name} must be an issuer URL without a query or fragment, not {text:?}"));
    }
    if production && url.scheme() == "http" && !is_loopback(&url) {
        return Err(format!(
            "{name} is {text} (http://) in production: its keys and tokens would travel unprotected, so anyone \
             on the path could sign in as anyone. Use the issuer's https:// URL"
        ));
    }
    Ok(text.to_owned())
}

fn button_name(name: &str, text: String) -> Result<String, String> {
    let valid = DisplayName::parse(&text).is_ok_and(|parsed| parsed.as_str() == text);
    if valid && text.chars().count() <= MAX_NAME_CHARS {
        Ok(text)
    } else {
        Err(format!(
            "{name} must be 1 to {MAX_NAME_CHARS} characters of text (no control or invisible formatting \
             characters), not {text:?}"
        ))
    }
}

/// Space- or comma-separated OAuth scope tokens (RFC 6749: printable ASCII but `"` and `\`).
fn scopes(name: &str, text: Option<&str>) -> Result<Vec<String>, String> {
    let Some(text) = text else { return Ok(DEFAULT_SCOPES.map(str::to_owned).to_vec()) };
    let mut scopes: Vec<String> = Vec::new();
    for scope in text.split([' ', ',']).filter(|scope| !scope.is_empty()) {
        let token = scope.bytes().all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b));
        if !token {
            return Err(format!("{name}: {scope:?} is not an OAuth scope (printable ASCII, no quotes or backslashes)"));
        }
        if !scopes.iter().any(|known| known == scope) {
            scopes.push(scope.to_owned());
        }
    }
    Ok(scopes)
}

/// `https://login.example.com[:port]`: an origin, nothing after it.
fn origin(name: &str, text: &str) -> Result<String, String> {
    let url = http_url(name, Some(text), "")?;
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{name} must be an origin (scheme, host and port only), not {text:?}"));
    }
    Ok(url.origin().ascii_serialization())
}

/// Comma-separated mail domains; an internationalised one is taken in its `xn--` form.
fn email_domains(name: &str, text: Option<&str>) -> Result<Vec<EmailDomain>, String> {
    let mut domains = Vec::new();
    for entry in text.unwrap_or_default().split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
        // Letters (any script), digits, dots and hyphens only: anything else would let the URL
        // parser below read a host other than the one written (`a.example#x`, `%2e`, `1.2.3`).
        let plain = entry.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let host = Url::parse(&format!("http://{entry}/")).ok().and_then(|url| url.host_str().map(str::to_owned));
        let ascii = match host {
            Some(host) if plain && !entry.is_ascii() => host,
            _ => entry.to_owned(),
        };
        let domain = EmailDomain::parse(&ascii).map_err(|error| format!("{name}: {error}"))?;
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    Ok(domains)
}

/// What a configured OpenID Connect provider's settings let through, or leave out.
pub(super) fn warnings(configured: &ConfiguredOidcSettings) -> Vec<String> {
    let oidc = &configured.oidc;
    let var = format!("OIDC_{}", oidc.id.as_str().to_ascii_uppercase());
    let mut warnings = Vec::new();
    let EmailTrust::Domains { domains, without_claim } = &configured.email_trust else {
        return warnings;
    };
    if domains.is_empty() {
        warnings.push(format!(
            "{var}_EMAIL_DOMAINS is not set: no address from `{}` is trusted, so its sign-ins never link to or \
             claim an account by address (one whose address has an account is refused: email_not_verified). Set \
             the domains the issuer answers for (docs/oauth.md, What EMAIL_DOMAINS protects against)",
            oidc.id
        ));
        if *without_claim {
            warnings.push(format!("{var}_TRUST_EMAIL=true has no effect without {var}_EMAIL_DOMAINS"));
        }
    } else if *without_claim {
        let list = domains.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        warnings.push(format!(
            "{var}_TRUST_EMAIL=true: an address in {list} from `{}` is trusted even when its ID token carries no \
             email_verified claim. Only right if the issuer verifies every address in those domains itself and \
             no user can set their own",
            oidc.id
        ));
    }
    if !oidc.scopes.iter().any(|scope| scope == "email") {
        warnings.push(format!(
            "{var}_SCOPES has no `email`: an issuer that then sends no address cannot sign in anyone new \
             (provider_error)"
        ));
    }
    warnings
}

#[cfg(test)]
#[path = "oidc_tests.rs"]
mod tests;
