//! The accept loop: one hyper HTTP/1.1 connection per TCP stream, each of which a fault can
//! reset without sending a response.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// How long `stop` lets in-flight requests finish before it aborts their connections.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// Handle a request uses to reset its own TCP connection without a response.
#[derive(Clone)]
pub(crate) struct ConnectionControl {
    reset_requested: Arc<AtomicBool>,
    kill: Arc<Notify>,
}

impl ConnectionControl {
    /// Resets the connection, so the peer gets a TCP reset and no response bytes.
    pub fn reset(&self) {
        self.reset_requested.store(true, Ordering::SeqCst);
        self.kill.notify_one();
    }
}

/// Accepts connections until `shutdown` changes, then stops every connection.
pub(crate) async fn serve(listener: TcpListener, router: Router, shutdown: watch::Receiver<()>) {
    let mut connections = JoinSet::new();
    let mut accept_shutdown = shutdown.clone();

    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(stream, peer, router.clone(), shutdown.clone()));
                }
                Err(error) => {
                    // Usually a per-connection failure (for example, too many open files);
                    // keep serving the others.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = accept_shutdown.changed() => break,
        }
    }

    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::debug!(
            open = connections.len(),
            "aborting connections still open at stop"
        );
    }
    connections.shutdown().await;
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    mut shutdown: watch::Receiver<()>,
) {
    let control = ConnectionControl {
        reset_requested: Arc::new(AtomicBool::new(false)),
        kill: Arc::new(Notify::new()),
    };
    let io = TokioIo::new(ResettableStream {
        inner: stream,
        reset: control.reset_requested.clone(),
    });

    let request_control = control.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(request_control.clone());
        request.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(request)
    });

    let connection = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .serve_connection(io, service);
    tokio::pin!(connection);

    let mut graceful_shutdown_started = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, %peer, "connection ended with an error");
                }
                return;
            }
            _ = control.kill.notified() => {
                // Dropping the connection drops the stream, which resets it (see ResettableStream).
                tracing::debug!(%peer, "resetting connection without a response");
                return;
            }
            _ = shutdown.changed(), if !graceful_shutdown_started => {
                graceful_shutdown_started = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// A TCP stream that closes with RST instead of FIN when a fault asked for a reset.
struct ResettableStream {
    inner: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            // A zero linger time makes close() send RST and discard unsent data.
            let socket = socket2::SockRef::from(&self.inner);
            if let Err(error) = socket.set_linger(Some(Duration::ZERO)) {
                tracing::debug!(%error, "setting zero linger failed; the connection closes with FIN");
            }
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(context, buffer)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(context, buffer)
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(context)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(context)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffers: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(context, buffers)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
