//! Byte-reproducible tar.gz and zip writers.
//!
//! An archive is described as a list of [`Entry`]s; the writers sort it and
//! give every entry the same owner (root, uid 0), fixed modes and one
//! timestamp, so the same entries always make the same bytes. gzip headers
//! carry no file name and a zero mtime.

use std::io::{Cursor, Write};

use anyhow::{Context, Result, bail};
use flate2::{Compression, GzBuilder};

/// One file or directory inside an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path inside the archive, `/`-separated; directories end in `/`.
    pub path: String,
    /// File contents; `None` for a directory.
    pub data: Option<Vec<u8>>,
    /// Unix permission bits.
    pub mode: u32,
}

impl Entry {
    /// A directory, mode 0755.
    pub fn dir(path: impl Into<String>) -> Entry {
        let mut path = path.into();
        if !path.ends_with('/') {
            path.push('/');
        }
        Entry {
            path,
            data: None,
            mode: 0o755,
        }
    }

    /// A regular file, mode 0644.
    pub fn file(path: impl Into<String>, data: Vec<u8>) -> Entry {
        Entry {
            path: path.into(),
            data: Some(data),
            mode: 0o644,
        }
    }

    /// An executable file, mode 0755.
    pub fn executable(path: impl Into<String>, data: Vec<u8>) -> Entry {
        Entry {
            mode: 0o755,
            ..Entry::file(path, data)
        }
    }
}

/// The compression level of every gzip stream and zip member: gzip's own
/// default, so sizes compare with `tar czf`.
const LEVEL: u32 = 6;

/// Sorts entries by path, so their order never depends on how they were
/// gathered, and refuses duplicates.
fn sorted(entries: &[Entry]) -> Result<Vec<&Entry>> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(pair) = sorted.windows(2).find(|pair| pair[0].path == pair[1].path) {
        bail!("two archive entries have the path {}", pair[0].path);
    }
    Ok(sorted)
}

/// An uncompressed tar archive of `entries`, every entry owned by root:root
/// and stamped `mtime` (seconds since the epoch).
pub fn tar(entries: &[Entry], mtime: u64) -> Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in sorted(entries)? {
        let mut header = tar::Header::new_gnu();
        let data = entry.data.as_deref().unwrap_or_default();
        header.set_entry_type(match entry.data {
            Some(_) => tar::EntryType::Regular,
            None => tar::EntryType::Directory,
        });
        header.set_size(data.len() as u64);
        header.set_mode(entry.mode);
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        header.set_username("root")?;
        header.set_groupname("root")?;
        if entry.path.len() <= 100 {
            // Written as given: the tar crate's path setter would drop a
            // leading `./`, which Debian's data.tar.gz paths must keep.
            header.as_old_mut().name[..entry.path.len()].copy_from_slice(entry.path.as_bytes());
            header.set_cksum();
            builder.append(&header, data)
        } else {
            // Longer paths need a GNU long-name record, which this writes.
            builder.append_data(&mut header, &entry.path, data)
        }
        .with_context(|| format!("cannot add {} to a tar archive", entry.path))?;
    }
    Ok(builder.into_inner()?)
}

/// `data` gzip-compressed, with no file name and a zero timestamp in the
/// header (as `gzip -n` writes it).
pub fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    gzip_at(data, Compression::new(LEVEL))
}

/// [`gzip`] at the highest level (`gzip -9n`), which Debian expects of
/// compressed documentation.
pub fn gzip_best(data: &[u8]) -> Result<Vec<u8>> {
    gzip_at(data, Compression::best())
}

