//! The exported functions, run by wasm-bindgen-test-runner: in Node.js by
//! default, and in headless Chromium with `WASM_BINDGEN_USE_BROWSER=1` (and
//! `CHROMEDRIVER`, the driver that starts it). `cargo xtask test` runs
//! both.

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn sizes_read_as_the_native_program_prints_them() {
    assert_eq!(web::human_bytes(0.0).unwrap(), "0 B");
    assert_eq!(web::human_bytes(4096.0).unwrap(), "4.0 KiB");
    assert_eq!(
        web::human_bytes(1.5 * 1024.0 * 1024.0 * 1024.0).unwrap(),
        "1.5 GiB"
    );
}

#[wasm_bindgen_test]
fn what_is_not_a_count_of_bytes_is_refused_by_name() {
    for number in [-1.0, 0.5, f64::NAN, 2f64.powi(60)] {
        let err = web::byte_count(number).unwrap_err();
        assert!(err.contains("whole number of bytes"), "{err}");
    }
}

#[wasm_bindgen_test]
fn the_version_is_the_packages() {
    assert_eq!(web::version(), env!("CARGO_PKG_VERSION"));
}
