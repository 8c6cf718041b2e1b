//! Authenticode signatures on Windows executables and `.msi` packages,
//! made and checked with osslsigncode.
//!
//! The key is a PKCS#12 file (`.pfx`/`.p12`, the certificate and its
//! private key), given base64-encoded in [`KEY_VARIABLE`] with its password
//! in [`PASSWORD_VARIABLE`], as CI secrets are. The signature's signing
//! time is `SOURCE_DATE_EPOCH` and RSA signatures are deterministic, so the
//! same key over the same file gives the same bytes; a timestamp from a
//! server ([`TIMESTAMP_VARIABLE`]), which keeps a signature valid after the
//! certificate expires, is the current time and makes each build differ.

use std::path::Path;

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

use crate::binary::pe::{self, PeHeaders};
use crate::targets::runs_with;
use crate::util::tempdir::{self, TempDir};
use crate::vocab::Tool;

/// The base64 text of a PKCS#12 file holding the certificate and key.
pub const KEY_VARIABLE: &str = "WINDOWS_SIGNING_KEY";
/// The PKCS#12 file's password.
const PASSWORD_VARIABLE: &str = "WINDOWS_SIGNING_PASSWORD";
/// An RFC 3161 timestamp server's URL, if the signatures should carry one.
const TIMESTAMP_VARIABLE: &str = "WINDOWS_TIMESTAMP_URL";

/// The program that signs and checks.
pub const OSSLSIGNCODE: (Tool, &str) = (
    runs_with("osslsigncode", "osslsigncode"),
    "Authenticode signatures on Windows executables and .msi packages",
);

/// A key from the environment, in a private temporary folder, removed
/// when dropped.
pub struct AuthenticodeSigner {
    sh: Shell,
    dir: TempDir,
    timestamp_url: Option<String>,
    /// What the signature names: the program and its page.
    description: String,
    url: Option<String>,
}

/// Whether a key is given in [`KEY_VARIABLE`]: the plan signs Windows
/// executables exactly when [`AuthenticodeSigner::from_env`] has a key to read.
pub fn key_given() -> bool {
    std::env::var(KEY_VARIABLE).is_ok_and(|key| !key.trim().is_empty())
}

impl AuthenticodeSigner {
    /// The key in [`KEY_VARIABLE`], if it is set and not empty, to sign
    /// files naming the program `description` and its page `url`.
    pub fn from_env(description: &str, url: Option<&str>) -> Result<Option<AuthenticodeSigner>> {
        let sh = Shell::new()?;
        let Some(key) = std::env::var(KEY_VARIABLE)
            .ok()
            .filter(|key| !key.trim().is_empty())
        else {
            return Ok(None);
        };
        let dir = TempDir::new()?;
        let pkcs12 = cmd!(sh, "base64 --decode --ignore-garbage")
            .stdin(key.as_bytes())
            .quiet()
            .output()
            .ok()
            .map(|output| output.stdout)
            .filter(|bytes| !bytes.is_empty())
            .with_context(|| {
                format!(
                    "{KEY_VARIABLE} is not base64 text. Put the output of `base64 -w0 key.pfx` \
                     in it, or unset it to release unsigned."
                )
            })?;
        tempdir::write_private(&dir.path().join("key.p12"), &pkcs12)?;
        let password = std::env::var(PASSWORD_VARIABLE).unwrap_or_default();
        tempdir::write_private(&dir.path().join("password"), password.as_bytes())?;
        let timestamp_url = std::env::var(TIMESTAMP_VARIABLE)
            .ok()
            .filter(|url| !url.is_empty());
        Ok(Some(AuthenticodeSigner {
            sh,
            dir,
            timestamp_url,
            description: description.to_owned(),
            url: url.map(str::to_owned),
        }))
    }

    /// `data` (an .exe or an .msi, named `file_name`) with a signature
    /// made at `mtime`.
    pub fn sign(&self, data: &[u8], file_name: &str, mtime: u64) -> Result<Vec<u8>> {
        let (sh, description) = (&self.sh, &self.description);
        let work = TempDir::new()?;
        let (unsigned, signed) = (work.path().join(file_name), work.path().join("signed"));
        std::fs::write(&unsigned, data)?;
        let (key, password) = (
            self.dir.path().join("key.p12"),
            self.dir.path().join("password"),
        );
        let time = mtime.to_string();
        let mut command = cmd!(
            sh,
            "osslsigncode sign -pkcs12 {key} -readpass {password} -h sha256 -n {description} -time {time}"
        );
        if let Some(url) = &self.url {
            command = command.args(["-i", url]);
        }
        if let Some(server) = &self.timestamp_url {
            command = command.args(["-ts", server]);
        }
        let output = command
            .arg("-in")
            .arg(&unsigned)
            .arg("-out")
            .arg(&signed)
            .quiet()
            .ignore_status()
            .output()?;
        if !output.status.success() {
            bail!(
                "osslsigncode cannot sign {file_name}: {}. Check that {KEY_VARIABLE} holds a \
                 PKCS#12 file with a code-signing certificate and its key, and that \
                 {PASSWORD_VARIABLE} is its password.",
                last_line(&output.stderr, &output.stdout)
            );
        }
        std::fs::read(&signed).context("osslsigncode wrote no signed file")
    }
}

