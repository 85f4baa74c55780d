//! Reading newline-delimited bytes with a cap on what one line may hold.
//!
//! Both of the app-server's output pipes are read as bytes, not text: a byte
//! that is not UTF-8 must cost its line only, never the whole pipe. And a
//! line is capped, so a peer that writes without ever ending a line cannot
//! make the client hold unbounded memory: the rest of an over-long line is
//! read and thrown away.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// One line as read: its bytes (at most the cap, without the newline) and
/// whether more were thrown away.
#[derive(Debug, Default)]
pub(crate) struct Line {
    /// The kept bytes, without the line ending (`\n` or `\r\n`).
    pub bytes: Vec<u8>,
    /// How many bytes past the cap were dropped (0 for a whole line).
    pub dropped: usize,
}

impl Line {
    /// Whether the line was cut at the cap.
    pub fn is_cut(&self) -> bool {
        self.dropped > 0
    }
}

/// Reads the next line into `line` (cleared first), keeping at most `cap`
/// bytes. Returns `false` at end of input with nothing read. A last line
/// without a newline still counts as a line.
pub(crate) async fn read_line<R: AsyncBufRead + Unpin>(reader: &mut R, line: &mut Line, cap: usize) -> std::io::Result<bool> {
    line.bytes.clear();
    line.dropped = 0;
    let mut read_any = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            break;
        }
        read_any = true;
        let (chunk, ends_line) = match available.iter().position(|&byte| byte == b'\n') {
            Some(newline) => (&available[..newline], true),
            None => (available, false),
        };
        let room = cap.saturating_sub(line.bytes.len());
        let kept = chunk.len().min(room);
        line.bytes.extend_from_slice(&chunk[..kept]);
        line.dropped += chunk.len() - kept;
        let consumed = chunk.len() + usize::from(ends_line);
        reader.consume(consumed);
        if ends_line {
            break;
        }
    }
    if line.bytes.last() == Some(&b'\r') && !line.is_cut() {
        line.bytes.pop();
    }
    Ok(read_any)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(input: &[u8], cap: usize) -> Vec<(Vec<u8>, usize)> {
        // A tiny buffer, so lines span many reads.
        let mut reader = tokio::io::BufReader::with_capacity(3, input);
        let mut line = Line::default();
        let mut out = Vec::new();
        while read_line(&mut reader, &mut line, cap).await.unwrap() {
            out.push((line.bytes.clone(), line.dropped));
        }
        out
    }

    #[tokio::test]
    async fn splits_lines_and_strips_endings() {
        let got = lines(b"one\r\ntwo\n\nlast", 100).await;
        assert_eq!(
            got,
            vec![(b"one".to_vec(), 0), (b"two".to_vec(), 0), (Vec::new(), 0), (b"last".to_vec(), 0)]
        );
    }

    #[tokio::test]
    async fn caps_long_lines_and_goes_on() {
        let got = lines(b"abcdefghij\nok\n", 4).await;
        assert_eq!(got, vec![(b"abcd".to_vec(), 6), (b"ok".to_vec(), 0)]);
    }

    #[tokio::test]
    async fn keeps_bytes_that_are_not_utf8() {
        let got = lines(b"a\xffb\nc\n", 100).await;
        assert_eq!(got, vec![(b"a\xffb".to_vec(), 0), (b"c".to_vec(), 0)]);
    }
}
