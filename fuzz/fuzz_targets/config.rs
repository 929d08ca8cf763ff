//! `kith.toml`: refused with a message naming the file, or read into rules that schedule a
//! small vault. See `kith::fuzzing::check_config`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kith::fuzzing::check_config(data));