/// Whether a PE file carries a signature: its certificate table (data
/// directory 4) is not empty.
pub fn is_signed_pe(data: &[u8]) -> bool {
    pe::is_pe(data) && PeHeaders::read(data).is_ok_and(|headers| headers.certificate_table_size > 0)
}

/// Whether an .msi carries a signature: its `\x05DigitalSignature` stream,
/// named in the compound file's directory in UTF-16.
pub fn is_signed_msi(data: &[u8]) -> bool {
    let name: Vec<u8> = "\u{5}DigitalSignature"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    data.windows(name.len()).any(|window| window == name)
}

/// Checks the signature of `data` (named `file_name`) with osslsigncode:
/// the file must hash to what was signed. With `ca` (a PEM file), the
/// certificate must also chain to it. Says who signed, one line.
pub fn verify(sh: &Shell, data: &[u8], file_name: &str, ca: Option<&Path>) -> Result<String> {
    let work = TempDir::new()?;
    let file = work.path().join(file_name);
    std::fs::write(&file, data)?;
    let mut command = cmd!(sh, "osslsigncode verify");
    if let Some(ca) = ca {
        command = command.arg("-CAfile").arg(ca);
    }
    let output = command
        .arg("-in")
        .arg(&file)
        .quiet()
        .ignore_status()
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(name))
            .map(|value| value.trim_start_matches([' ', ':']).trim().to_owned())
    };
    // osslsigncode names the digests of a PE "message digest" and those of
    // an .msi "DigitalSignature".
    let (current, calculated) = match field("Current DigitalSignature") {
        Some(current) => (Some(current), field("Calculated DigitalSignature")),
        None => (
            field("Current message digest"),
            field("Calculated message digest"),
        ),
    };
    if current.is_none() || current != calculated {
        bail!(
            "its Authenticode signature does not match its contents: the file was changed after \
             it was signed ({})",
            last_line(&output.stderr, &output.stdout)
        );
    }
    let signer = field("Subject").unwrap_or_else(|| "an unnamed certificate".to_owned());
    match (ca, output.status.success()) {
        (Some(_), true) => Ok(format!(
            "Authenticode signature by {signer}, valid, chains to the given CA"
        )),
        (Some(ca), false) => bail!(
            "its Authenticode signature by {signer} is intact, but its certificate does not \
             chain to {} ({})",
            ca.display(),
            last_line(&output.stderr, &output.stdout)
        ),
        (None, _) => Ok(format!(
            "Authenticode signature by {signer}, intact (its certificate is not checked: pass \
             --windows-ca to check it)"
        )),
    }
}

/// The last non-empty line of a tool's error output, or of its output.
fn last_line(stderr: &[u8], stdout: &[u8]) -> String {
    [stderr, stdout]
        .iter()
        .map(|bytes| String::from_utf8_lossy(bytes))
        .find_map(|text| {
            text.lines()
                .rev()
                .find(|line| !line.trim().is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PE32+ header with 16 data directories, whose certificate table
    /// has `size` bytes.
    fn pe(size: u32) -> Vec<u8> {
        let mut data = vec![0u8; 512];
        data[..2].copy_from_slice(b"MZ");
        data[0x3c..0x40].copy_from_slice(&64u32.to_le_bytes());
        data[64..68].copy_from_slice(b"PE\0\0");
        // SizeOfOptionalHeader: 112 bytes of fields, 16 directories of 8.
        data[64 + 20..64 + 22].copy_from_slice(&240u16.to_le_bytes());
        let optional = 64 + 24;
        data[optional..optional + 2].copy_from_slice(&0x20bu16.to_le_bytes());
        // NumberOfRvaAndSizes.
        data[optional + 108..optional + 112].copy_from_slice(&16u32.to_le_bytes());
        let entry = optional + 112 + 32;
        data[entry..entry + 4].copy_from_slice(&300u32.to_le_bytes());
        data[entry + 4..entry + 8].copy_from_slice(&size.to_le_bytes());
        data
    }

    #[test]
    fn a_pe_is_signed_when_its_certificate_table_is_not_empty() {
        assert!(is_signed_pe(&pe(100)));
        assert!(!is_signed_pe(&pe(0)));
        assert!(!is_signed_pe(b"\x7fELF"));
    }
}
