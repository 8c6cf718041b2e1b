//! What makes two builds of the same commit byte-identical: one timestamp
//! for every archive entry, and no build-machine paths in the binaries.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

use crate::build::rustflags::{Flag, ReleaseFlags, cargo_home};
use crate::targets::TargetSpec;

/// The time stamped on every archive entry: `SOURCE_DATE_EPOCH` if set (the
/// reproducible-builds.org convention), else the last commit's time.
pub fn source_date_epoch(sh: &Shell) -> Result<u64> {
    if let Some(value) = std::env::var_os("SOURCE_DATE_EPOCH") {
        let text = value.to_string_lossy();
        return text.trim().parse().with_context(|| {
            format!("SOURCE_DATE_EPOCH is {text:?}, not a number of seconds since 1970. Fix or unset it.")
        });
    }
    match cmd!(sh, "git log -1 --format=%ct")
        .quiet()
        .ignore_stderr()
        .read()
    {
        Ok(time) => time
            .trim()
            .parse()
            .with_context(|| format!("`git log` gave {time:?} as the last commit's time")),
        Err(_) => bail!(
            "artifacts are stamped with the last commit's time, but this is not a git checkout \
             with a commit. Commit first, or set SOURCE_DATE_EPOCH (seconds since 1970)."
        ),
    }
}

/// The commit being built, and whether the work tree differs from it.
pub fn git_commit(sh: &Shell) -> Option<(String, bool)> {
    let commit = cmd!(sh, "git rev-parse HEAD")
        .quiet()
        .ignore_stderr()
        .read()
        .ok()?;
    let status = cmd!(sh, "git status --porcelain --untracked-files=no")
        .quiet()
        .ignore_stderr()
        .read()
        .ok()?;
    Some((commit.trim().to_owned(), !status.trim().is_empty()))
}

/// The flags that keep the workspace's and cargo's own paths out of
/// `spec`'s binaries, so that clones in different places build the same
/// bytes, joined to the user's own rustflags wherever cargo reads them (see
/// [`ReleaseFlags`]). The same flags must go to every cargo command that
/// touches the dist build, or it rebuilds.
///
/// Some targets need more: the target table's `release_rustflags`
/// (GNU ld for Windows stamps the link time into PE headers; zig derives a
/// Mach-O's UUID from debug-map paths unless told to leave them out, and
/// keeps hidden C symbols unless told to drop local ones), and its
/// `import_libs` (see [`link_import_libs_from_target_dir`], which the
/// build must make first).
pub fn release_flags(root: &Path, target_dir: &Path, spec: &TargetSpec) -> Result<ReleaseFlags> {
    let mut flags = vec![
        Flag {
            flag: format!("--remap-path-prefix={}=.", root.display()),
            recorded: "--remap-path-prefix=<workspace>=.".to_owned(),
        },
        Flag {
            flag: format!("--remap-path-prefix={}=/cargo", cargo_home().display()),
            recorded: "--remap-path-prefix=<cargo home>=/cargo".to_owned(),
        },
    ];
    for &flag in spec.release_rustflags {
        flags.push(Flag {
            flag: flag.to_owned(),
            recorded: flag.to_owned(),
        });
    }
    if spec.import_libs.is_some() {
        let link = import_libs_link(target_dir, spec.triple);
        flags.push(Flag {
            flag: format!("-Clink-arg=-L{}", link.display()),
            recorded: format!("-Clink-arg=-L<target>/{}/system-import-libs", spec.triple),
        });
    }
    ReleaseFlags::new(root, spec.triple, &flags)
}

/// Where [`link_import_libs_from_target_dir`] puts the link.
fn import_libs_link(target_dir: &Path, triple: &str) -> PathBuf {
    target_dir.join(triple).join("system-import-libs")
}

/// Makes what `spec`'s release flags name in `target_dir`: the link to
/// the system's import libraries, where the table gives it some.
pub fn prepare_target_dir(target_dir: &Path, spec: &TargetSpec) -> Result<()> {
    match spec.import_libs {
        Some(system_dir) => {
            link_import_libs_from_target_dir(target_dir, spec.triple, system_dir).map(drop)
        }
        None => Ok(()),
    }
}

/// A symbolic link to the system's import libraries inside the target
/// folder, for the linker to find them through.
///
/// GNU ld orders a PE import table by the path of each input: rustc's own
/// import libraries (`raw-dylib`, which windows-sys uses) sit in the target
/// folder, MinGW's in /usr. Which comes first then depended on whether the
/// checkout's path sorts before or after /usr, and two clones built
/// different .exe files. Through this link, both are under
/// `<target>/<triple>/`, in the same order everywhere.
fn link_import_libs_from_target_dir(
    target_dir: &Path,
    triple: &str,
    system_dir: &str,
) -> Result<PathBuf> {
    let folder = target_dir.join(triple);
    let link = import_libs_link(target_dir, triple);
    let in_place = || std::fs::read_link(&link).is_ok_and(|to| to == Path::new(system_dir));
    if in_place() {
        return Ok(link);
    }
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let _ = std::fs::remove_file(&link);
    match std::os::unix::fs::symlink(system_dir, &link) {
        Ok(()) => Ok(link),
        // Another dist of the same target dir made it just now.
        Err(_) if in_place() => Ok(link),
        Err(err) => {
            Err(err).with_context(|| format!("cannot link {} to {system_dir}", link.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linker_specific_flags_follow_the_table() {
        let spec = crate::targets::lookup("x86_64-pc-windows-gnu").unwrap();
        let target = crate::util::tempdir::TempDir::new().unwrap();
        let flags = release_flags(Path::new("/ws"), target.path(), spec).unwrap();
        assert!(
            flags
                .recorded
                .contains(&"-Clink-arg=-Wl,--no-insert-timestamp".to_owned()),
            "{:?}",
            flags.recorded
        );
        // MinGW's import libraries are linked through the target folder,
        // which the flags name, and which the build makes, not the plan.
        let link = target
            .path()
            .join("x86_64-pc-windows-gnu/system-import-libs");
        assert!(!link.exists());
        prepare_target_dir(target.path(), spec).unwrap();
        assert_eq!(
            std::fs::read_link(&link).unwrap(),
            Path::new("/usr/x86_64-w64-mingw32/lib")
        );
    }

    #[test]
    fn recorded_flags_hold_no_paths_of_this_machine() {
        let spec = crate::targets::lookup("x86_64-pc-windows-gnu").unwrap();
        let target = crate::util::tempdir::TempDir::new().unwrap();
        let flags = release_flags(Path::new("/work/my ws"), target.path(), spec).unwrap();
        let recorded = flags.recorded.join(" ");
        assert!(!recorded.contains("/work/my ws"), "{recorded}");
        assert!(
            !recorded.contains(&target.path().display().to_string()),
            "{recorded}"
        );
    }
}
