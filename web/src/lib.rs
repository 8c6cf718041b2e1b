//! The workspace's size formatting for web pages and Node.js.
//!
//! The same `units` crate formats sizes in the native program, under WASI
//! and on a Cortex-M; here wasm-bindgen exports it to JavaScript. Built for
//! `wasm32-unknown-unknown`, this crate is a WebAssembly module with no
//! OS at all: whatever it needs from the outside world (here, nothing but
//! its arguments) comes through JavaScript.

use wasm_bindgen::prelude::*;

/// The largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// `bytes` in the largest binary unit that keeps the number at least 1:
/// `humanBytes(4096)` is `"4.0 KiB"`. A number that is not a whole count of
/// bytes (negative, fractional, beyond 2^53, NaN) throws an `Error` that
/// names it.
#[wasm_bindgen(js_name = humanBytes)]
pub fn human_bytes(bytes: f64) -> Result<String, JsError> {
    let count = byte_count(bytes).map_err(|why| JsError::new(&why))?;
    Ok(units::Bytes(count).to_string())
}

/// The version of this package, as its Cargo.toml (and package.json) say.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// `number` as a count of bytes, or why it is not one.
pub fn byte_count(number: f64) -> Result<u64, String> {
    if number.fract() != 0.0 || !(0.0..=MAX_SAFE_INTEGER).contains(&number) {
        return Err(format!(
            "humanBytes takes a whole number of bytes from 0 to 2^53 - 1, not {number}"
        ));
    }
    Ok(number as u64)
}
