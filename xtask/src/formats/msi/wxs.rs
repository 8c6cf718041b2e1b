//! The WiX source (`.wxs`) of a package, in the WiX v3 dialect that wixl
//! reads. Every file it names sits beside it, so the text printed by
//! `cargo xtask wxs` is exactly what dist builds from.

use std::fmt::Write;

use super::MsiMetadata;

/// One file the package installs into its folder under Program Files.
pub(super) struct InstalledFile<'a> {
    /// Its name there, which is also its name beside the `.wxs`.
    pub name: &'a str,
    /// A stable GUID for its component (see [`super::guid`]).
    pub component_guid: String,
}

/// The `.wxs` of `metadata`, as the product `product_code`, for the architecture `arch` (wixl's `x64` or
/// `x86`), installing `binaries` and `others` (the licenses and README)
/// into `Program Files\<name>`, which the first binary's component puts on
/// PATH.
pub fn source(
    metadata: &MsiMetadata,
    product_code: &str,
    arch: &str,
    binaries: &[InstalledFile],
    others: &[InstalledFile],
) -> String {
    let mut wxs = Lines::default();
    wxs.line(0, r#"<?xml version="1.0" encoding="utf-8"?>"#);
    for comment in [
        "<!-- Written by `cargo xtask dist` from Cargo.toml: edit that, not this.",
        "     wixl builds the .msi from it; msibuild then adds the PATH entry",
        "     (Environment table), lets a release replace its pre-release (Upgrade",
        "     table) and sets the summary information (xtask/src/formats/msi/). -->",
    ] {
        wxs.line(0, comment);
    }
    wxs.line(
        0,
        r#"<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">"#,
    );
    product(&mut wxs, metadata, product_code);
    let components = components(binaries, others);
    directories(&mut wxs, metadata, arch, &components);
    wxs.line(2, r#"<Feature Id="Complete" Level="1">"#);
    for (id, _) in &components {
        wxs.line(3, &format!(r#"<ComponentRef Id="{id}"/>"#));
    }
    wxs.line(2, "</Feature>");
    wxs.line(1, "</Product>");
    wxs.line(0, "</Wix>");
    wxs.text
}

/// The source's lines, indented two spaces a level.
#[derive(Default)]
struct Lines {
    text: String,
}

impl Lines {
    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.text, "{:indent$}{text}", "", indent = indent * 2);
    }
}

/// `<Product>` and what says what it is: the package, upgrades, media and
/// the page it links to.
fn product(wxs: &mut Lines, metadata: &MsiMetadata, product_code: &str) {
    let name = text(&metadata.name);
    let manufacturer = text(&metadata.manufacturer);
    wxs.line(
        1,
        &format!(
            r#"<Product Id="{}" Name="{name}" Language="1033" Version="{}" Manufacturer="{manufacturer}" UpgradeCode="{}">"#,
            product_code, metadata.msi_version, metadata.upgrade_code
        ),
    );
    wxs.line(
        2,
        &format!(
            r#"<Package InstallerVersion="500" Compressed="yes" InstallScope="perMachine" Description="{}" Manufacturer="{manufacturer}"/>"#,
            text(&metadata.description)
        ),
    );
    wxs.line(
        2,
        &format!(
            r#"<MajorUpgrade DowngradeErrorMessage="A newer version of {name} is already installed."/>"#
        ),
    );
    wxs.line(2, r#"<Media Id="1" Cabinet="package.cab" EmbedCab="yes"/>"#);
    if let Some(url) = &metadata.url {
        wxs.line(
            2,
            &format!(r#"<Property Id="ARPURLINFOABOUT" Value="{}"/>"#, text(url)),
        );
    }
}

/// Each installed file with its component id. The first binary keeps the
/// id `Binary`, which the PATH entry names; a package of one binary reads
/// as it always has.
fn components<'a>(
    binaries: &'a [InstalledFile<'a>],
    others: &'a [InstalledFile<'a>],
) -> Vec<(String, &'a InstalledFile<'a>)> {
    let binary_ids = (0..binaries.len()).map(|i| match i {
        0 => super::BINARY_COMPONENT.to_owned(),
        _ => format!("{}{}", super::BINARY_COMPONENT, i + 1),
    });
    binary_ids
        .zip(binaries)
        .chain(
            others
                .iter()
                .enumerate()
                .map(|(i, file)| (format!("File{}", i + 1), file)),
        )
        .collect()
}

/// The install folder under Program Files (the 64-bit one for x64), a
/// component per file.
fn directories(
    wxs: &mut Lines,
    metadata: &MsiMetadata,
    arch: &str,
    components: &[(String, &InstalledFile)],
) {
    let (program_files, win64) = match arch {
        "x64" => ("ProgramFiles64Folder", " Win64=\"yes\""),
        _ => ("ProgramFilesFolder", ""),
    };
    wxs.line(2, r#"<Directory Id="TARGETDIR" Name="SourceDir">"#);
    wxs.line(3, &format!(r#"<Directory Id="{program_files}">"#));
    wxs.line(
        4,
        &format!(
            r#"<Directory Id="{}" Name="{}">"#,
            super::INSTALL_DIR,
            text(&metadata.name)
        ),
    );
    for (id, file) in components {
        wxs.line(
            5,
            &format!(
                r#"<Component Id="{id}" Guid="{}"{win64}>"#,
                file.component_guid
            ),
        );
        wxs.line(
            6,
            &format!(
                r#"<File Id="{id}" Source="{0}" Name="{0}" KeyPath="yes"/>"#,
                text(file.name)
            ),
        );
        wxs.line(5, "</Component>");
    }
    wxs.line(4, "</Directory>");
    wxs.line(3, "</Directory>");
    wxs.line(2, "</Directory>");
}

/// `value` as attribute text that comes through wixl unchanged: XML's five
/// characters escaped, and `$` doubled, since wixl's preprocessor reads
/// `$(…)` as a variable everywhere.
pub fn text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '$' => escaped.push_str("$$"),
            c if c.is_control() => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_survives_xml_and_the_preprocessor() {
        assert_eq!(
            text(r#"A & B <c> "d" 'e' $(var.X)"#),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos; $$(var.X)"
        );
        assert_eq!(text("two\nlines"), "two lines");
    }
}