fn gzip_at(data: &[u8], level: Compression) -> Result<Vec<u8>> {
    let mut encoder = GzBuilder::new().mtime(0).write(Vec::new(), level);
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

/// A `.tar.gz` of `entries`.
pub fn tar_gz(entries: &[Entry], mtime: u64) -> Result<Vec<u8>> {
    gzip(&tar(entries, mtime)?)
}

/// A `.zip` of `entries`, every member stamped `mtime` (in UTC; zip cannot
/// store times before 1980, so earlier ones are clamped to 1980-01-01).
pub fn zip(entries: &[Entry], mtime: u64) -> Result<Vec<u8>> {
    let (year, month, day, hour, minute, second) = utc_fields(mtime);
    let timestamp = if year < 1980 {
        zip::DateTime::default()
    } else {
        zip::DateTime::from_date_and_time(
            u16::try_from(year).context("year out of zip's range")?,
            month,
            day,
            hour,
            minute,
            second,
        )
        .map_err(|_| anyhow::anyhow!("{mtime} is outside zip's date range (1980-2107)"))?
    };
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for entry in sorted(entries)? {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(i64::from(LEVEL)))
            .last_modified_time(timestamp)
            .unix_permissions(entry.mode);
        match &entry.data {
            Some(data) => {
                writer.start_file(entry.path.as_str(), options)?;
                writer.write_all(data)?;
            }
            None => writer.add_directory(entry.path.as_str(), options)?,
        }
    }
    Ok(writer.finish()?.into_inner())
}

/// The data of a gzip stream.
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut data = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut data)?;
    Ok(data)
}

/// Reads every entry of a `.tar.gz`, failing on any damage.
pub fn read_tar_gz(bytes: &[u8]) -> Result<Vec<Entry>> {
    read_tar_from(flate2::read::GzDecoder::new(bytes))
}

/// Reads every entry of an uncompressed tar archive.
pub(super) fn read_tar(bytes: &[u8]) -> Result<Vec<Entry>> {
    read_tar_from(bytes)
}

fn read_tar_from(reader: impl std::io::Read) -> Result<Vec<Entry>> {
    let mut archive = tar::Archive::new(reader);
    let mut entries = Vec::new();
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let mode = entry.header().mode()?;
        let data = if entry.header().entry_type().is_dir() {
            None
        } else {
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut data)?;
            Some(data)
        };
        entries.push(Entry { path, data, mode });
    }
    Ok(entries)
}

/// Reads every entry of a `.zip`, checking each member's CRC.
pub fn read_zip(bytes: &[u8]) -> Result<Vec<Entry>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index)?;
        let path = file.name().to_owned();
        let mode = file.unix_mode().unwrap_or(0) & 0o7777;
        let data = if file.is_dir() {
            None
        } else {
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut data)?;
            Some(data)
        };
        entries.push(Entry { path, data, mode });
    }
    Ok(entries)
}

/// Year, month, day, hour, minute, second of a Unix time, in UTC.
pub fn utc_fields(secs: u64) -> (i64, u8, u8, u8, u8, u8) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    (
        year,
        month,
        day,
        (rem / 3600) as u8,
        (rem % 3600 / 60) as u8,
        (rem % 60) as u8,
    )
}

