//! Process titles (worker-model.md, "Process titles"): the `comm` name through
//! `prctl(PR_SET_NAME)` (15 bytes, what `ps -o comm`, `top` and `pgrep` show). The `args` title
//! is argv[0], chosen when a process is spawned. Setting a title never fails a run.

/// Sets this thread's (for the main thread: the process's) comm to the first 15 bytes of `title`.
pub fn set(title: &str) {
    let mut bytes: Vec<u8> = title.bytes().filter(|b| *b != 0).take(15).collect();
    bytes.push(0);
    if let Ok(c) = std::ffi::CStr::from_bytes_with_nul(&bytes) {
        let _ = nix::sys::prctl::set_name(c);
    }
}
