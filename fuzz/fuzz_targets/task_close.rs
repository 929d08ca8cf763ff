//! A ticked promise: only the task's line changes, by `[ ]` → `[x]` and ` ✅ YYYY-MM-DD`, and
//! the note reads back with that task closed. See `kith::fuzzing::check_task_close`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kith::fuzzing::check_task_close(data));
