//! The inputs the fuzzers found bugs with, replayed through the same checks as their
//! targets (`kith::fuzzing`): `tests/fuzz_regressions/<target>/<input>`, one file an input,
//! as the fuzzer wrote it. To keep a new one, copy the fuzzer's `crash-…`, `timeout-…` or
//! `oom-…` file into the folder of its target (under a name that says what it found).

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// The longest one input may take here: a hang the fuzzer found must stay found.
const SLOW: Duration = Duration::from_secs(5);

#[test]
fn every_input_the_fuzzers_found_a_bug_with_passes_its_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut replayed = 0;
    for dir in fs::read_dir(&root).expect("tests/fuzz_regressions is there") {
        let dir = dir.expect("a folder entry").path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let check = kith::fuzzing::check_of(name)
            .unwrap_or_else(|| panic!("{} names no fuzz target", dir.display()));
        for input in fs::read_dir(&dir).expect("a target's folder reads") {
            let input = input.expect("a folder entry").path();
            let data = fs::read(&input).expect("an input reads");
            // Shown with the panic of a check that fails: which input it was.
            eprintln!("replaying {}", input.display());
            let started = Instant::now();
            check(&data);
            let took = started.elapsed();
            assert!(took < SLOW, "{} took {took:?}", input.display());
            replayed += 1;
        }
    }
    println!("{replayed} inputs replayed");
}
