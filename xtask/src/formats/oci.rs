//! OCI image layouts (image-spec v1.1), as the one tar archive that
//! `skopeo copy oci-archive:…`, `podman load` and `docker load` read.
//!
//! The archive holds `oci-layout`, `index.json` and `blobs/sha256/<hex>`,
//! every blob named by its digest. `index.json` points at one image index
//! (the multi-architecture image, tagged with the release's version), which
//! lists one image manifest per platform; each manifest names its config
//! and its one gzip'd tar layer. JSON is written with sorted keys and every
//! tar entry with the release's timestamp, so the same input gives the
//! same bytes, and so the same digests, on every machine.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::formats::archive::{self, Entry};
use crate::targets::platforms::OciPlatform;
use crate::util::digest::sha256_hex;

const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
const CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";
const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// The annotation naming the tag of an image in a layout.
const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// One platform's image: its files and how it starts.
pub struct Image {
    pub platform: OciPlatform,
    /// The root filesystem, as one layer.
    pub files: Vec<Entry>,
    /// The program run when the container starts, as an absolute path.
    pub entrypoint: String,
}

/// What every platform's image shares.
pub struct Metadata {
    /// The tag in the layout's `index.json` (the image's `ref.name`).
    pub tag: String,
    /// The user the program runs as, `uid:gid`.
    pub user: String,
    /// `org.opencontainers.image.*` annotations, also the config's labels.
    pub annotations: BTreeMap<String, String>,
    /// Seconds since 1970: the layer's file times and the `created` field.
    pub mtime: u64,
}

/// A written layout archive.
pub struct Layout {
    pub bytes: Vec<u8>,
    /// `sha256:<hex>` of the multi-architecture image index: what a
    /// registry reports for the pushed tag.
    pub index_digest: String,
}

/// Blobs by digest, and the descriptor of each as it is added.
#[derive(Default)]
struct Blobs(BTreeMap<String, Vec<u8>>);

impl Blobs {
    fn add(&mut self, media_type: &str, bytes: Vec<u8>) -> Value {
        let digest = format!("sha256:{}", sha256_hex(&bytes));
        let descriptor = json!({ "mediaType": media_type, "digest": digest, "size": bytes.len() });
        self.0.insert(digest, bytes);
        descriptor
    }

    fn add_json(&mut self, media_type: &str, value: &Value) -> Value {
        let bytes = serde_json::to_vec(value).expect("JSON values serialize");
        self.add(media_type, bytes)
    }
}

/// The layout archive of `images` (one per platform, none twice).
pub fn write(images: &[Image], metadata: &Metadata) -> Result<Layout> {
    if images.is_empty() {
        bail!("a container image needs at least one platform");
    }
    let mut blobs = Blobs::default();
    let mut manifests = Vec::new();
    for image in images {
        let descriptor = add_image(&mut blobs, image, metadata)?;
        if manifests.contains(&descriptor) {
            bail!("two images of the container have the same platform");
        }
        manifests.push(descriptor);
    }
    let index = json!({
        "schemaVersion": 2,
        "mediaType": INDEX_MEDIA_TYPE,
        "manifests": manifests,
        "annotations": metadata.annotations,
    });
    let mut index_descriptor = blobs.add_json(INDEX_MEDIA_TYPE, &index);
    let index_digest = index_descriptor["digest"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    index_descriptor["annotations"] = json!({ REF_NAME: metadata.tag });
    let top = json!({
        "schemaVersion": 2,
        "mediaType": INDEX_MEDIA_TYPE,
        "manifests": [index_descriptor],
    });

    Ok(Layout {
        bytes: archive::tar(&layout_entries(&top, blobs), metadata.mtime)?,
        index_digest,
    })
}

/// Adds one platform's layer, config and manifest to `blobs`; returns the
/// manifest's descriptor, with its platform, for the image index.
fn add_image(blobs: &mut Blobs, image: &Image, metadata: &Metadata) -> Result<Value> {
    let created = archive::rfc3339(metadata.mtime);
    let layer_tar = archive::tar(&image.files, metadata.mtime)?;
    let diff_id = format!("sha256:{}", sha256_hex(&layer_tar));
    let layer = blobs.add(LAYER_MEDIA_TYPE, archive::gzip(&layer_tar)?);
    let mut config = json!({
        "architecture": image.platform.architecture,
        "os": "linux",
        "created": created,
        "config": {
            "User": metadata.user,
            "Entrypoint": [image.entrypoint],
            "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"],
            "WorkingDir": "/",
            "Labels": metadata.annotations,
        },
        "rootfs": { "type": "layers", "diff_ids": [diff_id] },
        "history": [{ "created": created, "created_by": "cargo xtask dist" }],
    });
    let mut platform = json!({ "architecture": image.platform.architecture, "os": "linux" });
    if let Some(variant) = image.platform.variant {
        config["variant"] = json!(variant);
        platform["variant"] = json!(variant);
    }
    let config = blobs.add_json(CONFIG_MEDIA_TYPE, &config);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": config,
        "layers": [layer],
        "annotations": metadata.annotations,
    });
    let mut descriptor = blobs.add_json(MANIFEST_MEDIA_TYPE, &manifest);
    descriptor["platform"] = platform;
    Ok(descriptor)
}

