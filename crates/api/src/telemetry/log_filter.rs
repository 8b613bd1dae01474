//! `RUST_LOG` as the subscriber's filter.
//!
//! Directives on targets and levels (`info`, `sqlx=warn,access=off`: all an operator usually
//! sets) become a [`Targets`] filter, which decides once per call site. `EnvFilter` is kept for
//! directives on spans and fields (`[request{request_id=…}]=debug`): it can only honour those
//! by looking every span up in a map under a lock all workers share, on each span's creation,
//! entry, exit and close, which on a small request cost more than the request's own work.

use tracing::Subscriber;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Layer};

/// What an unset or unreadable `RUST_LOG` means.
const DEFAULT: &str = "info";

/// The filter for `directives`, or for `info` when they are missing or not valid.
pub fn layer<S>(directives: Option<&str>) -> Box<dyn Layer<S> + Send + Sync>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let directives = effective_directives(directives);
    match targets(directives) {
        Some(targets) => Box::new(targets),
        None => Box::new(EnvFilter::new(directives)),
    }
}

/// Whether the filter for `directives` reads spans (it is `EnvFilter`'s): requests then open
/// theirs, for directives such as `[request]=debug` to find.
pub fn reads_spans(directives: Option<&str>) -> bool {
    targets(effective_directives(directives)).is_none()
}

fn effective_directives(directives: Option<&str>) -> &str {
    directives.filter(|d| EnvFilter::try_new(d).is_ok()).unwrap_or(DEFAULT)
}

/// `directives` as targets and levels, when that is all they are. `EnvFilter` has already
/// accepted them and skips empty ones, and so does this. Directives with spaces, or with an
/// empty level (`sqlx=`, which `EnvFilter` reads as `trace` and `Targets` as `error`), stay
/// with `EnvFilter`, which reads them in its own way.
fn targets(directives: &str) -> Option<Targets> {
    if directives.contains(['[', '{']) || directives.contains(char::is_whitespace) {
        return None;
    }
    let each: Vec<&str> = directives.split(',').filter(|d| !d.is_empty()).collect();
    if each.is_empty() || each.iter().any(|d| d.ends_with('=')) {
        return None;
    }
    each.join(",").parse().ok()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing::Level;
    use tracing_subscriber::layer::{Context, SubscriberExt};

    use super::*;

    /// The (target, level) of every event that got through.
    #[derive(Clone, Default)]
    struct Seen(Arc<Mutex<Vec<(String, Level)>>>);

    impl<S: Subscriber> Layer<S> for Seen {
        fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
            let meta = event.metadata();
            self.0.lock().unwrap().push((meta.target().to_owned(), *meta.level()));
        }
    }

    /// Tests on other threads install subscribers of their own at the same time, and tracing
    /// keeps one global guess of the most verbose level any of them wants: computed again here,
    /// with this thread's subscriber in place, it cannot be another's stale one.
    fn settle_interest() {
        tracing::callsite::rebuild_interest_cache();
    }

    /// One event at each level, on targets an operator filters by.
    fn emit_everything() {
        macro_rules! at_every_level {
            ($target:literal) => {
                tracing::trace!(target: $target, "x");
                tracing::debug!(target: $target, "x");
                tracing::info!(target: $target, "x");
                tracing::warn!(target: $target, "x");
                tracing::error!(target: $target, "x");
            };
        }
        at_every_level!("yoshikosan_api");
        at_every_level!("yoshikosan_api::http");
        at_every_level!("yoshikosan_domain::use_cases");
        at_every_level!("access");
        at_every_level!("sqlx::query");
        at_every_level!("actix_server::server");
    }

    fn seen_through<L: Layer<tracing_subscriber::Registry> + Send + Sync>(filter: L) -> Vec<(String, Level)> {
        let seen = Seen::default();
        let subscriber = tracing_subscriber::registry().with(filter).with(seen.clone());
        tracing::subscriber::with_default(subscriber, || {
            settle_interest();
            emit_everything();
        });
        seen.0.lock().unwrap().clone()
    }

    #[test]
    fn target_and_level_directives_let_through_what_env_filter_does() {
        for directives in [
            "info",
            "warn",
            "off",
            "trace",
            "INFO",
            "info,access=off",
            "info,,yoshikosan_api::http=debug",
            "yoshikosan_api",
            "error,yoshikosan_api=debug,yoshikosan_api::http=warn",
            "access=off,info",
            "yoshikosan=trace",
        ] {
            assert!(targets(directives).is_some(), "{directives:?} should be read as targets and levels");
            let expected = seen_through(EnvFilter::new(directives));
            assert_eq!(seen_through(layer(Some(directives))), expected, "for RUST_LOG={directives:?}");
        }
    }

    #[test]
    fn span_field_and_spaced_directives_keep_env_filter() {
        for directives in [
            "[request]=debug",
            "info,[request{request_id=abc}]=trace",
            "yoshikosan_api[{user}]=debug",
            " info , sqlx=warn ",
            "info,sqlx=",
        ] {
            assert!(targets(directives).is_none(), "{directives:?}");
        }
        // Inside a span the directive names, its lines get through; outside, they do not.
        let seen = Seen::default();
        let subscriber = tracing_subscriber::registry().with(layer(Some("warn,[request]=debug"))).with(seen.clone());
        tracing::subscriber::with_default(subscriber, || {
            settle_interest();
            tracing::debug!(target: "yoshikosan_api", "outside");
            tracing::info_span!("request").in_scope(|| tracing::debug!(target: "yoshikosan_api", "inside"));
        });
        assert_eq!(*seen.0.lock().unwrap(), [("yoshikosan_api".to_owned(), Level::DEBUG)]);
        // An empty level means everything to `EnvFilter`, and so it still does.
        assert_eq!(seen_through(layer(Some("off,sqlx="))), seen_through(EnvFilter::new("off,sqlx=")));
        assert_eq!(seen_through(layer(Some("off,sqlx="))).len(), 5);
    }

    #[test]
    fn missing_or_unreadable_directives_mean_info() {
        let info = seen_through(EnvFilter::new("info"));
        assert_eq!(seen_through(layer(None)), info);
        assert_eq!(seen_through(layer(Some("=nonsense=="))), info);
        assert!(info.iter().all(|(_, level)| *level <= Level::INFO) && !info.is_empty());
    }
}
