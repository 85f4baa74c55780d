//! Where a running app-server listens: parsed from the URLs that
//! `codex app-server --listen` takes.

use std::fmt;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// A running app-server's address.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `ws://host:port/path` (WebSocket over TCP).
    Tcp {
        /// A name or an IP address (IPv6 without brackets).
        host: String,
        port: u16,
        /// The request path and query, `/` at least.
        path: String,
    },
    /// `unix://PATH` (WebSocket over a Unix socket).
    Unix(PathBuf),
}

impl Endpoint {
    /// Parses `ws://HOST[:PORT][/PATH]` or `unix://PATH`.
    pub fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        let invalid = |reason: String| Error::InvalidArgument { argument: "app-server URL".to_owned(), reason };
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(invalid(format!(
                "`{}` is not a URL; expected `ws://HOST:PORT` or `unix://PATH`",
                shown(url)
            )));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "ws" => Self::parse_tcp(rest).map_err(|reason| invalid(format!("`{}`: {reason}", shown(url)))),
            "unix" if rest.is_empty() => Err(invalid(
                "`unix://` needs a socket path (`unix:///path/to/socket`); for the local daemon's socket use `connect_daemon()`"
                    .to_owned(),
            )),
            "unix" => Ok(Self::Unix(PathBuf::from(rest))),
            "wss" => Err(invalid(
                "`wss://` is not supported; reach a remote app-server through an SSH tunnel to its loopback `ws://` port"
                    .to_owned(),
            )),
            other => Err(invalid(format!("unsupported scheme `{other}://`; expected `ws://` or `unix://`"))),
        }
    }

    fn parse_tcp(rest: &str) -> std::result::Result<Self, String> {
        let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        if authority.contains('@') {
            // Never echo what precedes the `@`: it may be a password.
            return Err("credentials in the URL are not supported; use `bearer_token` or `jwt_signer`".to_owned());
        }
        let path = path.split('#').next().unwrap_or_default();
        let path = if path.is_empty() {
            "/".to_owned()
        } else if path.starts_with('?') {
            format!("/{path}")
        } else {
            path.to_owned()
        };
        let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
            let (host, after) = bracketed.split_once(']').ok_or("an IPv6 address lacks its closing `]`")?;
            (host, after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err("the host is missing".to_owned());
        }
        let port = match port {
            None | Some("") => 80,
            Some(port) => port.parse::<u16>().map_err(|_| format!("`{port}` is not a port number"))?,
        };
        Ok(Self::Tcp { host: host.to_owned(), port, path })
    }

    /// The path (and query) of the WebSocket upgrade request.
    pub fn request_path(&self) -> &str {
        match self {
            Endpoint::Tcp { path, .. } => path,
            Endpoint::Unix(_) => "/",
        }
    }

    /// The `Host` of the upgrade request (the runtime does not look at it
    /// on a Unix socket).
    pub fn authority(&self) -> String {
        match self {
            Endpoint::Tcp { host, port, .. } if host.contains(':') => format!("[{host}]:{port}"),
            Endpoint::Tcp { host, port, .. } => format!("{host}:{port}"),
            Endpoint::Unix(_) => "localhost".to_owned(),
        }
    }
}

/// How an endpoint is named in errors and logs: no query (it could carry
/// a token), and no lone `/` path (as the runtime prints its address).
impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Tcp { path, .. } => {
                let path = path.split('?').next().unwrap_or_default();
                let path = if path == "/" { "" } else { path };
                write!(f, "ws://{}{path}", self.authority())
            }
            Endpoint::Unix(path) => write!(f, "unix://{}", path.display()),
        }
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A user's URL as quoted in an error: without anything that looks like
/// credentials or a query.
fn shown(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or_default();
    match url.split_once("://") {
        Some((scheme, rest)) if rest.split('/').next().is_some_and(|authority| authority.contains('@')) => {
            let after = rest.split_once('@').map(|(_, after)| after).unwrap_or_default();
            format!("{scheme}://<credentials>@{after}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(host: &str, port: u16, path: &str) -> Endpoint {
        Endpoint::Tcp { host: host.to_owned(), port, path: path.to_owned() }
    }

    #[test]
    fn parses_the_listen_urls_of_the_runtime() {
        assert_eq!(Endpoint::parse("ws://127.0.0.1:4500").unwrap(), tcp("127.0.0.1", 4500, "/"));
        assert_eq!(Endpoint::parse("WS://host").unwrap(), tcp("host", 80, "/"));
        assert_eq!(Endpoint::parse("ws://[::1]:9/x?y=1#z").unwrap(), tcp("::1", 9, "/x?y=1"));
        assert_eq!(Endpoint::parse("ws://h:1?q").unwrap(), tcp("h", 1, "/?q"));
        assert_eq!(Endpoint::parse("unix:///run/codex.sock").unwrap(), Endpoint::Unix("/run/codex.sock".into()));
        assert_eq!(Endpoint::parse("ws://[::1]:9").unwrap().authority(), "[::1]:9");
    }

    #[test]
    fn refuses_what_it_cannot_use_and_says_why() {
        let reason = |url: &str| Endpoint::parse(url).unwrap_err().to_string();
        assert!(reason("wss://h:1").contains("SSH tunnel"), "{}", reason("wss://h:1"));
        assert!(reason("unix://").contains("connect_daemon"));
        assert!(reason("http://h").contains("unsupported scheme"));
        assert!(reason("localhost:4500").contains("not a URL"));
        assert!(reason("ws://h:port").contains("not a port"));
        assert!(reason("ws://:1").contains("host is missing"));
        let with_password = reason("ws://user:hunter2@h:1");
        assert!(with_password.contains("credentials"), "{with_password}");
        assert!(!with_password.contains("hunter2"), "{with_password}");
    }

    #[test]
    fn the_shown_name_has_no_query() {
        assert_eq!(Endpoint::parse("ws://h:1/p?token=secret").unwrap().to_string(), "ws://h:1/p");
        assert_eq!(Endpoint::parse("ws://h:1/?token=secret").unwrap().to_string(), "ws://h:1");
        assert_eq!(shown("ws://u:p@h/x?t=1"), "ws://<credentials>@h/x");
    }
}
