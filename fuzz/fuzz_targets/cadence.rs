//! The cadence grammar (`6w`, `3 months`, `quarterly`): what reads prints back as itself, and
//! adding it to any date gives a later date. See `kith::fuzzing::check_cadence`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kith::fuzzing::check_cadence(data));
