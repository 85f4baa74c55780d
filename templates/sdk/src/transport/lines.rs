//! Line-delimited JSON over byte streams: the stdio transport of a spawned
//! app-server, and [`ClientBuilder::connect_io`](crate::ClientBuilder::connect_io).

use tokio::io::{AsyncBufRead, AsyncWrite, AsyncWriteExt};

use super::{FrameSink, FrameSource};
use crate::line_reader::{read_line, Line};
use crate::rpc::MAX_FRAME_BYTES;

/// Reads one message per line (see [`read_line`] for what a line costs).
pub(crate) struct LineSource<R>(pub R);

impl<R: AsyncBufRead + Unpin + Send + 'static> FrameSource for LineSource<R> {
    async fn read_frame(&mut self, frame: &mut Line) -> std::io::Result<bool> {
        read_line(&mut self.0, frame, MAX_FRAME_BYTES).await
    }
}

/// Writes one message per line.
pub(crate) struct LineSink<W>(pub W);

impl<W: AsyncWrite + Unpin + Send + 'static> FrameSink for LineSink<W> {
    async fn write_frame(&mut self, mut frame: String) -> std::io::Result<()> {
        frame.push('\n');
        self.0.write_all(frame.as_bytes()).await?;
        self.0.flush().await
    }

    async fn close(&mut self) {
        let _ = self.0.shutdown().await;
    }
}
