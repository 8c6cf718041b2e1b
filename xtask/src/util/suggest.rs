//! Did-you-mean: the known names closest to a misspelt one, by the edit
//! distance of strsim (the crate clap suggests subcommands with).

/// Up to three names from `candidates` within a few edits of `name`, closest
/// first.
fn closest<S: AsRef<str>>(name: &str, candidates: &[S]) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .map(|candidate| {
            (
                strsim::levenshtein(name, candidate.as_ref()),
                candidate.as_ref(),
            )
        })
        .filter(|(distance, _)| *distance <= name.len() / 3 + 1)
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, name)| format!("`{name}`"))
        .collect()
}

/// "Did you mean `x`? " for `name` among `candidates`, or nothing, to
/// put before the rest of a sentence.
pub fn did_you_mean<S: AsRef<str>>(name: &str, candidates: &[S]) -> String {
    let close = closest(name, candidates);
    if close.is_empty() {
        String::new()
    } else {
        format!("Did you mean {}? ", close.join(" or "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_the_close_names_only() {
        assert_eq!(
            did_you_mean("formts", &["formats", "targets"]),
            "Did you mean `formats`? "
        );
        assert_eq!(did_you_mean("zzz", &["formats"]), "");
    }
}
