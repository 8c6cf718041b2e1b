//! Telling a real target triple from a typo: rustc's own list of triples,
//! and the closest names to suggest when a triple is not on it.

use anyhow::{Result, bail};

use crate::util::suggest::did_you_mean;

/// Fails with [`unknown_triple_message`] unless rustc knows `triple`.
pub fn ensure_known(triple: &str, rustc_targets: &[String]) -> Result<()> {
    if rustc_targets.iter().any(|known| known == triple) {
        return Ok(());
    }
    bail!("{}", unknown_triple_message(triple, rustc_targets))
}

/// "`x` is not a target rustc knows", with the closest real names.
fn unknown_triple_message(triple: &str, rustc_targets: &[String]) -> String {
    format!(
        "`{triple}` is not a target triple rustc knows. {}`rustc --print target-list` lists \
         them all.",
        did_you_mean(triple, rustc_targets)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_gets_the_real_name() {
        let known = [
            "x86_64-unknown-linux-gnu".to_owned(),
            "wasm32-wasip1".to_owned(),
        ];
        let err = ensure_known("x86_64-unknown-linux-gnux", &known)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Did you mean `x86_64-unknown-linux-gnu`"),
            "{err}"
        );
        assert!(ensure_known("wasm32-wasip1", &known).is_ok());
    }
}
