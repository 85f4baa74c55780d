//! What a WebSocket app-server asks of a client at the upgrade: nothing, a
//! capability token, or a signed JWT. Secrets here print as `<redacted>`.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use data_encoding::BASE64URL_NOPAD;
use hmac::{KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

/// What the client shows the app-server when it connects.
#[derive(Clone, Default)]
pub(crate) enum Credentials {
    /// Nothing (a Unix socket, or a `ws://` app-server without `--ws-auth`).
    #[default]
    None,
    /// `--ws-auth capability-token`: the token, sent as `Authorization: Bearer`.
    Bearer(Arc<str>),
    /// `--ws-auth signed-bearer-token`: a fresh JWT for every connection.
    Jwt(JwtSigner),
}

impl Credentials {
    /// The bearer token for a connection made now, if any.
    pub fn bearer(&self) -> Option<String> {
        match self {
            Credentials::None => None,
            Credentials::Bearer(token) => Some(token.to_string()),
            Credentials::Jwt(signer) => Some(signer.sign()),
        }
    }

    /// Whether any credentials are set.
    pub fn is_some(&self) -> bool {
        !matches!(self, Credentials::None)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Credentials::Jwt(signer) => f.debug_tuple("Jwt").field(signer).finish(),
        }
    }
}

/// Signs the HS256 JWTs that an app-server started with `--ws-auth
/// signed-bearer-token` accepts: issuer (`iss`), audience (`aud`), issue
/// time (`iat`) and expiry (`exp`), signed with the shared secret of its
/// `--ws-shared-secret-file`.
///
/// A token is signed for each connection as it is made, valid for
/// [`lifetime`](Self::lifetime) from then, so a reconnect never sends an
/// expired one. The secret never appears in `Debug` output:
///
/// ```
/// use std::time::Duration;
/// use openai_codex::JwtSigner;
///
/// let signer = JwtSigner::new("a shared secret", "my-program", "codex-app-server")
///     .lifetime(Duration::from_secs(60));
/// assert!(!format!("{signer:?}").contains("shared secret"));
/// ```
#[derive(Clone)]
pub struct JwtSigner {
    secret: Arc<[u8]>,
    issuer: String,
    audience: String,
    lifetime: Duration,
}

/// How long a token is valid unless [`JwtSigner::lifetime`] says otherwise.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(5 * 60);

impl JwtSigner {
    /// A signer with this shared secret, issuer and audience (the
    /// app-server's `--ws-issuer` and `--ws-audience`); tokens live five
    /// minutes unless [`lifetime`](Self::lifetime) says otherwise. The
    /// secret is used as given; [`from_secret_file`](Self::from_secret_file)
    /// reads it as the app-server does. (The app-server refuses to start
    /// with a secret shorter than 32 bytes.)
    pub fn new(secret: impl AsRef<[u8]>, issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            secret: Arc::from(secret.as_ref()),
            issuer: issuer.into(),
            audience: audience.into(),
            lifetime: DEFAULT_LIFETIME,
        }
    }

    /// A signer whose secret is the content of `path` without surrounding
    /// whitespace: the same file, read the same way, as the app-server's
    /// `--ws-shared-secret-file`.
    pub fn from_secret_file(path: impl AsRef<Path>, issuer: impl Into<String>, audience: impl Into<String>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|error| Error::InvalidArgument {
            argument: "JWT secret file".to_owned(),
            reason: format!("could not read {}: {error}", path.display()),
        })?;
        Ok(Self::new(bytes.trim_ascii(), issuer, audience))
    }

    /// How long each token is valid (default five minutes). Keep it short:
    /// a token is only checked at the upgrade, so it needs to outlive the
    /// handshake, not the connection.
    #[must_use]
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// A token valid from now for the [`lifetime`](Self::lifetime).
    pub fn sign(&self) -> String {
        self.sign_issued_at(SystemTime::now())
    }

    /// A token issued at `issued` and valid for the
    /// [`lifetime`](Self::lifetime) from then (for a clock known to be off,
    /// or to see what an expired token gets).
    pub fn sign_issued_at(&self, issued: SystemTime) -> String {
        self.sign_at(issued.duration_since(UNIX_EPOCH).unwrap_or_default())
    }

    /// A token issued at `now` (time since the Unix epoch).
    fn sign_at(&self, now: Duration) -> String {
        let issued = now.as_secs();
        let expires = issued.saturating_add(self.lifetime.as_secs().max(1));
        let header = serde_json::json!({ "alg": "HS256", "typ": "JWT" });
        let claims = serde_json::json!({
            "iss": self.issuer,
            "aud": self.audience,
            "iat": issued,
            "exp": expires,
        });
        let signing_input = format!(
            "{}.{}",
            BASE64URL_NOPAD.encode(header.to_string().as_bytes()),
            BASE64URL_NOPAD.encode(claims.to_string().as_bytes())
        );
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(signing_input.as_bytes());
        let signature = mac.finalize().into_bytes();
        format!("{signing_input}.{}", BASE64URL_NOPAD.encode(&signature))
    }
}

impl fmt::Debug for JwtSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtSigner")
            .field("secret", &"<redacted>")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The token's parts decode to the header and claims, and its signature
    /// verifies as the HMAC-SHA256 of `header.claims`.
    #[test]
    fn tokens_are_hs256_jwts_with_the_claims_the_runtime_checks() {
        let signer = JwtSigner::new("secret", "me", "codex").lifetime(Duration::from_secs(60));
        let token = signer.sign_at(Duration::from_secs(1_000));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |part: &str| -> serde_json::Value {
            serde_json::from_slice(&BASE64URL_NOPAD.decode(part.as_bytes()).unwrap()).unwrap()
        };
        assert_eq!(decode(parts[0]), serde_json::json!({"alg": "HS256", "typ": "JWT"}));
        assert_eq!(
            decode(parts[1]),
            serde_json::json!({"iss": "me", "aud": "codex", "iat": 1_000, "exp": 1_060})
        );
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&BASE64URL_NOPAD.decode(parts[2].as_bytes()).unwrap())
            .expect("the signature is the HMAC-SHA256 of header.claims");
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231_test_case_2() {
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn secrets_never_print() {
        let signer = JwtSigner::new("s3cr3t-value", "iss", "aud");
        assert!(!format!("{signer:?}").contains("s3cr3t"));
        let bearer = Credentials::Bearer(Arc::from("tok-123456"));
        assert_eq!(format!("{bearer:?}"), "Bearer(<redacted>)");
        assert!(!format!("{:?}", Credentials::Jwt(signer)).contains("s3cr3t"));
    }
}
