//! `kith log`: the entry is whole lines inserted at one place, no other byte changed, and it
//! reads back at the line given. See `kith::fuzzing::check_log_append`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kith::fuzzing::check_log_append(data));
