//! The `path_ids` target: see `harness::path_ids`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::path_ids(data));
