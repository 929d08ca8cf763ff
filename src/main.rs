//! `kith`, the front: answers searches from a running `kith watch` and hands everything else
//! to `kith-engine` (see [`kith::front`]). No mimalloc here: the system allocator starts faster
//! and the front allocates little.

fn main() -> std::process::ExitCode {
    kith::front::run()
}
