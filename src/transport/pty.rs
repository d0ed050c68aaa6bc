//! A pseudo-terminal for local children: su and doas read passwords only from a terminal, and
//! `-t` gives the command one. The master side is a non-blocking tokio `AsyncRead`/`AsyncWrite`.

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A new pty pair: (master, slave), with the window size of our own terminal when there is
/// one (stdin, else stdout).
pub fn open() -> io::Result<(OwnedFd, OwnedFd)> {
    let size = [0, 1].into_iter().find_map(window_size);
    let r = nix::pty::openpty(size.as_ref(), None).map_err(io::Error::from)?;
    Ok((r.master, r.slave))
}

/// Gives the pty our terminal's current window size (after SIGWINCH).
pub fn copy_window_size(master: &impl AsRawFd) {
    if let Some(ws) = [0, 1].into_iter().find_map(window_size) {
        // SAFETY: TIOCSWINSZ reads one `winsize` from the valid `ws`.
        unsafe {
            nix::libc::ioctl(master.as_raw_fd(), nix::libc::TIOCSWINSZ, &ws);
        }
    }
}

fn window_size(fd: i32) -> Option<nix::pty::Winsize> {
    let mut ws = nix::pty::Winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` into the valid, exclusively borrowed `ws`.
    let r = unsafe { nix::libc::ioctl(fd, nix::libc::TIOCGWINSZ, &mut ws) };
    (r == 0 && ws.ws_row > 0 && ws.ws_col > 0).then_some(ws)
}

/// Makes the pty as transparent as a line-mode terminal can be, after the password prompts and
/// before our stdin is forwarded: no echo, no signal, flow-control, CR/NL translation or
/// line-editing characters. Canonical mode stays so `^D` can still end the input; lines are
/// limited to the terminal's 4095 bytes. Works on the master side.
pub fn quiet(master: &impl AsFd) -> io::Result<()> {
    use nix::sys::termios::{InputFlags, SpecialCharacterIndices as C};
    let mut t = tcgetattr(master).map_err(io::Error::from)?;
    t.local_flags.remove(
        LocalFlags::ECHO
            | LocalFlags::ECHONL
            | LocalFlags::ECHOE
            | LocalFlags::ECHOK
            | LocalFlags::ISIG
            | LocalFlags::IEXTEN,
    );
    t.input_flags.remove(
        InputFlags::ICRNL
            | InputFlags::INLCR
            | InputFlags::IGNCR
            | InputFlags::IXON
            | InputFlags::IXOFF
            | InputFlags::ISTRIP,
    );
    for c in [C::VERASE, C::VKILL, C::VWERASE, C::VREPRINT, C::VLNEXT] {
        // 0 is _POSIX_VDISABLE on Linux: the character has no special meaning.
        t.control_chars[c as usize] = 0;
    }
    tcsetattr(master, SetArg::TCSANOW, &t).map_err(io::Error::from)
}

/// The master side as async I/O.
pub struct PtyMaster {
    fd: AsyncFd<OwnedFd>,
}

impl PtyMaster {
    pub fn new(master: OwnedFd) -> io::Result<PtyMaster> {
        let flags = fcntl(&master, FcntlArg::F_GETFL).map_err(io::Error::from)?;
        let flags = OFlag::from_bits_truncate(flags) | OFlag::O_NONBLOCK;
        fcntl(&master, FcntlArg::F_SETFL(flags)).map_err(io::Error::from)?;
        // SAFETY: `master` is an owned, valid fd that nothing else closes or replaces while
        // the AsyncFd owns it.
        let fd = unsafe { AsyncFd::register(master)? };
        Ok(PtyMaster { fd })
    }
}

impl AsyncRead for PtyMaster {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let mut guard = ready!(self.fd.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            match guard
                .try_io(|fd| nix::unistd::read(fd.get_ref(), unfilled).map_err(io::Error::from))
            {
                Ok(Ok(n)) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                // EIO: every slave fd is closed — end of file for a pty.
                Ok(Err(e)) if e.raw_os_error() == Some(nix::libc::EIO) => {
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }
}

impl AsyncWrite for PtyMaster {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            let mut guard = ready!(self.fd.poll_write_ready(cx))?;
            match guard.try_io(|fd| nix::unistd::write(fd.get_ref(), data).map_err(io::Error::from))
            {
                Ok(r) => return Poll::Ready(r),
                Err(_would_block) => continue,
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsRawFd for PtyMaster {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.fd.get_ref().as_raw_fd()
    }
}
