//! Targets popular Rust programs ship for that the table has no row for on
//! purpose, and what a build for each needs that no machine the template
//! is tested on has: the facts `add-target` and `doctor` give instead of
//! "add a row". A row that nothing could build or test here would be a
//! guess; with the tool below installed, a row of the same shape as its
//! neighbours' works.

/// Triples that share one missing piece.
pub struct Unsupported {
    /// The triples it covers.
    pub triples: &'static [&'static str],
    /// What a build needs that the table cannot provide, and where it comes
    /// from (with the variable that points at it, where there is one).
    pub needs: &'static str,
}

pub const UNSUPPORTED: &[Unsupported] = &[
    Unsupported {
        triples: &[
            "aarch64-linux-android",
            "armv7-linux-androideabi",
            "x86_64-linux-android",
            "i686-linux-android",
        ],
        needs: "the Android NDK, whose clang links Android binaries and compiles their C against \
                Bionic: install it with Android Studio's SDK manager (or `sdkmanager \
                \"ndk;<version>\"`) and set ANDROID_NDK_HOME to it; then cargo-ndk (crates.io) \
                builds with `cargo ndk -t arm64-v8a build`. No NDK can be fetched where this \
                template is tested, so the table has no Android row that could be checked",
    },
    Unsupported {
        triples: &[
            "aarch64-apple-ios",
            "aarch64-apple-ios-sim",
            "x86_64-apple-ios",
        ],
        needs: "Apple's iOS SDK, which comes only with Xcode on a Mac: build there (a macOS CI \
                runner) with SDKROOT set by `xcrun --sdk iphoneos --show-sdk-path`. zig has no \
                iOS SDK to link against, so Linux cannot link iOS binaries",
    },
    Unsupported {
        triples: &["arm-unknown-linux-gnueabihf"],
        needs: "a glibc and C compiler built for ARMv6 (Raspberry Pi 1 and Zero): Debian's \
                armhf cross gcc and libc are ARMv7, whose code those boards cannot run, and \
                rustup's distribution server had no standard library for this target on the \
                machines this template is tested on (`rustup target add` says \"unavailable \
                for download\"). Where rustup has it, `cargo zigbuild --target \
                arm-unknown-linux-gnueabihf` links against zig's ARMv6 glibc",
    },
    Unsupported {
        triples: &["armv7-unknown-linux-musleabihf"],
        needs: "its standard library, which rustup's distribution server did not have on the \
                machines this template is tested on (`rustup target add` says \"unavailable for \
                download\"), so no row for it could be built or tested. Where rustup has it, a \
                row like aarch64-unknown-linux-musl's (rust-lld, zig's clang for \
                arm-linux-musleabihf, qemu-arm) fits it",
    },
];

/// What `triple` needs that the table cannot provide, if it is one of
/// [`UNSUPPORTED`].
pub fn needs(triple: &str) -> Option<&'static str> {
    UNSUPPORTED
        .iter()
        .find(|entry| entry.triples.contains(&triple))
        .map(|entry| entry.needs)
}
