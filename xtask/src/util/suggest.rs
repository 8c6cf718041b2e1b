//! Did-you-mean: the known names closest to a misspelt one.

/// Up to three names from `candidates` within a few edits of `name`, closest
/// first.
fn closest<S: AsRef<str>>(name: &str, candidates: &[S]) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .map(|candidate| (edit_distance(name, candidate.as_ref()), candidate.as_ref()))
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
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggestions_are_the_close_names_only() {
        assert_eq!(
            did_you_mean("formts", &["formats", "targets"]),
            "Did you mean `formats`? "
        );
        assert_eq!(did_you_mean("zzz", &["formats"]), "");
    }
}