/// RFC 3339 in UTC (`2023-11-14T22:13:20Z`), as OCI's `created` fields and
/// xar's times spell time.
pub fn rfc3339(secs: u64) -> String {
    let (year, month, day, hour, minute, second) = utc_fields(secs);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn sample() -> Vec<Entry> {
        vec![
            Entry::file("pkg/README.md", b"hello\n".to_vec()),
            Entry::executable("pkg/tool", b"#!/bin/sh\necho hi\n".to_vec()),
            Entry::dir("pkg"),
        ]
    }

    const MTIME: u64 = 1_700_000_000; // 2023-11-14T22:13:20Z

    fn write_temp(name: &str, bytes: &[u8]) -> (crate::util::tempdir::TempDir, std::path::PathBuf) {
        let dir = crate::util::tempdir::TempDir::new().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    fn run(command: &mut Command) -> String {
        let output = command.output().expect("tool is installed");
        assert!(
            output.status.success(),
            "{command:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    #[test]
    fn same_entries_in_any_order_make_the_same_bytes() {
        let mut reversed = sample();
        reversed.reverse();
        assert_eq!(
            tar_gz(&sample(), MTIME).unwrap(),
            tar_gz(&reversed, MTIME).unwrap()
        );
        assert_eq!(
            zip(&sample(), MTIME).unwrap(),
            zip(&reversed, MTIME).unwrap()
        );
    }

    #[test]
    fn gzip_header_has_no_name_or_time() {
        let bytes = gzip(b"data").unwrap();
        assert_eq!(&bytes[..3], [0x1f, 0x8b, 8]);
        assert_eq!(bytes[3], 0, "no FNAME or other flags");
        assert_eq!(&bytes[4..8], [0, 0, 0, 0], "zero mtime");
    }

    #[test]
    fn tar_lists_owner_modes_and_time_as_gnu_tar_reads_them() {
        let (_dir, path) = write_temp("a.tar.gz", &tar_gz(&sample(), MTIME).unwrap());
        let listing = run(Command::new("tar").arg("-tvzf").arg(&path).env("TZ", "UTC"));
        let lines: Vec<&str> = listing.lines().collect();
        assert_eq!(lines.len(), 3, "{listing}");
        assert!(
            lines[0].starts_with("drwxr-xr-x root/root") && lines[0].ends_with("pkg/"),
            "{listing}"
        );
        assert!(
            lines[1].starts_with("-rw-r--r-- root/root") && lines[1].ends_with("pkg/README.md"),
            "{listing}"
        );
        assert!(
            lines[2].starts_with("-rwxr-xr-x root/root") && lines[2].ends_with("pkg/tool"),
            "{listing}"
        );
        assert!(
            lines.iter().all(|line| line.contains("2023-11-14 22:13")),
            "{listing}"
        );
        assert_eq!(
            run(Command::new("tar")
                .arg("-xOzf")
                .arg(&path)
                .arg("pkg/README.md")),
            "hello\n"
        );
    }

    #[test]
    #[ignore = "opens the zip with unzip and zipinfo (Debian's unzip); run by `cargo xtask ci`"]
    fn zip_passes_unzip_and_keeps_modes() {
        let (_dir, path) = write_temp("a.zip", &zip(&sample(), MTIME).unwrap());
        run(Command::new("unzip").arg("-tq").arg(&path));
        let listing = run(Command::new("zipinfo").arg(&path));
        assert!(
            listing.contains("-rwxr-xr-x") && listing.contains("pkg/tool"),
            "{listing}"
        );
        assert!(
            listing.contains("-rw-r--r--") && listing.contains("pkg/README.md"),
            "{listing}"
        );
        assert!(listing.contains("23-Nov-14 22:13"), "{listing}");
        assert_eq!(
            run(Command::new("unzip").arg("-p").arg(&path).arg("pkg/tool")),
            "#!/bin/sh\necho hi\n"
        );
    }

    #[test]
    fn readers_return_what_the_writers_wrote() {
        let mut expected = sample();
        expected.sort_by(|a, b| a.path.cmp(&b.path));
        assert_eq!(
            read_tar_gz(&tar_gz(&sample(), MTIME).unwrap()).unwrap(),
            expected
        );
        assert_eq!(read_zip(&zip(&sample(), MTIME).unwrap()).unwrap(), expected);
    }

    #[test]
    fn damaged_archives_are_refused() {
        // Mostly one member's compressed data, so the middle byte is in it.
        let noise: Vec<u8> = (0..8192u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut bytes = zip(&[Entry::file("noise", noise)], MTIME).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        assert!(read_zip(&bytes).is_err());
        let bytes = tar_gz(&sample(), MTIME).unwrap();
        assert!(read_tar_gz(&bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn duplicate_paths_are_refused() {
        let entries = vec![Entry::file("a", vec![]), Entry::file("a", vec![1])];
        assert!(tar(&entries, 0).is_err());
    }

    #[test]
    fn dates_convert_to_utc_fields() {
        assert_eq!(utc_fields(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(utc_fields(MTIME), (2023, 11, 14, 22, 13, 20));
        assert_eq!(utc_fields(951_782_400), (2000, 2, 29, 0, 0, 0));
    }
}
