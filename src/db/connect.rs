//! Opening pooled connections with a client-side bound on the database's silence: a
//! server that stops answering (hung, or a network that is gone without a word) turns
//! into an error on that connection after a set patience, rather than a query that waits
//! for ever. `statement_timeout` cannot do this: it needs the server to be answering.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::str::FromStr;
use std::task::{Context, Poll};
use std::time::Duration;

use diesel::ConnectionError;
use diesel_async::AsyncPgConnection;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream};
use tokio::time::Sleep;
use tokio_postgres::config::Host;

/// Opens a connection to `url` whose socket fails once the server has owed an answer
/// for `patience` without sending a byte.
pub async fn open(url: &str, patience: Duration) -> Result<AsyncPgConnection, ConnectionError> {
    let config = tokio_postgres::Config::from_str(url)
        .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
    let socket = reach(&config).await?;
    let (client, connection) = config
        .connect_raw(Watched::new(socket, patience), tokio_postgres::NoTls)
        .await
        .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!("database connection ended: {e}");
        }
    });
    AsyncPgConnection::try_from(client).await
}

/// The first of the configured hosts that takes the connection.
async fn reach(config: &tokio_postgres::Config) -> Result<Socket, ConnectionError> {
    let ports = config.get_ports();
    let mut last = String::from("no host to connect to");
    for (i, host) in config.get_hosts().iter().enumerate() {
        let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
        let reached = match host {
            Host::Tcp(name) => TcpStream::connect((name.as_str(), port)).await.map(|s| {
                let _ = s.set_nodelay(true);
                Socket::Tcp(s)
            }),
            Host::Unix(dir) => UnixStream::connect(dir.join(format!(".s.PGSQL.{port}")))
                .await
                .map(Socket::Unix),
        };
        match reached {
            Ok(socket) => return Ok(socket),
            Err(e) => last = e.to_string(),
        }
    }
    Err(ConnectionError::BadConnection(last))
}

/// A TCP or unix-domain socket.
enum Socket {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl AsyncRead for Socket {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Socket::Unix(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Socket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Socket::Unix(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_flush(cx),
            Socket::Unix(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Socket::Unix(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// A socket that counts the server's silence from the first byte sent after the last
/// byte received: every request of the protocol is answered, so silence that long with
/// an answer owed means the server or the way to it is gone. An idle connection owes
/// nothing and may stay quiet for ever.
struct Watched<S> {
    inner: S,
    patience: Duration,
    owed: Option<Pin<Box<Sleep>>>,
}

impl<S> Watched<S> {
    fn new(inner: S, patience: Duration) -> Self {
        Watched {
            inner,
            patience,
            owed: None,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.owed = None;
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let silent_too_long = this
                    .owed
                    .as_mut()
                    .is_some_and(|silence| silence.as_mut().poll(cx).is_ready());
                if silent_too_long {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the database did not answer in time",
                    )));
                }
                Poll::Pending
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) && this.owed.is_none() {
            this.owed = Some(Box::pin(tokio::time::sleep(this.patience)));
            // The reading side must poll the new timer to be woken by it.
            cx.waker().wake_by_ref();
        }
        written
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
