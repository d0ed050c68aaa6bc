//! Frames between the top-level process and its workers, over the worker's stdin and stdout
//! pipes: a 4-byte big-endian length, then a kind byte and its payload. Output chunks travel as
//! raw bytes (no re-encoding of a host's output); tasks and results as JSON. A task frame holds
//! the plan with its secrets: it goes only through this private pipe, never argv or environment.

use super::{Finished, Stream, Task};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest frame accepted (a corrupt length must not allocate gigabytes).
const MAX_FRAME: usize = 64 << 20;

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct TaskFrame {
    pub task: Task,
    pub command_timeout: Option<Duration>,
    pub persist: Duration,
}

#[derive(Debug)]
pub enum Frame {
    /// top → worker.
    Task(Box<TaskFrame>),
    /// worker → top.
    Output {
        task: usize,
        stream: Stream,
        bytes: Vec<u8>,
    },
    /// worker → top.
    Done { task: usize, result: Finished },
    /// worker → top, once: started and reading tasks.
    Ready,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct DoneBody {
    task: usize,
    result: Finished,
}

fn encode(frame: &Frame) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    match frame {
        Frame::Task(t) => {
            body.push(b'T');
            serde_json::to_writer(&mut body, t)?;
        }
        Frame::Output {
            task,
            stream,
            bytes,
        } => {
            body.push(b'O');
            body.extend_from_slice(&(*task as u64).to_be_bytes());
            body.push(match stream {
                Stream::Stdout => 1,
                Stream::Stderr => 2,
            });
            body.extend_from_slice(bytes);
        }
        Frame::Done { task, result } => {
            body.push(b'D');
            serde_json::to_writer(
                &mut body,
                &DoneBody {
                    task: *task,
                    result: result.clone(),
                },
            )?;
        }
        Frame::Ready => body.push(b'R'),
    }
    Ok(body)
}

fn decode(body: &[u8]) -> std::io::Result<Frame> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    let (kind, rest) = body.split_first().ok_or_else(|| bad("empty frame"))?;
    match kind {
        b'T' => Ok(Frame::Task(Box::new(serde_json::from_slice(rest)?))),
        b'D' => {
            let d: DoneBody = serde_json::from_slice(rest)?;
            Ok(Frame::Done {
                task: d.task,
                result: d.result,
            })
        }
        b'O' if rest.len() >= 9 => {
            let mut n = [0u8; 8];
            n.copy_from_slice(&rest[..8]);
            let stream = match rest[8] {
                1 => Stream::Stdout,
                2 => Stream::Stderr,
                _ => return Err(bad("unknown stream")),
            };
            Ok(Frame::Output {
                task: usize::try_from(u64::from_be_bytes(n)).map_err(|_| bad("task index"))?,
                stream,
                bytes: rest[9..].to_vec(),
            })
        }
        b'R' if rest.is_empty() => Ok(Frame::Ready),
        _ => Err(bad("unknown frame kind")),
    }
}

/// Writes one frame and flushes.
pub async fn write<W: AsyncWrite + Unpin>(w: &mut W, frame: &Frame) -> std::io::Result<()> {
    write_body(w, &encode(frame)?).await
}

/// Writes a length-prefixed body and flushes.
async fn write_body<W: AsyncWrite + Unpin>(w: &mut W, body: &[u8]) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(4 + body.len());
    push_body(&mut out, body)?;
    write_all(w, &out).await
}

/// Appends `body` to `out` as a length-prefixed frame.
fn push_body(out: &mut Vec<u8>, body: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(body.len()).map_err(|_| std::io::Error::other("frame too large"))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    Ok(())
}

/// Writes frames already encoded (see [`push_json`]) and flushes: several frames in one write
/// reach the reader in one wakeup.
pub async fn write_all<W: AsyncWrite + Unpin>(w: &mut W, frames: &[u8]) -> std::io::Result<()> {
    w.write_all(frames).await?;
    w.flush().await
}

/// Reads one frame's body; `None` at a clean end of stream.
async fn read_body<R: AsyncRead + Unpin>(r: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "frame too large",
        ));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).await?;
    Ok(Some(body))
}

/// Reads one frame; `None` at a clean end of stream.
pub async fn read<R: AsyncRead + Unpin>(r: &mut R) -> std::io::Result<Option<Frame>> {
    match read_body(r).await? {
        Some(body) => decode(&body).map(Some),
        None => Ok(None),
    }
}

/// Writes one JSON message as a frame (kind `J`).
pub async fn write_json<W: AsyncWrite + Unpin, T: serde::Serialize>(
    w: &mut W,
    msg: &T,
) -> std::io::Result<()> {
    let mut out = Vec::new();
    push_json(&mut out, msg)?;
    write_all(w, &out).await
}

/// Appends one JSON message to `out` as a frame (kind `J`), for [`write_all`].
pub fn push_json<T: serde::Serialize>(out: &mut Vec<u8>, msg: &T) -> std::io::Result<()> {
    let mut body = vec![b'J'];
    serde_json::to_writer(&mut body, msg)?;
    push_body(out, &body)
}

/// Reads one JSON message frame; `None` at a clean end of stream.
pub async fn read_json<R: AsyncRead + Unpin, T: serde::de::DeserializeOwned>(
    r: &mut R,
) -> std::io::Result<Option<T>> {
    let Some(body) = read_body(r).await? else {
        return Ok(None);
    };
    match body.split_first() {
        Some((b'J', json)) => Ok(Some(serde_json::from_slice(json)?)),
        _ => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not a JSON frame",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workers::Status;

    #[tokio::test]
    async fn frames_round_trip_with_raw_bytes() {
        let (mut a, mut b) = tokio::io::duplex(1 << 16);
        let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        let result = Finished {
            status: Status::Unreachable,
            rc: None,
            hop: Some(1),
            error: Some("hop 1 (ssh on db): refused".into()),
            duration: Duration::from_millis(12),
        };
        let writer = tokio::spawn(async move {
            write(&mut a, &Frame::Ready).await.unwrap();
            write(
                &mut a,
                &Frame::Output {
                    task: 7,
                    stream: Stream::Stderr,
                    bytes,
                },
            )
            .await
            .unwrap();
            write(&mut a, &Frame::Done { task: 7, result })
                .await
                .unwrap();
        });
        assert!(matches!(read(&mut b).await.unwrap(), Some(Frame::Ready)));
        match read(&mut b).await.unwrap() {
            Some(Frame::Output {
                task: 7,
                stream: Stream::Stderr,
                bytes,
            }) => assert_eq!(bytes.len(), 70_000),
            other => panic!("{other:?}"),
        }
        match read(&mut b).await.unwrap() {
            Some(Frame::Done { task: 7, result }) => {
                assert_eq!(result.hop, Some(1));
                assert_eq!(result.status, Status::Unreachable);
            }
            other => panic!("{other:?}"),
        }
        writer.await.unwrap();
        assert!(read(&mut b).await.unwrap().is_none());
    }
}
