//! One or two notes through everything `kith due` does: parse, build the model (in either
//! order, and by patching), schedule, render, index; every reported line inside the note,
//! every contact found and linked to. See `kith::fuzzing::check_note`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kith::fuzzing::check_note(data));
