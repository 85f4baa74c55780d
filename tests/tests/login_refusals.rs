//! An empty or all-whitespace API key is refused before anything is sent
//! (the runtime would replace the stored key with it), async and blocking.

mod fake_app_server;

use fake_app_server::{connect, connect_blocking};
use openai_codex::{ApiKey, Error};

fn assert_refused(result: openai_codex::Result<()>) {
    let error = result.expect_err("an empty key is refused");
    let Error::InvalidArgument { argument, reason } = &error else { panic!("expected InvalidArgument, got {error:?}") };
    assert_eq!(argument, "API key");
    assert!(reason.contains("empty") || reason.contains("whitespace"), "{reason}");
    assert!(error.to_string().starts_with("invalid API key: "), "{error}");
}

#[tokio::test]
async fn an_empty_or_blank_key_sends_nothing() {
    let (codex, wire) = connect().await;
    wire.clear();
    for key in ["", " ", "\t\n  "] {
        assert_refused(codex.login_api_key(key).await);
    }
    assert_refused(codex.login_api_key(ApiKey::new(String::new())).await);
    assert!(wire.methods().is_empty(), "nothing was sent: {:?}", wire.methods());

    // A real key is sent (the fake does not know the method, so it fails there).
    let sent = codex.login_api_key("sk-not-a-real-key").await;
    assert!(matches!(sent, Err(Error::JsonRpc { ref method, .. }) if method == "account/login/start"), "{sent:?}");
    assert_eq!(wire.methods(), ["account/login/start"]);
    codex.close().await;
}

#[test]
fn the_blocking_login_refuses_a_blank_key_too() {
    let (codex, wire) = connect_blocking();
    wire.clear();
    assert_refused(codex.login_api_key("   "));
    assert!(wire.methods().is_empty(), "nothing was sent: {:?}", wire.methods());
}
