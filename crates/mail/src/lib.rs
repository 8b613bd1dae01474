//! Mail adapters for the Yoshikosan domain's [`Mailer`](yoshikosan_domain::mail::Mailer) port:
//! SMTP through lettre (rustls), or the log in development; and what each mail says.

mod log_mailer;
mod notices;
mod parts;
mod render;
mod smtp;

pub use log_mailer::LogMailer;
pub use parts::Site;
pub use render::{Rendered, render};
pub use smtp::{MailSetupError, SmtpMailer, check_sender, check_smtp_url};
