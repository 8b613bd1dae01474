#![allow(dead_code, reason = "shared by test crates that each use part of it")]
//! A real SMTP server for the tests: Debian's aiosmtpd, writing each mail it receives into a
//! Maildir that the tests read back and parse as a mail client would.
//!
//! Without aiosmtpd (`apt-get install python3-aiosmtpd`) a test that needs it is skipped with
//! a note, except where `YOSHIKOSAN_REQUIRE_SMTP` is set (CI), where it fails.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Python that has aiosmtpd: Debian's, whatever else is first on the PATH.
fn python() -> String {
    std::env::var("SMTP_CATCHER_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned())
}

pub struct MailCatcher {
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
}

/// One mail as received: its headers and both parts, decoded.
#[derive(Debug, Clone)]
pub struct CaughtMail {
    pub to: String,
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl CaughtMail {
    /// The link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        let start = self.text.find(prefix).unwrap_or_else(|| panic!("no {prefix} link in:\n{}", self.text));
        self.text[start..].split_whitespace().next().unwrap_or_default().to_owned()
    }

    /// The token of the link in the text part (after `#token=`).
    pub fn token(&self) -> String {
        let start = self.text.find("#token=").unwrap_or_else(|| panic!("no token in:\n{}", self.text)) + 7;
        self.text[start..].split_whitespace().next().unwrap_or_default().to_owned()
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl MailCatcher {
    /// A catcher on a free port; None (with a note) where aiosmtpd is missing outside CI.
    pub fn start() -> Option<Self> {
        Self::start_on(free_port())
    }

    pub fn start_on(port: u16) -> Option<Self> {
        let available = Command::new(python()).args(["-c", "import aiosmtpd"]).status().is_ok_and(|s| s.success());
        if !available {
            assert!(
                std::env::var_os("YOSHIKOSAN_REQUIRE_SMTP").is_none(),
                "aiosmtpd is required here: apt-get install python3-aiosmtpd"
            );
            eprintln!("note: test skipped, no SMTP server (apt-get install python3-aiosmtpd)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut catcher = Self { child: None, port, dir };
        catcher.resume();
        Some(catcher)
    }

    /// The SMTP_URL of this catcher.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops listening: the service's mail fails until [`Self::resume`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Listens again on the same port, into the same Maildir.
    pub fn resume(&mut self) {
        let maildir = self.dir.path().join("mail");
        let listen = format!("127.0.0.1:{}", self.port);
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &listen, "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start on {listen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn files(&self) -> Vec<PathBuf> {
        let new = self.dir.path().join("mail").join("new");
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(new).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        files.sort();
        files
    }

    /// Every mail received so far to `to` whose subject has `subject` in it.
    pub fn mails_to(&self, to: &str, subject: &str) -> Vec<CaughtMail> {
        let mails = self.files().iter().filter_map(|path| parse(&std::fs::read(path).ok()?)).collect::<Vec<_>>();
        mails.into_iter().filter(|m| m.to.contains(to) && m.subject.contains(subject)).collect()
    }

    /// Waits (up to `within`) until `count` such mails have arrived; returns them.
    pub async fn wait_for(&self, to: &str, subject: &str, count: usize, within: Duration) -> Vec<CaughtMail> {
        let deadline = Instant::now() + within;
        loop {
            let mails = self.mails_to(to, subject);
            if mails.len() >= count || Instant::now() > deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for MailCatcher {
    fn drop(&mut self) {
        self.stop();
    }
}

fn parse(raw: &[u8]) -> Option<CaughtMail> {
    use mailparse::MailHeaderMap;
    let mail = mailparse::parse_mail(raw).ok()?;
    let header = |name| mail.headers.get_first_value(name).unwrap_or_default();
    let part = |mime: &str| {
        mail.subparts.iter().find(|p| p.ctype.mimetype == mime).and_then(|p| p.get_body().ok()).unwrap_or_default()
    };
    Some(CaughtMail {
        to: header("To"),
        from: header("From"),
        subject: header("Subject"),
        text: part("text/plain"),
        html: part("text/html"),
    })
}
