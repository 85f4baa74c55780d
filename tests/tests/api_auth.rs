//! Signing in and out with the friendly API against the real pinned runtime:
//! an API-key round trip (inside the temporary `CODEX_HOME`), the ChatGPT
//! browser login handle (its local callback server on 127.0.0.1, cancelled
//! before anything else is contacted), the models, and keys kept out of
//! Debug output.

use std::time::Duration;

use futures::StreamExt;
use openai_codex::methods::ServerNotification;

use openai_codex::types::{Account, AccountLoginCompletedNotification, CancelLoginAccountStatus};
use openai_codex::{ApiKey, ClientBuilder, Codex, Error, LoginOutcome, NotificationStream};
use openai_codex_tests::harness::Harness;

const KEY: &str = "sk-test-0123456789abcdef-not-a-real-key";
const WAIT: Duration = Duration::from_secs(20);

/// The runtime reports an account only when the model provider needs
/// OpenAI auth; the mock's provider does not by default.
fn client_builder(harness: &Harness) -> ClientBuilder {
    harness.client_builder().config("model_providers.mock.requires_openai_auth", "true")
}

async fn codex(harness: &Harness) -> Codex {
    Codex::from_client(client_builder(harness).spawn().await.expect("the runtime starts"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_login_account_logout_round_trip() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;

    let before = codex.account().await.expect("account/read");
    assert_eq!(before.account, None, "a fresh CODEX_HOME is signed out");

    codex.login_api_key(KEY).await.expect("login with an API key");
    let signed_in = codex.account().await.expect("account/read");
    assert_eq!(signed_in.account, Some(Account::ApiKey), "{signed_in:?}");
    // The runtime stored the key in the temporary home, not anywhere else.
    let auth_json = harness.home.path().join("auth.json");
    let stored = std::fs::read_to_string(&auth_json).expect("auth.json in the temporary CODEX_HOME");
    assert!(stored.contains(KEY), "auth.json holds the key");
    let debug = format!("{codex:?} {signed_in:?}");
    assert!(!debug.contains(KEY), "{debug}");

    codex.logout().await.expect("logout");
    let after = codex.account().await.expect("account/read");
    assert_eq!(after.account, None, "{after:?}");
    assert!(!auth_json.exists(), "logout removes auth.json");

    codex.close().await;
}

#[test]
fn the_blocking_api_key_round_trip() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let harness = runtime.block_on(Harness::start());
    let client = runtime.block_on(client_builder(&harness).spawn()).expect("the runtime starts");
    let codex = openai_codex::blocking::Codex::from_async(Codex::from_client(client), runtime);

    codex.login_api_key(ApiKey::new(KEY)).expect("login");
    assert_eq!(codex.account().expect("account/read").account, Some(Account::ApiKey));
    codex.logout().expect("logout");
    assert_eq!(codex.account().expect("account/read").account, None);
    codex.close();
}

#[test]
fn api_keys_stay_out_of_debug_output() {
    let key = ApiKey::new(KEY);
    let debug = format!("{key:?} {:?}", Some(&key));
    assert!(!debug.contains(KEY), "{debug}");
    assert!(!debug.contains("sk-test"), "{debug}");
    assert_eq!(key.expose_secret(), KEY);
}

/// Waits on a separate subscription until `account/login/completed` for
/// `login_id` has been delivered, and returns it.
async fn completion_seen(events: &mut NotificationStream, login_id: &str) -> AccountLoginCompletedNotification {
    let seen = async {
        while let Some(event) = events.next().await {
            if let Ok(ServerNotification::AccountLoginCompleted(done)) = event {
                if done.login_id.as_deref() == Some(login_id) {
                    return done;
                }
            }
        }
        panic!("the notifications ended before the login completed");
    };
    tokio::time::timeout(WAIT, seen).await.expect("account/login/completed in time")
}

/// One test drives every ChatGPT browser login: the runtime's callback
/// server listens on a fixed local port (1455), so these must not run in
/// parallel. Nothing but 127.0.0.1 is contacted: the auth URL is only read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chatgpt_login_handle_cancel_completion_before_wait_and_drop() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let mut watch = codex.client().notifications();

    let mut login = codex.login_chatgpt().await.expect("login/start chatgpt");
    assert!(!login.login_id().is_empty());
    assert!(login.auth_url().starts_with("https://"), "{}", login.auth_url());
    assert!(login.auth_url().contains("redirect_uri=http%3A%2F%2F127.0.0.1"), "{}", login.auth_url());

    // Nothing completes by itself: a short wait is a typed timeout, and the
    // login goes on.
    match login.wait(Some(Duration::from_millis(300))).await {
        Err(Error::Timeout { method, after, .. }) => {
            assert_eq!(method, "account/login/completed");
            assert_eq!(after, Duration::from_millis(300));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }

    assert_eq!(login.cancel().await.expect("login/cancel"), CancelLoginAccountStatus::Canceled);
    // The runtime reports the cancelled login as completed without success;
    // that completion is delivered before `wait` is called, and not lost.
    let done = completion_seen(&mut watch, login.login_id()).await;
    assert!(!done.success, "{done:?}");
    let outcome = login.wait(Some(WAIT)).await.expect("the completion that came before wait");
    let LoginOutcome::Failed { error } = &outcome else { panic!("{outcome:?}") };
    assert_eq!(error, &done.error);
    assert_eq!(login.wait(None).await.unwrap(), outcome, "the outcome is kept");
    assert_eq!(login.cancel().await.unwrap(), CancelLoginAccountStatus::NotFound);

    // Dropping an unfinished handle cancels its login.
    let dropped = codex.login_chatgpt().await.expect("a second login/start");
    let dropped_id = dropped.login_id().to_owned();
    assert_ne!(dropped_id, login.login_id());
    drop(dropped);
    let done = completion_seen(&mut watch, &dropped_id).await;
    assert!(!done.success, "{done:?}");

    assert_eq!(codex.account().await.unwrap().account, None);
    codex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_lists_the_runtime_models() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let models = codex.models().await.expect("model/list");
    assert!(!models.is_empty());
    let first_page = codex.client().model_list(Default::default()).await.unwrap();
    assert!(models.len() >= first_page.data.len());
    assert_eq!(models[0].id, first_page.data[0].id);
    codex.close().await;
}
