//! Telling a real target triple from a typo: rustc's own list of triples,
//! and the closest names to suggest when a triple is not on it.

use anyhow::{Result, bail};

/// Fails with [`unknown_triple_message`] unless rustc knows `triple`.
pub fn ensure_known(triple: &str, rustc_targets: &[String]) -> Result<()> {
    if rustc_targets.iter().any(|known| known == triple) {
        return Ok(());
    }
    bail!("{}", unknown_triple_message(triple, rustc_targets))
}

/// "`x` is not a target rustc knows", with the closest real names.
pub fn unknown_triple_message(triple: &str, rustc_targets: &[String]) -> String {
    format!(
        "`{triple}` is not a target triple rustc knows. {}",
        unknown_triple_hint(triple, rustc_targets)
    )
}

pub fn unknown_triple_hint(triple: &str, rustc_targets: &[String]) -> String {
    let close = closest(triple, rustc_targets);
    let list = "`rustc --print target-list` lists them all.";
    if close.is_empty() {
        list.to_owned()
    } else {
        format!("Did you mean {}? {list}", close.join(" or "))
    }
}

/// Up to three names from `candidates` within a few edits of `name`, closest
/// first.
fn closest(name: &str, candidates: &[String]) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = candidates
        .iter()
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= name.len() / 3 + 1)
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, name)| format!("`{name}`"))
        .collect()
}

/// Levenshtein distance, by the usual two-row dynamic programme.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

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
