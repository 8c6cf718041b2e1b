//! Format-preserving edits of the workspace's TOML files, as cargo itself
//! makes them (`cargo add`): comments, ordering and layout stay as written.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use toml_edit::{Array, DocumentMut, Value};

/// Where `Cargo.toml` lists the configured targets.
pub const CONFIGURED_TARGETS: [&str; 4] = ["workspace", "metadata", "dist", "targets"];
/// Where `Cargo.toml` lists the targets the firmware packages ship for.
pub const FIRMWARE_TARGETS: [&str; 5] = ["workspace", "metadata", "dist", "firmware", "targets"];
/// Where `Cargo.toml` lists the targets the web packages ship for.
pub const WEB_TARGETS: [&str; 5] = ["workspace", "metadata", "dist", "web", "targets"];
/// Where `rust-toolchain.toml` lists the standard libraries rustup installs.
pub const TOOLCHAIN_TARGETS: [&str; 2] = ["toolchain", "targets"];

/// A TOML file loaded for editing.
pub struct TomlFile {
    pub path: PathBuf,
    pub doc: DocumentMut,
}

impl TomlFile {
    pub fn load(path: &Path) -> Result<TomlFile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let doc = text
            .parse::<DocumentMut>()
            .with_context(|| format!("{} is not valid TOML", path.display()))?;
        Ok(TomlFile {
            path: path.to_owned(),
            doc,
        })
    }

    /// The array at the dotted `keys`, e.g. `["workspace", "metadata",
    /// "dist", "targets"]`.
    pub fn array_mut(&mut self, keys: &[&str]) -> Result<&mut Array> {
        let mut item = self.doc.as_item_mut();
        for key in keys {
            item = item
                .get_mut(key)
                .with_context(|| format!("{} has no `{}`", self.path.display(), keys.join(".")))?;
        }
        item.as_array_mut().with_context(|| {
            format!(
                "`{}` in {} is not an array",
                keys.join("."),
                self.path.display()
            )
        })
    }
}

/// Appends a string to `array`, laid out like the elements already there
/// (one per line stays one per line).
pub fn push_string(array: &mut Array, text: &str) {
    let mut value = Value::from(text);
    if let Some(last) = array.iter().last() {
        let decor = last.decor();
        *value.decor_mut() = decor.clone();
    }
    array.push_formatted(value);
}

/// Removes the string `text` from `array`; whether it was there.
pub fn remove_string(array: &mut Array, text: &str) -> bool {
    let position = array.iter().position(|value| value.as_str() == Some(text));
    if let Some(index) = position {
        array.remove(index);
    }
    position.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULTI_LINE: &str = "# comment\nlist = [\n    \"a\",\n    \"b\",\n]\n";

    #[test]
    fn push_then_remove_restores_the_bytes() {
        let mut doc: DocumentMut = MULTI_LINE.parse().unwrap();
        let array = doc["list"].as_array_mut().unwrap();
        push_string(array, "c");
        assert_eq!(
            doc.to_string(),
            "# comment\nlist = [\n    \"a\",\n    \"b\",\n    \"c\",\n]\n"
        );
        assert!(remove_string(doc["list"].as_array_mut().unwrap(), "c"));
        assert_eq!(doc.to_string(), MULTI_LINE);
    }

    #[test]
    fn inline_arrays_stay_inline() {
        let mut doc: DocumentMut = "list = [\"a\", \"b\"]\n".parse().unwrap();
        push_string(doc["list"].as_array_mut().unwrap(), "c");
        assert_eq!(doc.to_string(), "list = [\"a\", \"b\", \"c\"]\n");
    }
}
