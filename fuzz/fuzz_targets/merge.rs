//! `kith import --merge`: properties added to a note's front-matter, every other byte kept,
//! the old properties read as before. See `kith::fuzzing::check_merge`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kith::fuzzing::check_merge(data));
