//! What every mail is made of, whatever it says: the site it names, its parts, and how it
//! writes a moment.

use chrono::{DateTime, Utc};

/// What every mail names: the site, and where its pages are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub name: String,
    /// `FRONTEND_URL` without a trailing slash.
    pub frontend: String,
}

/// The parts a mail is made of; each kind of mail fills them in.
pub(crate) struct Parts {
    pub(crate) subject: String,
    pub(crate) what_happened: String,
    pub(crate) action: Option<(String, String)>,
    pub(crate) expiry: Option<String>,
    pub(crate) not_you: String,
}

/// A moment as every mail writes it: `14:05 UTC on 6 December 2026`.
pub(crate) fn when(at: DateTime<Utc>) -> String {
    at.format("%H:%M UTC on %-d %B %Y").to_string()
}
