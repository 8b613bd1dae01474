//! What the configuration alone cannot tell about the OpenID Connect providers: whether each
//! issuer answers its discovery document (and where it sends browsers), and whether stored links
//! were made under another issuer than the configured one. Logged at start-up, printed by
//! `check-config`; neither stops the service.

use std::sync::Arc;

use yoshikosan_domain::{ProviderId, ProviderRegistry};
use yoshikosan_oauth::OidcProvider;
use yoshikosan_persistence::SeaOAuthAccountRepository;

use crate::config::Settings;

/// A provider whose issuer is checked: its adapter, the variable that sets its issuer, and
/// the origin its pages' CSP lets forms go to.
#[derive(Debug, Clone)]
pub struct IssuerCheck {
    pub adapter: Arc<OidcProvider>,
    pub variable: String,
    pub authorization_origin: String,
    /// Discovered at start-up: a configured issuer. Google's is read at its first sign-in.
    pub discover_at_start: bool,
}

impl IssuerCheck {
    fn id(&self) -> &ProviderId {
        &self.adapter.settings().id
    }

    fn issuer(&self) -> &str {
        &self.adapter.settings().issuer_url
    }

    /// Discovery now; a line saying where the issuer sends browsers, or a warning.
    pub async fn discover(&self) -> Result<String, String> {
        let (id, issuer) = (self.id(), self.issuer());
        let endpoint = self.adapter.discover().await.map_err(|error| {
            format!(
                "{}: the issuer {issuer} could not be discovered ({error}); sign-ins with `{id}` fail until it \
                 can, and discovery is tried again at each one",
                self.variable
            )
        })?;
        let origin = yoshikosan_oauth::origin_of(&endpoint);
        if origin != self.authorization_origin {
            return Err(format!(
                "{}: `{id}` sends browsers to {origin}, which the pages' CSP does not allow (it allows {}): set \
                 OIDC_{}_AUTHORIZE_ORIGIN={origin}",
                self.variable,
                self.authorization_origin,
                id.as_str().to_ascii_uppercase()
            ));
        }
        Ok(format!("`{id}`: {issuer} answers; browsers go to {endpoint}"))
    }

    /// A warning for each issuer other than the configured one that stored links were made under.
    pub async fn stale_links(&self, links: &SeaOAuthAccountRepository) -> Result<Vec<String>, String> {
        let (id, issuer) = (self.id(), self.issuer());
        let stale = links.links_under_other_issuers(id, issuer).await.map_err(|error| error.to_string())?;
        Ok(stale
            .into_iter()
            .map(|(other, count)| {
                format!(
                    "{}: {count} `{id}` link(s) were made under the issuer {other}, not {issuer}: they sign no one \
                     in (error=issuer_changed) until {} names that issuer again (docs/oauth.md, Changing an issuer)",
                    self.variable, self.variable
                )
            })
            .collect())
    }
}

/// The OpenID Connect issuers among `registry`'s providers (Google's and each configured one),
/// given the adapters built for them: each checked against the origin its registry entry gives
/// the pages' CSP.
pub fn issuer_checks(
    settings: &Settings,
    registry: &ProviderRegistry,
    adapters: &[Arc<OidcProvider>],
) -> Vec<IssuerCheck> {
    adapters
        .iter()
        .filter_map(|adapter| {
            let id = &adapter.settings().id;
            let authorization_origin = registry.get(id)?.authorization_origin.clone();
            let google = settings.google.as_ref().is_some_and(|google| &google.id == id);
            let variable = if google {
                "GOOGLE_ISSUER_URL".to_owned()
            } else {
                format!("OIDC_{}_ISSUER", id.as_str().to_ascii_uppercase())
            };
            // Google's document is read at its first sign-in, as it always was.
            Some(IssuerCheck { adapter: adapter.clone(), variable, authorization_origin, discover_at_start: !google })
        })
        .collect()
}

