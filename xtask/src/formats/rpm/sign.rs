//! OpenPGP signatures on RPM headers, the signature `rpm -K` and package
//! managers check against an imported key (`rpm --import KEY.asc`).
//!
//! The secret key comes from an environment variable, as CI secrets do,
//! and GnuPG (Debian's `gpg`) signs, in a private keyring made for the run.
//! The signature covers the main header, which holds the payload's digest,
//! so it vouches for every file (rpm's "header-only" v4 signature, the
//! `RSAHEADER` tag). An RSA signature is deterministic, and GnuPG is told
//! the time is `SOURCE_DATE_EPOCH` (or the key's creation, if that is
//! later: a signature cannot predate its key), so the same key over the
//! same package gives the same bytes.

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

use crate::targets::runs_with;
use crate::util::tempdir::TempDir;
use crate::vocab::Tool;

/// The variable that holds the secret key: `gpg --armor
/// --export-secret-keys` of a key without a passphrase.
pub const KEY_VARIABLE: &str = "RPM_SIGNING_KEY";

/// The program that signs.
pub const GPG: (Tool, &str) = (
    runs_with("gpg", "gpg"),
    "signing the .rpm packages (RPM_SIGNING_KEY is set)",
);

/// Whether a key is given in [`KEY_VARIABLE`]: the plan marks the .rpm
/// packages signed exactly when [`RpmSigner::from_env`] has a key to read.
pub fn key_given() -> bool {
    std::env::var_os(KEY_VARIABLE).is_some_and(|key| !key.is_empty())
}

/// A secret key from [`KEY_VARIABLE`], imported into a private keyring
/// that is removed when dropped.
pub struct RpmSigner {
    home: TempDir,
    fingerprint: String,
    /// When the key was made, in seconds since the epoch.
    created: u64,
}

impl RpmSigner {
    /// The key in [`KEY_VARIABLE`], if it is set and not empty, imported
    /// and checked: it must be one secret key GnuPG can read.
    pub fn from_env(sh: &Shell) -> Result<Option<RpmSigner>> {
        let Some(key) = std::env::var_os(KEY_VARIABLE).filter(|key| !key.is_empty()) else {
            return Ok(None);
        };
        let key = key.into_string().ok().with_context(|| {
            format!("{KEY_VARIABLE} is not text, so it is not an armored OpenPGP key")
        })?;
        let home = TempDir::new()?;
        let dir = home.path();
        let imported = cmd!(sh, "gpg --homedir {dir} --batch --quiet --import")
            .stdin(key)
            .quiet()
            .ignore_stderr()
            .run();
        let listed = cmd!(
            sh,
            "gpg --homedir {dir} --batch --with-colons --list-secret-keys"
        )
        .quiet()
        .ignore_stderr()
        .read();
        // `sec:` carries the creation time (field 6), the `fpr:` after it
        // the fingerprint (field 10).
        let field = |line: &str, n: usize| line.split(':').nth(n).map(str::to_owned);
        let keys: Vec<(String, u64)> = match (imported, listed) {
            (Ok(()), Ok(listing)) => {
                let mut lines = listing.lines().skip_while(|line| !line.starts_with("sec:"));
                let created = lines.next().and_then(|line| field(line, 5));
                let fingerprint = lines.find(|line| line.starts_with("fpr:"));
                match (created.and_then(|c| c.parse().ok()), fingerprint) {
                    (Some(created), Some(line)) => field(line, 9)
                        .map(|fingerprint| (fingerprint, created))
                        .into_iter()
                        .collect(),
                    _ => Vec::new(),
                }
            }
            _ => Vec::new(),
        };
        let [(fingerprint, created)] = keys.as_slice() else {
            bail!(
                "{KEY_VARIABLE} holds no OpenPGP secret key GnuPG can import. Set it to the \
                 output of `gpg --armor --export-secret-keys KEY-ID` for a key without a \
                 passphrase, or unset it to ship unsigned .rpm packages."
            );
        };
        let signer = RpmSigner {
            fingerprint: fingerprint.clone(),
            created: *created,
            home,
        };
        signer
            .sign(b"probe", 0)
            .context("the RPM signing key cannot sign: does it have a passphrase?")?;
        Ok(Some(signer))
    }

    /// The detached binary OpenPGP signature of `header`, made at `time`
    /// (seconds since the epoch).
    pub fn sign(&self, header: &[u8], time: u64) -> Result<Vec<u8>> {
        let sh = Shell::new()?;
        let dir = self.home.path();
        let (message, signature) = (dir.join("header"), dir.join("header.sig"));
        std::fs::write(&message, header)?;
        let fingerprint = &self.fingerprint;
        let time = format!("{}!", time.max(self.created));
        let no_passphrase = "";
        cmd!(
            sh,
            "gpg --homedir {dir} --batch --yes --quiet --pinentry-mode loopback --passphrase {no_passphrase}
                --faked-system-time {time} --digest-algo SHA256 --local-user {fingerprint}
                --detach-sign --output {signature} {message}"
        )
        .quiet()
        .ignore_stderr()
        .run()
        .context("gpg could not sign an RPM header")?;
        std::fs::read(&signature).context("gpg wrote no signature")
    }
}

impl Drop for RpmSigner {
    fn drop(&mut self) {
        // The agent GnuPG started for the keyring would outlive it.
        let dir = self.home.path();
        if let Ok(sh) = Shell::new() {
            let _ = cmd!(sh, "gpgconf --homedir {dir} --kill gpg-agent")
                .quiet()
                .ignore_stderr()
                .run();
        }
    }
}
