//! Links the unwinder statically on Linux with glibc (what `-static-libgcc` does for C).
//!
//! Rust's standard library takes its unwinder (`_Unwind_*`) from `libgcc_s.so.1`, so every
//! process loads that library too, and runs its constructor, which asks the CPU for its
//! features with a dozen `cpuid` instructions: each one traps to the hypervisor on a virtual
//! machine (11.6 µs here), and the library costs a Rust program 0.16 ms of its start. That
//! is a twentieth of a `kith search` answered by the watcher. `libgcc_eh.a` is the same
//! unwinder as a static library: named here, before the standard library's `-lgcc_s`, it
//! resolves those symbols and the linker (`--as-needed`) drops `libgcc_s.so.1`. Where the C
//! compiler has no `libgcc_eh.a` (or the target is another), nothing changes.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let static_crt = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    if var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
        || static_crt
        || var("TARGET") != var("HOST")
    {
        return;
    }
    // The C compiler as the cc crate finds it for the target (CC, CC_<target>, TARGET_CC,
    // "ccache gcc" and the like), which is what links the program unless a linker is set.
    let Ok(compiler) = cc::Build::new()
        .cargo_metadata(false)
        .cargo_warnings(false)
        .try_get_compiler()
    else {
        return;
    };
    let Ok(out) = compiler
        .to_command()
        .arg("-print-file-name=libgcc_eh.a")
        .output()
    else {
        return;
    };
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    // Without the library the compiler prints the bare name back.
    let (true, Some(dir)) = (
        out.status.success() && path.is_absolute() && path.is_file(),
        path.parent(),
    ) else {
        return;
    };
    // Looked at again if the compiler is upgraded and the library moves.
    println!("cargo:rerun-if-changed={}", path.display());
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=static:-bundle=gcc_eh");
}