/// The files of the layout: its version, the top index `top`, and every
/// blob under its digest.
fn layout_entries(top: &Value, blobs: Blobs) -> Vec<Entry> {
    let mut entries = vec![
        Entry::file("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
        Entry::file(
            "index.json",
            serde_json::to_vec(top).expect("JSON values serialize"),
        ),
        Entry::dir("blobs"),
        Entry::dir("blobs/sha256"),
    ];
    for (digest, bytes) in blobs.0 {
        let hex = digest.trim_start_matches("sha256:");
        entries.push(Entry::file(format!("blobs/sha256/{hex}"), bytes));
    }
    entries
}

/// One platform's image, as read back.
pub struct ReadImage {
    /// `os/architecture[/variant]`, as `docker` spells a platform.
    pub platform: String,
    pub entrypoint: Vec<String>,
    pub user: String,
    pub files: Vec<Entry>,
}

/// A layout archive, as read back by [`read`].
pub struct ReadLayout {
    pub index_digest: String,
    pub tag: String,
    pub images: Vec<ReadImage>,
}

/// Reads a layout archive, checking every blob against its digest and
/// size and every layer against its config's `diff_ids`.
pub fn read(bytes: &[u8]) -> Result<ReadLayout> {
    let mut files = BTreeMap::new();
    for entry in archive::read_tar(bytes).context("not a tar archive")? {
        if let Some(data) = entry.data {
            files.insert(entry.path, data);
        }
    }
    let layout: Value = json_file(&files, "oci-layout")?;
    if layout["imageLayoutVersion"] != "1.0.0" {
        bail!("oci-layout does not name image layout version 1.0.0");
    }
    let top: Value = json_file(&files, "index.json")?;
    let [index_descriptor] = top["manifests"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    else {
        bail!("index.json must list exactly one image index");
    };
    let tag = index_descriptor["annotations"][REF_NAME]
        .as_str()
        .context("index.json's image has no tag (ref.name)")?
        .to_owned();
    let index_digest = index_descriptor["digest"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let index: Value = blob_json(&files, index_descriptor, INDEX_MEDIA_TYPE)?;
    let mut images = Vec::new();
    for descriptor in index["manifests"]
        .as_array()
        .context("the image index lists no manifests")?
    {
        images.push(read_image(&files, descriptor)?);
    }
    Ok(ReadLayout {
        index_digest,
        tag,
        images,
    })
}

/// The image a manifest `descriptor` of the index names, its one layer
/// checked against its config's `diff_ids`.
fn read_image(files: &BTreeMap<String, Vec<u8>>, descriptor: &Value) -> Result<ReadImage> {
    let platform = &descriptor["platform"];
    let name = ["os", "architecture", "variant"]
        .iter()
        .filter_map(|key| platform[key].as_str())
        .collect::<Vec<_>>()
        .join("/");
    let manifest = blob_json(files, descriptor, MANIFEST_MEDIA_TYPE)
        .with_context(|| format!("the {name} image"))?;
    let config = blob_json(files, &manifest["config"], CONFIG_MEDIA_TYPE)
        .with_context(|| format!("the {name} image's config"))?;
    let [layer] = manifest["layers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    else {
        bail!("the {name} image must have exactly one layer");
    };
    let layer = archive::gunzip(blob(files, layer, LAYER_MEDIA_TYPE)?)
        .with_context(|| format!("the {name} image's layer is not gzip data"))?;
    let diff_id = format!("sha256:{}", sha256_hex(&layer));
    if config["rootfs"]["diff_ids"] != json!([diff_id]) {
        bail!("the {name} image's layer does not match its config's diff_ids");
    }
    let strings = |value: &Value| -> Vec<String> {
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item.as_str().map(str::to_owned))
            .collect()
    };
    Ok(ReadImage {
        entrypoint: strings(&config["config"]["Entrypoint"]),
        user: config["config"]["User"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        files: archive::read_tar(&layer)
            .with_context(|| format!("the {name} image's layer is not a tar archive"))?,
        platform: name,
    })
}

fn json_file(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Result<Value> {
    let bytes = files
        .get(name)
        .with_context(|| format!("no {name} in the archive"))?;
    serde_json::from_slice(bytes).with_context(|| format!("{name} is not JSON"))
}

/// The blob a descriptor names, checked against its digest and size.
fn blob<'a>(
    files: &'a BTreeMap<String, Vec<u8>>,
    descriptor: &Value,
    media_type: &str,
) -> Result<&'a [u8]> {
    if descriptor["mediaType"] != media_type {
        bail!(
            "a descriptor's media type is {}, not {media_type}",
            descriptor["mediaType"]
        );
    }
    let digest = descriptor["digest"]
        .as_str()
        .context("a descriptor has no digest")?;
    let hex = digest
        .strip_prefix("sha256:")
        .with_context(|| format!("{digest} is not a sha256 digest"))?;
    let bytes = files
        .get(&format!("blobs/sha256/{hex}"))
        .with_context(|| format!("blob {digest} is missing"))?;
    if sha256_hex(bytes) != hex {
        bail!("blob {digest} does not match its digest: it was changed");
    }
    if descriptor["size"].as_u64() != Some(bytes.len() as u64) {
        bail!("blob {digest} is not the size its descriptor says");
    }
    Ok(bytes)
}

fn blob_json(
    files: &BTreeMap<String, Vec<u8>>,
    descriptor: &Value,
    media_type: &str,
) -> Result<Value> {
    let value: Value = serde_json::from_slice(blob(files, descriptor, media_type)?)
        .context("a JSON blob is not JSON")?;
    if value["mediaType"] != media_type && media_type != CONFIG_MEDIA_TYPE {
        bail!("a {media_type} blob says it is {}", value["mediaType"]);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(files: Vec<Entry>) -> (Vec<Image>, Metadata) {
        let platform = |architecture, variant| OciPlatform {
            architecture,
            variant,
        };
        let images = vec![
            Image {
                platform: platform("amd64", None),
                files: files.clone(),
                entrypoint: "/usr/local/bin/tool".into(),
            },
            Image {
                platform: platform("arm", Some("v7")),
                files,
                entrypoint: "/usr/local/bin/tool".into(),
            },
        ];
        let metadata = Metadata {
            tag: "1.2.3".into(),
            user: "65532:65532".into(),
            annotations: BTreeMap::from([(
                "org.opencontainers.image.version".to_owned(),
                "1.2.3".to_owned(),
            )]),
            mtime: 86_400 * 365,
        };
        (images, metadata)
    }

    #[test]
    fn round_trips_with_every_platform_and_digest() {
        let files = vec![Entry::executable("usr/local/bin/tool", b"\x7fELF".to_vec())];
        let (images, metadata) = sample(files);
        let layout = write(&images, &metadata).unwrap();
        assert_eq!(write(&images, &metadata).unwrap().bytes, layout.bytes);
        let read = read(&layout.bytes).unwrap();
        assert_eq!(read.index_digest, layout.index_digest);
        assert_eq!(read.tag, "1.2.3");
        let platforms: Vec<&str> = read.images.iter().map(|i| i.platform.as_str()).collect();
        assert_eq!(platforms, ["linux/amd64", "linux/arm/v7"]);
        assert_eq!(read.images[1].entrypoint, ["/usr/local/bin/tool"]);
        assert_eq!(
            read.images[1].files[0].data.as_deref(),
            Some(b"\x7fELF".as_slice())
        );
        assert_eq!(archive::rfc3339(metadata.mtime), "1971-01-01T00:00:00Z");
    }

    #[test]
    fn a_changed_blob_is_refused() {
        let files = vec![Entry::executable("usr/local/bin/tool", vec![7; 4096])];
        let (images, metadata) = sample(files);
        let mut bytes = write(&images, &metadata).unwrap().bytes;
        // A config blob (JSON, so findable in the tar) loses a letter.
        let at = bytes.windows(9).position(|w| w == b"\"history\"").unwrap();
        bytes[at + 1] = b'H';
        let err = read(&bytes)
            .err()
            .map(|err| format!("{err:#}"))
            .unwrap_or_default();
        assert!(err.contains("does not match its digest"), "{err}");
    }
}
