//! The search query parser (`kith search`, `kith who`), with `date:` ranges and the contact,
//! tag and date filters, on a small index: runs or is refused, never panics; hits and
//! highlights in range. See `kith::fuzzing::check_query`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kith::fuzzing::check_query(data));
