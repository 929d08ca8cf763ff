//! The protocol over standard input and output: `Content-Length` framed JSON-RPC messages.
//! Unlike lsp-server's own transport, a message that cannot be read (a bad header, a body
//! that is not JSON-RPC) is said on stderr and skipped, and the server goes on; only the end
//! of the input ends it. Nothing else may write to stdout.

use std::io::{BufRead, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, Message};

/// The largest message read: larger ones are skipped (a note is at most 64 MiB).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// The threads reading stdin and writing stdout.
pub struct IoThreads {
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl IoThreads {
    /// Waits for the writer to send everything (the reader is left: it may be blocked on an
    /// input the editor keeps open).
    pub fn join(self) {
        drop(self.reader);
        let _ = self.writer.join();
    }
}

/// A connection over stdin and stdout.
pub fn stdio() -> std::io::Result<(Connection, IoThreads)> {
    let (to_server, from_client) = crossbeam_channel::unbounded::<Message>();
    let (to_client, from_server) = crossbeam_channel::unbounded::<Message>();
    let reader = std::thread::Builder::new()
        .name("lsp-read".to_string())
        .spawn(move || read_all(&mut std::io::stdin().lock(), &to_server))?;
    let writer = std::thread::Builder::new()
        .name("lsp-write".to_string())
        .spawn(move || write_all(&mut std::io::stdout().lock(), &from_server))?;
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    Ok((connection, IoThreads { reader, writer }))
}

/// Reads messages until the input ends, the server hangs up, or `exit` comes.
pub(crate) fn read_all(input: &mut impl BufRead, to_server: &Sender<Message>) {
    loop {
        let body = match read_frame(input) {
            Ok(Some(body)) => body,
            Ok(None) => return,
            Err(why) => {
                crate::report::notice(format_args!("lsp: a message was skipped: {why}"));
                continue;
            }
        };
        let message = match serde_json::from_slice::<Message>(&body) {
            Ok(message) => message,
            Err(e) => {
                crate::report::notice(format_args!(
                    "lsp: a message that is not JSON-RPC was skipped: {e}"
                ));
                continue;
            }
        };
        let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if to_server.send(message).is_err() || exit {
            return;
        }
    }
}

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
enum BadFrame {
    #[error("its header has no valid Content-Length")]
    NoLength,
    #[error("it is {0} bytes long, more than kith reads")]
    TooLarge(usize),
}

/// One frame's body: `None` at the end of the input.
fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, BadFrame> {
    let mut length = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        if text.is_empty() {
            if length.is_some() {
                break;
            }
            continue;
        }
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let length = length.ok_or(BadFrame::NoLength)?;
    if length > MAX_MESSAGE {
        skip(input, length);
        return Err(BadFrame::TooLarge(length));
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => Ok(Some(body)),
        Err(_) => Ok(None),
    }
}

/// Reads past `length` bytes.
fn skip(input: &mut impl BufRead, length: usize) {
    let _ = std::io::copy(
        &mut std::io::Read::take(input, length as u64),
        &mut std::io::sink(),
    );
}

/// Writes every message the server sends until it hangs up.
fn write_all(output: &mut impl Write, from_server: &Receiver<Message>) {
    for message in from_server {
        if message.write(output).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_frames_are_skipped_and_good_ones_read() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "Content-Length: 5\r\n\r\n{{bad}}X-Nothing: 1\r\n\r\nContent-Length: 7\r\n\r\n\
             {{\"a\":1}}Content-Length: {}\r\nContent-Type: x\r\n\r\n{good}",
            good.len()
        );
        let (tx, rx) = crossbeam_channel::unbounded();
        read_all(&mut input.as_bytes(), &tx);
        let read: Vec<Message> = rx.try_iter().collect();
        assert_eq!(read.len(), 1, "{read:?}");
    }
}
