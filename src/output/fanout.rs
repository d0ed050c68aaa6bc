//! How `exec` on many hosts looks: it consumes the worker model's events and prints
//! `host: line` per stream (line-atomic: a line is written whole, however long, and a last line
//! without newline is printed whole with one added), or `--gather` blocks of hosts with
//! identical output and status under a compact host list, or `--format json` (one object per
//! host per line); `--outdir` files; the summary line; the run's exit status (0 / 2 / 4).

use super::fanout_hosts;
use crate::workers::{Event, Finished, Status, Stream};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `host: line`, as it comes.
    Prefix,
    /// Identical results folded, printed at the end.
    Gather,
    /// One JSON object per host per line, as each host finishes.
    Json,
}

/// One host's collected result.
#[derive(Debug, Clone, Default)]
struct Host {
    name: String,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// Partial lines waiting for their newline (prefix mode).
    pending: [Vec<u8>; 2],
    result: Option<Finished>,
}

/// Collects events and prints them.
pub struct Printer<O: Write, E: Write> {
    mode: Mode,
    outdir: Option<PathBuf>,
    hosts: Vec<Host>,
    out: O,
    err: E,
    /// Problems writing `--outdir` files (reported at the end, exit status 1 if any).
    pub outdir_errors: Vec<String>,
}

impl<O: Write, E: Write> Printer<O, E> {
    pub fn new(mode: Mode, outdir: Option<PathBuf>, names: Vec<String>, out: O, err: E) -> Self {
        Printer {
            mode,
            outdir,
            hosts: names
                .into_iter()
                .map(|name| Host {
                    name,
                    ..Host::default()
                })
                .collect(),
            out,
            err,
            outdir_errors: Vec::new(),
        }
    }

    /// Takes one event.
    pub fn event(&mut self, ev: Event) {
        match ev {
            Event::Output {
                task,
                stream,
                bytes,
            } => self.output(task, stream, &bytes),
            Event::Done { task, result } => self.done(task, result),
            Event::Started { .. } => {}
        }
    }

    fn output(&mut self, task: usize, stream: Stream, bytes: &[u8]) {
        let Some(h) = self.hosts.get_mut(task) else {
            return;
        };
        let keep = self.mode != Mode::Prefix || self.outdir.is_some();
        if keep {
            match stream {
                Stream::Stdout => h.stdout.extend_from_slice(bytes),
                Stream::Stderr => h.stderr.extend_from_slice(bytes),
            }
        }
        if self.mode != Mode::Prefix {
            return;
        }
        let slot = stream as usize;
        h.pending[slot].extend_from_slice(bytes);
        if let Some(last_nl) = h.pending[slot].iter().rposition(|b| *b == b'\n') {
            let rest = h.pending[slot].split_off(last_nl + 1);
            let lines = std::mem::replace(&mut h.pending[slot], rest);
            let name = h.name.clone();
            self.write_lines(&name, stream, &lines);
        }
    }

    /// Writes complete lines, each prefixed, each in one write.
    fn write_lines(&mut self, name: &str, stream: Stream, lines: &[u8]) {
        for line in lines.split_inclusive(|b| *b == b'\n') {
            let mut buf = Vec::with_capacity(name.len() + 2 + line.len() + 1);
            buf.extend_from_slice(name.as_bytes());
            buf.extend_from_slice(b": ");
            buf.extend_from_slice(line);
            if !line.ends_with(b"\n") {
                buf.push(b'\n');
            }
            let _ = match stream {
                Stream::Stdout => self.out.write_all(&buf).and_then(|_| self.out.flush()),
                Stream::Stderr => self.err.write_all(&buf).and_then(|_| self.err.flush()),
            };
        }
    }

    fn done(&mut self, task: usize, result: Finished) {
        let Some(h) = self.hosts.get_mut(task) else {
            return;
        };
        let pending = std::mem::take(&mut h.pending);
        let name = h.name.clone();
        if self.mode == Mode::Prefix {
            self.write_lines(&name, Stream::Stdout, &pending[0]);
            self.write_lines(&name, Stream::Stderr, &pending[1]);
            if let Some(e) = &result.error {
                let _ = writeln!(self.err, "{name}: stackctl: {e}");
            }
        }
        let Some(h) = self.hosts.get_mut(task) else {
            return;
        };
        h.result = Some(result);
        if let Some(dir) = &self.outdir
            && let Err(e) = write_files(dir, h)
        {
            self.outdir_errors.push(e);
        }
        if self.mode == Mode::Json {
            let line = json_line(h);
            let _ = self.out.write_all(line.as_bytes());
            let _ = self.out.flush();
        }
        // Only gather needs the output after the host is done.
        if self.mode != Mode::Gather
            && let Some(h) = self.hosts.get_mut(task)
        {
            h.stdout = Vec::new();
            h.stderr = Vec::new();
        }
    }

