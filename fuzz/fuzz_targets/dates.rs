//! The date grammars: `YYYY-MM-DD` properties and log entries, birthdays, vCard dates and the
//! date-like texts kith reports (`12/01/2026`). See `kith::fuzzing::check_dates`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kith::fuzzing::check_dates(data));
