//! LinkedIn's `Connections.csv` as `kith import` reads it: rows in order, lines in the file,
//! each contact's new note reads back. See `kith::fuzzing::check_linkedin`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kith::fuzzing::check_linkedin(data));