    /// Hosts that never finished (a worker died, or the run was interrupted) are marked
    /// failed with `reason`.
    pub fn fail_unfinished(&mut self, reason: &str) {
        for task in 0..self.hosts.len() {
            if self.hosts[task].result.is_none() {
                self.done(
                    task,
                    Finished {
                        status: Status::Failed,
                        rc: None,
                        hop: None,
                        error: Some(reason.to_string()),
                        duration: std::time::Duration::ZERO,
                    },
                );
            }
        }
    }

    /// Prints the gather blocks (in gather mode) and the summary; returns the exit status.
    pub fn finish(mut self) -> i32 {
        if self.mode == Mode::Gather {
            self.print_gathered();
        }
        let by = |s: Status| -> Vec<String> {
            self.hosts
                .iter()
                .filter(|h| h.result.as_ref().map(|r| r.status) == Some(s))
                .map(|h| h.name.clone())
                .collect()
        };
        let (ok, failed, unreachable) =
            (by(Status::Ok), by(Status::Failed), by(Status::Unreachable));
        let mut summary = format!("stackctl: {} hosts: {} ok", self.hosts.len(), ok.len());
        if !failed.is_empty() {
            summary += &format!(
                ", {} failed ({})",
                failed.len(),
                fanout_hosts::fold(&failed)
            );
        }
        if !unreachable.is_empty() {
            summary += &format!(
                ", {} unreachable ({})",
                unreachable.len(),
                fanout_hosts::fold(&unreachable)
            );
        }
        let _ = writeln!(self.err, "{summary}");
        for e in &self.outdir_errors {
            let _ = writeln!(self.err, "stackctl: error: {e}");
        }
        if !unreachable.is_empty() {
            4
        } else if !failed.is_empty() {
            2
        } else if !self.outdir_errors.is_empty() {
            1
        } else {
            0
        }
    }

    fn print_gathered(&mut self) {
        type Key<'a> = (Status, Option<i32>, Option<&'a str>, &'a [u8], &'a [u8]);
        let mut blocks: Vec<(Key<'_>, Vec<String>)> = Vec::new();
        for h in &self.hosts {
            let Some(r) = &h.result else { continue };
            let key: Key<'_> = (r.status, r.rc, r.error.as_deref(), &h.stdout, &h.stderr);
            match blocks.iter_mut().find(|(k, _)| *k == key) {
                Some((_, names)) => names.push(h.name.clone()),
                None => blocks.push((key, vec![h.name.clone()])),
            }
        }
        let mut text_out: Vec<u8> = Vec::new();
        let mut text_err: Vec<u8> = Vec::new();
        for ((status, rc, error, stdout, stderr), names) in &blocks {
            let mut head = fanout_hosts::fold(names);
            match (status, rc, error) {
                (Status::Ok, _, _) => {}
                (_, _, Some(e)) => head += &format!(" ({}: {e})", status.as_str()),
                (_, Some(rc), None) => head += &format!(" ({}, rc={rc})", status.as_str()),
                (_, None, None) => head += &format!(" ({})", status.as_str()),
            }
            let rule = "-".repeat(head.chars().count().clamp(15, 79));
            let block = |dst: &mut Vec<u8>, body: &[u8]| {
                dst.extend_from_slice(format!("{rule}\n{head}\n{rule}\n").as_bytes());
                dst.extend_from_slice(body);
                if !body.is_empty() && !body.ends_with(b"\n") {
                    dst.push(b'\n');
                }
            };
            block(&mut text_out, stdout);
            if !stderr.is_empty() {
                block(&mut text_err, stderr);
            }
        }
        let _ = self.out.write_all(&text_out).and_then(|_| self.out.flush());
        let _ = self.err.write_all(&text_err).and_then(|_| self.err.flush());
    }
}

fn json_line(h: &Host) -> String {
    let r = h.result.as_ref();
    let v = serde_json::json!({
        "host": h.name,
        "status": r.map(|r| r.status.as_str()),
        "rc": r.and_then(|r| r.rc),
        "stdout": String::from_utf8_lossy(&h.stdout),
        "stderr": String::from_utf8_lossy(&h.stderr),
        "hop": r.and_then(|r| r.hop),
        "error": r.and_then(|r| r.error.clone()),
        "duration_ms": r.map(|r| r.duration.as_millis() as u64),
    });
    format!("{v}\n")
}

/// `DIR/HOST.out`, `.err`, `.rc` (the command's status; 255 when a hop failed, as `exec` on
/// one host exits; nothing when the command did not end).
fn write_files(dir: &std::path::Path, h: &Host) -> Result<(), String> {
    let safe = h.name.replace('/', "_");
    let write = |ext: &str, bytes: &[u8]| {
        let p = dir.join(format!("{safe}.{ext}"));
        std::fs::write(&p, bytes).map_err(|e| format!("{}: {e}", p.display()))
    };
    write("out", &h.stdout)?;
    write("err", &h.stderr)?;
    let rc = match h.result.as_ref() {
        Some(Finished {
            status: Status::Unreachable,
            ..
        }) => Some(255),
        Some(r) => r.rc,
        None => None,
    };
    match rc {
        Some(rc) => write("rc", format!("{rc}\n").as_bytes()),
        None => Ok(()),
    }
}
