//! Process titles (worker-model.md, "Process titles"). Two things carry one:
//! - `comm` (15 bytes; `ps -o comm`, `top`, `pgrep`), set with `prctl(PR_SET_NAME)`;
//! - the argument area (`ps -o args`, `/proc/PID/cmdline`), which a process can only change by
//!   overwriting it in place (as C `setproctitle` does). Workers are spawned with a long argv[0]
//!   so their area has room for `stackctl: worker:<host>`.
//!
//! Titles: `stackctl: top`, `stackctl: worker:<host>` (`stk:w:<host>` in comm, cut at 15 bytes).
//! Setting a title never fails a run: every error is ignored.

/// Sets this thread's (for the main thread: the process's) comm to the first 15 bytes of `title`.
pub fn set_comm(title: &str) {
    let mut bytes: Vec<u8> = title.bytes().filter(|b| *b != 0).take(15).collect();
    bytes.push(0);
    if let Ok(c) = std::ffi::CStr::from_bytes_with_nul(&bytes) {
        let _ = nix::sys::prctl::set_name(c);
    }
}

/// The worker's titles for a host (`None`: idle).
pub fn worker(host: Option<&str>) {
    let host = host.unwrap_or("idle");
    set_args(&format!("stackctl: worker:{host}"));
    set_comm(&format!("stk:w:{host}"));
}

/// The top-level process's titles (comm only: its argv is the user's command line).
pub fn top() {
    set_comm("stackctl: top");
}

/// Overwrites the argument area with `title` (cut to fit) followed by NULs.
pub fn set_args(title: &str) {
    let Some((start, end)) = arg_area() else {
        return;
    };
    let len = end.saturating_sub(start);
    if len < 2 {
        return;
    }
    let bytes = title.as_bytes();
    let n = bytes.len().min(len - 1);
    // SAFETY: [start, end) is this process's own argument area as the kernel reports it in
    // /proc/self/stat: initialised, writable memory at the top of the main stack that lives as
    // long as the process. Only std's copy of argv points there, and it was read (command line
    // parsing) before any title is set; the area keeps its length and its final NUL.
    unsafe {
        let p = start as *mut u8;
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, n);
        std::ptr::write_bytes(p.add(n), 0, len - n);
    }
}

/// `(arg_start, arg_end)`, read once per process image: a forked child has its parent's
/// (so the fork server reads it before it forks, and workers retitle per task without a read).
pub fn arg_area() -> Option<(usize, usize)> {
    static AREA: std::sync::OnceLock<Option<(usize, usize)>> = std::sync::OnceLock::new();
    *AREA.get_or_init(read_arg_area)
}

/// `(arg_start, arg_end)` from /proc/self/stat (fields 48 and 49).
fn read_arg_area() -> Option<(usize, usize)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may contain spaces and parentheses: count after the last ')'.
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // fields[0] is field 3.
    let start = fields.get(48 - 3)?.parse().ok()?;
    let end = fields.get(49 - 3)?.parse().ok()?;
    (start != 0 && end > start).then_some((start, end))
}
