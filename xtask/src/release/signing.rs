//! Signing `SHA256SUMS` with minisign, and checking the signature.
//!
//! One signature covers the release: `SHA256SUMS` names every artifact with
//! its hash, so a good signature on it vouches for every file. The secret
//! key comes from an environment variable, as CI secrets do; the `minisign`
//! program (Debian's package) signs and verifies, so a user checks a
//! release with the same tool. Ed25519 signatures are deterministic and the
//! trusted comment carries no time, so the same key over the same release
//! gives the same bytes.

use std::path::Path;

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

use crate::targets::runs_with;
use crate::util::tempdir::{self, TempDir};
use crate::vocab::Tool;

/// The variable that holds the secret key: the text of a key file made with
/// `minisign -G -W` (no password: a CI job cannot type one).
pub const KEY_VARIABLE: &str = "MINISIGN_SECRET_KEY";

/// The detached signature of `SHA256SUMS`, beside it.
pub const SIGNATURE_FILE: &str = "SHA256SUMS.minisig";

/// The program that signs and verifies.
pub const MINISIGN: (Tool, &str) = (
    runs_with("minisign", "minisign"),
    "signing SHA256SUMS (MINISIGN_SECRET_KEY is set)",
);

/// Whether a key is given in [`KEY_VARIABLE`]: the plan signs the sums
/// exactly when [`Signer::from_env`] has a key to read.
pub fn key_given() -> bool {
    std::env::var_os(KEY_VARIABLE).is_some_and(|key| !key.is_empty())
}

/// A secret key from [`KEY_VARIABLE`], in a private temporary file for
/// minisign to read, removed when dropped.
pub struct Signer {
    key_dir: TempDir,
}

impl Signer {
    /// The key in [`KEY_VARIABLE`], if it is set and not empty.
    pub fn from_env() -> Result<Option<Signer>> {
        let Some(key) = std::env::var_os(KEY_VARIABLE).filter(|key| !key.is_empty()) else {
            return Ok(None);
        };
        let key = key
            .into_string()
            .ok()
            .with_context(|| format!("{KEY_VARIABLE} is not text, so it is not a minisign key"))?;
        let key_dir = TempDir::new()?;
        let path = key_dir.path().join("minisign.key");
        tempdir::write_private(&path, key.trim_end().as_bytes())?;
        Ok(Some(Signer { key_dir }))
    }

    /// Signs a throwaway file, so that a malformed or password-protected
    /// key is refused before anything is built.
    pub fn check(&self, sh: &Shell) -> Result<()> {
        self.sign(sh, b"probe\n", "probe").map(|_| ())
    }

    /// The signature of `sums` (the text of `SHA256SUMS`), with
    /// `trusted_comment` signed along with it.
    pub fn sign(&self, sh: &Shell, sums: &[u8], trusted_comment: &str) -> Result<Vec<u8>> {
        let dir = self.key_dir.path();
        let (key, message, signature) = (
            dir.join("minisign.key"),
            dir.join("SHA256SUMS"),
            dir.join(SIGNATURE_FILE),
        );
        std::fs::write(&message, sums)?;
        let signed = cmd!(
            sh,
            "minisign -S -s {key} -m {message} -x {signature} -t {trusted_comment}"
        )
        .quiet()
        .ignore_stdout()
        .stdin("")
        .output();
        match signed {
            Ok(_) => std::fs::read(&signature).context("minisign wrote no signature"),
            Err(err) => bail!(
                "minisign cannot sign with the key in {KEY_VARIABLE}: it is malformed, or \
                 protected by a password ({err}). Put the whole text of a secret key file made \
                 with `minisign -G -W` in {KEY_VARIABLE}, or unset it to release unsigned."
            ),
        }
    }
}

impl Signer {
    /// The public key of the secret key (its base64 line), which the
    /// installers check `SHA256SUMS.minisig` with.
    pub(super) fn public_key(&self, sh: &Shell) -> Result<String> {
        let dir = self.key_dir.path();
        let (key, public) = (dir.join("minisign.key"), dir.join("minisign.pub"));
        let _ = std::fs::remove_file(&public);
        cmd!(sh, "minisign -R -s {key} -p {public}")
            .quiet()
            .ignore_stdout()
            .stdin("")
            .run()
            .with_context(|| format!("minisign cannot make the public key of {KEY_VARIABLE}"))?;
        let text = std::fs::read_to_string(&public)?;
        text.lines()
            .nth(1)
            .map(str::to_owned)
            .context("minisign wrote a public key file without a key line")
    }
}

/// The signature of `manifest`'s release, if `signer` is given: of the
/// SHA256SUMS it will have, with the package and version as the trusted
/// comment.
pub(super) fn sign_release(
    sh: &Shell,
    signer: Option<&Signer>,
    manifest: &crate::release::manifest::Manifest,
) -> Result<Option<Vec<u8>>> {
    let Some(signer) = signer else {
        return Ok(None);
    };
    let comment = format!("{} {} SHA256SUMS", manifest.package, manifest.version);
    let sums = manifest.sums_file();
    signer.sign(sh, sums.as_bytes(), &comment).map(Some)
}

/// Checks `SHA256SUMS.minisig` in `dir` against `SHA256SUMS` with the
/// public key `key` (its base64 text, or the path of a `.pub` file), and
/// returns minisign's trusted comment.
pub fn verify(sh: &Shell, dir: &Path, key: &str) -> Result<String> {
    let (message, signature) = (dir.join("SHA256SUMS"), dir.join(SIGNATURE_FILE));
    if !signature.exists() {
        bail!(
            "{SIGNATURE_FILE} is missing, so the release is not signed: a key was given to \
             check it with. Sign it by setting {KEY_VARIABLE} when running dist (or merge)."
        );
    }
    let key_args: [&str; 2] = if Path::new(key).is_file() {
        ["-p", key]
    } else {
        ["-P", key]
    };
    let output = cmd!(sh, "minisign -V {key_args...} -m {message} -x {signature}")
        .quiet()
        .ignore_status()
        .output()
        .context("cannot run minisign")?;
    let said = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!(
            "{SIGNATURE_FILE} does not verify with the given key: {}. Either SHA256SUMS was \
             changed after signing, or the release was signed with another key",
            said.trim()
        );
    }
    Ok(said
        .lines()
        .find_map(|line| line.strip_prefix("Trusted comment: "))
        .unwrap_or_default()
        .to_owned())
}
