//! A `.vcf` file as `kith import` reads it: cut into cards (the same whatever the buffer),
//! each card read into a contact whose new note reads back. See `kith::fuzzing::check_vcard`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kith::fuzzing::check_vcard(data));