/// At start-up, in the background: each configured issuer's discovery (which also warms its
/// keys for the first sign-in) and the links of other issuers, as warnings in the log.
pub fn spawn_start_up_checks(checks: Vec<IssuerCheck>, links: Arc<SeaOAuthAccountRepository>) {
    tokio::spawn(async move {
        for check in &checks {
            match check.stale_links(&links).await {
                Ok(warnings) => warnings.iter().for_each(|warning| tracing::warn!("{warning}")),
                Err(error) => tracing::warn!(%error, provider = %check.id(), "stored links not checked"),
            }
        }
        for check in checks.iter().filter(|check| check.discover_at_start) {
            match check.discover().await {
                Ok(line) => tracing::info!("{line}"),
                Err(warning) => tracing::warn!("{warning}"),
            }
        }
    });
}

/// What `check-config` adds for the OpenID Connect issuers: each configured issuer discovered,
/// and the database read for links of other issuers. Empty when no issuer is configured.
pub async fn check_config_report(settings: &Settings) -> String {
    let Ok((registry, adapters)) = crate::provider_registry::provider_registry(settings) else { return String::new() };
    let checks = issuer_checks(settings, &registry, &adapters);
    if checks.is_empty() {
        return String::new();
    }
    let (mut lines, mut warnings) = (Vec::new(), Vec::new());
    for check in checks.iter().filter(|check| check.discover_at_start) {
        match check.discover().await {
            Ok(line) => lines.push(line),
            Err(warning) => warnings.push(warning),
        }
    }
    match read_only_links(&settings.database_url).await {
        Ok(links) => {
            for check in &checks {
                match check.stale_links(&links).await {
                    Ok(found) => warnings.extend(found),
                    Err(error) => warnings.push(format!("stored `{}` links not checked: {error}", check.id())),
                }
                if let Ok(count @ 1..) = links.links_without_issuer(check.id()).await {
                    lines.push(format!(
                        "`{}`: {count} link(s) have no issuer recorded yet (made before issuers were): each is taken \
                         as {}'s at its next sign-in (so a changed {} would hand them to the new issuer)",
                        check.id(),
                        check.issuer(),
                        check.variable
                    ));
                }
            }
        }
        Err(error) => warnings.push(format!("stored links not checked: the database could not be opened ({error})")),
    }
    let mut text = String::from("\nOpenID Connect issuers:\n");
    lines.iter().for_each(|line| text.push_str(&format!("  {line}\n")));
    if !warnings.is_empty() {
        text.push_str(&format!("{} issuer warning(s):\n", warnings.len()));
        warnings.iter().for_each(|warning| text.push_str(&format!("  - {warning}\n")));
    }
    text
}

/// The links, read without creating anything: an SQLite file that does not exist stays so.
async fn read_only_links(url: &str) -> Result<Arc<SeaOAuthAccountRepository>, String> {
    let url = if url.to_ascii_lowercase().starts_with("sqlite:") { read_only(url) } else { url.to_owned() };
    let options = yoshikosan_persistence::DatabaseOptions {
        max_connections: 1,
        acquire_timeout: std::time::Duration::from_secs(3),
        connect_timeout: std::time::Duration::from_secs(3),
    };
    let database = yoshikosan_persistence::Database::connect(&url, &options).await.map_err(|e| e.to_string())?;
    Ok(database.oauth_accounts())
}

/// An SQLite URL opened read-only, whatever mode it names (or none, which sqlx reads as
/// read-write): `check-config` writes no file, not even the journal's.
fn read_only(url: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let kept: Vec<&str> = query.split('&').filter(|pair| !pair.is_empty() && !pair.starts_with("mode=")).collect();
    let query = kept.into_iter().chain(["mode=ro"]).collect::<Vec<_>>().join("&");
    format!("{base}?{query}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_is_opened_read_only_whatever_mode_the_url_names() {
        for (url, expected) in [
            ("sqlite://yoshikosan.db?mode=rwc", "sqlite://yoshikosan.db?mode=ro"),
            ("sqlite://yoshikosan.db", "sqlite://yoshikosan.db?mode=ro"),
            ("sqlite:///data/y.db?cache=shared&mode=rw", "sqlite:///data/y.db?cache=shared&mode=ro"),
        ] {
            assert_eq!(super::read_only(url), expected);
        }
    }
}
