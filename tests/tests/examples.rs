//! Every example of the SDK (`sdk/examples/`) runs against the real pinned
//! runtime and the mock model, so none can rot.
//!
//! The examples are built here first (`cargo build --examples`, a no-op when
//! they are fresh), so a narrower `cargo test` never runs stale binaries.
//! Where an example picks a sandbox, the test checks the disk.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use openai_codex_tests::codex_home::{runtime_bin, SCRUBBED_ENV};
use openai_codex_tests::harness::Harness;
use openai_codex_tests::listen::{ListeningServer, StopDaemon, WsAuth};
use openai_codex_tests::mock_model::{Answer, Matcher, Output};
use openai_codex_tests::scenario::{escalated_write, git_repository, write_command, write_file, OutsideDir};
use serde_json::json;

const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(90);

/// `target/<profile>/examples`, next to this test's own binary.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("examples")
}

/// Every example source of the SDK.
fn example_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk/examples");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Builds the examples once per test process. Cargo does nothing when they
/// are up to date, and rebuilds them when the SDK or an example changed: a
/// narrower `cargo test --test examples` (which does not build examples)
/// never runs a stale binary.
fn ensure_built() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--locked", "--package", "openai-codex", "--examples"])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the SDK examples failed");
        for name in example_names() {
            let binary = examples_dir().join(&name);
            assert!(binary.is_file(), "cargo built no {}", binary.display());
        }
    });
}

/// Runs an example against the harness; returns its stdout.
async fn run_example(name: &str, harness: &Harness) -> String {
    run_example_with_env(name, harness, &[]).await
}

/// Runs an example with extra environment variables.
async fn run_example_with_env(name: &str, harness: &Harness, env: &[(&str, &str)]) -> String {
    ensure_built();
    let mut command = tokio::process::Command::new(examples_dir().join(name));
    command
        .env("CODEX_BIN", runtime_bin())
        .env("CODEX_HOME", harness.home.path())
        .current_dir(harness.cwd())
        .kill_on_drop(true);
    for name in SCRUBBED_ENV {
        command.env_remove(name);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let output = tokio::time::timeout(EXAMPLE_TIMEOUT, command.output())
        .await
        .unwrap_or_else(|_| panic!("example {name} did not finish in {EXAMPLE_TIMEOUT:?}"))
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "example {name} failed ({}):\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn every_example_has_a_test() {
    let tested = [
        "01_quickstart",
        "02_streaming",
        "03_sandbox_presets",
        "04_sticky_turn_sandbox",
        "05_approval_handler",
        "06_interrupt_and_steer",
        "07_threads",
        "08_structured_output",
        "09_login",
        "10_retry_on_overload",
        "11_blocking",
        "12_concurrent_threads",
        "13_tools",
        "14_sandboxed_commands",
        "15_code_review",
        "16_websocket_token",
        "17_websocket_jwt",
        "18_unix_socket",
        "19_daemon",
        "20_app_server_pool",
    ];
    let names = example_names();
    for name in &names {
        assert!(tested.contains(&name.as_str()), "example {name} has no test in tests/tests/examples.rs");
    }
}

/// `fn main() -> openai_codex::Result<()>` prints `Error: {error:?}`: the
/// message, not the variant's fields.
#[tokio::test]
async fn a_failing_example_prints_a_readable_error() {
    ensure_built();
    let output = tokio::process::Command::new(examples_dir().join("01_quickstart"))
        .env("CODEX_BIN", "/nonexistent/codex-typo")
        .kill_on_drop(true)
        .output()
        .await
        .expect("the example runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("Error: no Codex runtime found; looked in: $CODEX_BIN=/nonexistent/codex-typo (no such file"),
        "{stderr}"
    );
    assert!(!stderr.contains("RuntimeNotFound"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quickstart() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::text("Hello from the mock."));
    let out = run_example("01_quickstart", &harness).await;
    assert_eq!(out.trim(), "Hello from the mock.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::text("Once upon a time, a crab wrote Rust."));
    let out = run_example("02_streaming", &harness).await;
    assert_eq!(out.trim(), "Once upon a time, a crab wrote Rust.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_presets() {
    // Each thread's turn asks for a write; the disk shows which sandbox it ran in.
    let harness = Harness::start().await;
    let outside = OutsideDir::new();
    let read_only = harness.cwd().join("read-only.txt");
    let workspace_inside = harness.cwd().join("workspace.txt");
    let workspace_outside = outside.path().join("workspace.txt");
    let full_outside = outside.path().join("full.txt");
    harness.mock.push(write_file("call-ro", &read_only));
    harness.mock.push(Answer::text("read only answer"));
    let both = format!("{}; {}", write_command(&workspace_inside), write_command(&workspace_outside));
    harness.mock.push(Answer::exec_command("call-ws", &both));
    harness.mock.push(Answer::text("workspace answer"));
    harness.mock.push(write_file("call-full", &full_outside));
    harness.mock.push(Answer::text("full access answer"));
    let out = run_example("03_sandbox_presets", &harness).await;
    assert!(out.contains("ReadOnly: read only answer"), "{out}");
    assert!(out.contains("WorkspaceWrite: workspace answer"), "{out}");
    assert!(out.contains("FullAccess: full access answer"), "{out}");
    assert!(!read_only.exists(), "ReadOnly wrote in the working folder");
    assert!(workspace_inside.exists(), "WorkspaceWrite could not write in the working folder");
    assert!(!workspace_outside.exists(), "WorkspaceWrite wrote outside the working folder");
    assert!(full_outside.exists(), "FullAccess could not write outside the working folder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sticky_turn_sandbox() {
    // A workspace-write thread: a read-only turn, a turn without a sandbox
    // (still read-only), a workspace-write turn; each asks for a write.
    let harness = Harness::start().await;
    let files = ["one.txt", "two.txt", "three.txt"].map(|name| harness.cwd().join(name));
    for ((file, call), answer) in files.iter().zip(["call-1", "call-2", "call-3"]).zip(["one", "two", "three"]) {
        harness.mock.push(write_file(call, file));
        harness.mock.push(Answer::text(answer));
    }
    let out = run_example("04_sticky_turn_sandbox", &harness).await;
    assert!(out.contains("read-only turn: one") && out.contains("next turn: two"), "{out}");
    assert!(out.contains("workspace-write turn: three"), "{out}");
    assert!(!files[0].exists(), "the read-only turn wrote");
    assert!(!files[1].exists(), "the turn after the read-only one wrote: the sandbox did not stick");
    assert!(files[2].exists(), "the workspace-write turn could not write");
}

/// The README's approval handler (example 05) runs end to end: the mock
/// model asks for an escalated command, the handler is asked, and what it
/// decides shows on disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approval_handler() {
    // Approved: the command writes outside the read-only sandbox.
    let harness = Harness::start().await;
    let approved = harness.cwd().join("notes.txt");
    harness.mock.push(escalated_write("call-1", &approved));
    harness.mock.push(Answer::text("wrote notes"));
    let out = run_example("05_approval_handler", &harness).await;
    assert!(out.contains("approval asked for") && out.contains(": Accept"), "{out}");
    assert!(out.trim_end().ends_with("wrote notes"), "{out}");
    assert_eq!(std::fs::read_to_string(&approved).ok().as_deref(), Some("written"), "the approved command ran");

    // Declined: the command also deletes, so nothing is written.
    let harness = Harness::start().await;
    let declined = harness.cwd().join("notes.txt");
    let command = format!("{}; rm -f old-notes.txt", write_command(&declined));
    harness.mock.push(Answer::function_call(
        "call-1",
        "exec_command",
        json!({"cmd": command, "sandbox_permissions": "require_escalated", "justification": "tidy up"}),
    ));
    harness.mock.push(Answer::text("could not write"));
    let out = run_example("05_approval_handler", &harness).await;
    assert!(out.contains("approval asked for") && out.contains(": Decline"), "{out}");
    assert!(!declined.exists(), "the declined command ran");
}

/// The README shows example 05 verbatim, so the README's handler is the one
/// the test above runs.
#[test]
fn the_readme_shows_the_approval_example() {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk");
    let readme = std::fs::read_to_string(sdk.join("README.md")).unwrap();
    let example = std::fs::read_to_string(sdk.join("examples/05_approval_handler.rs")).unwrap();
    let body = &example[example.find("use openai_codex::").expect("the example's code")..];
    assert!(readme.contains(body), "sdk/README.md no longer shows examples/05_approval_handler.rs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupt_and_steer() {
    let harness = Harness::start().await;
    let (first, first_gate) = Answer::text("steered answer").gated();
    harness.mock.push(first);
    let (stall, _stall_gate) = Answer::stall();
    harness.mock.push_when(Matcher::user_text_contains("another long analysis"), stall);
    let example = run_example("06_interrupt_and_steer", &harness);
    let release = async {
        // The runtime may also drop the held call and start a new one with
        // the steered input; either way, hold it long enough for the steer.
        let _ = first_gate.reached(EXAMPLE_TIMEOUT).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        first_gate.open();
    };
    let (out, ()) = tokio::join!(example, release);
    assert!(out.contains("steered: "), "{out}");
    assert!(out.contains("interrupted: true"), "{out}");
    let steered = harness
        .mock
        .requests()
        .iter()
        .any(|request| request.body.to_string().contains("keep it to one line"));
    assert!(steered, "the steered input reached the model");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::text("42 noted"));
    let out = run_example("07_threads", &harness).await;
    for line in ["resumed: true", "forked into a new thread: true", "unarchived: true"] {
        assert!(out.contains(line), "{line} missing:\n{out}");
    }
    assert!(out.contains("threads: "), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_output() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::text(r#"{"city":"Paris","celsius":21.5,"conditions":["sunny","windy"],"warning":null}"#));
    let out = run_example("08_structured_output", &harness).await;
    assert_eq!(out.trim(), "Paris: 21.5 °C, sunny, windy");
    // The schema reached the model in the strict subset.
    let format = &harness.mock.requests()[0].body["text"]["format"];
    assert_eq!(format["strict"], true, "{format}");
    let schema = &format["schema"];
    assert_eq!(schema["additionalProperties"], false, "{schema}");
    assert_eq!(schema["required"], json!(["celsius", "city", "conditions", "warning"]), "{schema}");
    assert_eq!(schema["properties"]["warning"]["type"], json!(["string", "null"]), "{schema}");
    assert!(schema.get("$schema").is_none() && !schema.to_string().contains("format\":\"double"), "{schema}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login() {
    // The mock provider needs no OpenAI auth unless told so; then the
    // account reflects the login.
    let harness = Harness::start_with(|home| home.provider_setting("requires_openai_auth = true")).await;
    let env = [("OPENAI_API_KEY", "sk-test-not-a-real-key")];
    let out = run_example_with_env("09_login", &harness, &env).await;
    assert!(out.contains("signed in: Some(ApiKey"), "{out}");
    assert!(out.contains("signed out: true"), "{out}");
    assert!(!out.contains("sk-test-not-a-real-key"), "the key is never printed: {out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_on_overload() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::rate_limited());
    harness.mock.push(Answer::text("second time lucky"));
    let out = run_example("10_retry_on_overload", &harness).await;
    assert_eq!(out.trim(), "second time lucky");
    assert_eq!(harness.mock.requests().len(), 2, "one failed call, one retry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::text("hello, blocking world"));
    let out = run_example("11_blocking", &harness).await;
    assert_eq!(out.trim(), "hello, blocking world");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_threads() {
    let harness = Harness::start().await;
    for key in ["alpha", "beta", "gamma", "delta"] {
        harness
            .mock
            .push_when(Matcher::user_text_contains(format!("Answer for {key}")), Answer::text(format!("{key}!")));
    }
    let out = run_example("12_concurrent_threads", &harness).await;
    for key in ["alpha", "beta", "gamma", "delta"] {
        assert!(out.contains(&format!("{key}: {key}!")), "{key} got someone else's answer:\n{out}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::output(vec![
        Output::function_call("call-w", "get_weather", json!({"city": "Paris", "unit": "fahrenheit"})),
        Output::namespaced_function_call("call-n", "notes", "read", json!({"name": "groceries"})),
    ]));
    harness.mock.push(Answer::text("Sunny in Paris; you need milk, bread and apples."));
    let out = run_example("13_tools", &harness).await;
    let mut lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.pop(), Some("Sunny in Paris; you need milk, bread and apples."), "{out}");
    lines.sort_unstable();
    assert_eq!(lines, ["called get_weather: ok", "called notes.read: ok"], "{out}");
    // The tools' outputs reached the model.
    let output = |call_id: &str| {
        harness.mock.requests().iter().find_map(|request| request.function_call_output_text(call_id))
    };
    assert_eq!(output("call-w").as_deref(), Some("64.4 °F and sunny in Paris"));
    assert_eq!(output("call-n").as_deref(), Some("milk, bread, apples"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandboxed_commands() {
    // No model: each command's write shows on disk which sandbox it ran in.
    let harness = Harness::start().await;
    let out = run_example("14_sandboxed_commands", &harness).await;
    assert!(out.contains("ReadOnly: exit code 2"), "{out}");
    assert!(out.contains("WorkspaceWrite: exit code 0"), "{out}");
    assert!(out.contains("FullAccess: exit code 0"), "{out}");
    assert!(!harness.cwd().join("read-only.txt").exists(), "ReadOnly wrote in the working folder");
    assert!(harness.cwd().join("workspace.txt").exists(), "WorkspaceWrite could not write in the working folder");
    assert!(harness.cwd().join("full.txt").exists(), "FullAccess could not write");
    assert!(out.contains("apple\npear\nsort exited with 0"), "{out}");
    assert!(out.contains("sleep was killed after 500ms"), "{out}");
    assert!(harness.mock.requests().is_empty(), "no model involved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_review() {
    let harness = Harness::start().await;
    let (main, _) = git_repository(harness.cwd());
    let review = json!({
        "findings": [{
            "title": "[P2] Missing newline",
            "body": "The file should end with a newline.",
            "confidence_score": 0.7,
            "priority": 2,
            "code_location": {"absolute_file_path": harness.cwd().join("lines.txt"), "line_range": {"start": 3, "end": 3}}
        }],
        "overall_correctness": "patch is correct",
        "overall_explanation": "Small nit only.",
        "overall_confidence_score": 0.6
    });
    harness.mock.push(Answer::text(review.to_string()));
    let out = run_example("15_code_review", &harness).await;
    assert!(out.starts_with("Small nit only."), "{out}");
    assert!(out.contains("[P2] Missing newline"), "{out}");
    let prompt = harness.mock.requests()[0].last_user_text().unwrap_or_default();
    assert!(prompt.contains(&format!("The merge base commit for this comparison is {main}")), "{prompt}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_token() {
    let harness = Harness::start().await;
    let token = "example-token-5e0c";
    let server = ListeningServer::ws(&harness.home, harness.cwd(), WsAuth::Token(token.to_owned())).await;
    let token_file = harness.cwd().join("token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    harness.mock.push(Answer::text("Hello over a WebSocket."));
    let env = [("CODEX_APP_SERVER_URL", server.url()), ("CODEX_APP_SERVER_TOKEN_FILE", token_file.to_str().unwrap())];
    let out = run_example_with_env("16_websocket_token", &harness, &env).await;
    assert_eq!(out.trim(), "Hello over a WebSocket.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_jwt() {
    let harness = Harness::start().await;
    let secret = "example-secret-0123456789abcdef0123456789";
    let auth = WsAuth::Jwt { secret: secret.to_owned(), issuer: "my-program".to_owned(), audience: "codex-app-server".to_owned() };
    let server = ListeningServer::ws(&harness.home, harness.cwd(), auth).await;
    let secret_file = harness.cwd().join("secret");
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
    harness.mock.push(Answer::text("Hello with a JWT."));
    let env = [("CODEX_APP_SERVER_URL", server.url()), ("CODEX_APP_SERVER_SECRET_FILE", secret_file.to_str().unwrap())];
    let out = run_example_with_env("17_websocket_jwt", &harness, &env).await;
    assert_eq!(out.trim(), "Hello with a JWT.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unix_socket() {
    let harness = Harness::start().await;
    let server = ListeningServer::unix(&harness.home, harness.cwd()).await;
    harness.mock.push(Answer::text("Hello over a Unix socket."));
    let socket = server.socket_path();
    let env = [("CODEX_APP_SERVER_SOCKET", socket.to_str().unwrap())];
    let out = run_example_with_env("18_unix_socket", &harness, &env).await;
    assert_eq!(out.trim(), "Hello over a Unix socket.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daemon() {
    let harness = Harness::start().await;
    let _stop = StopDaemon(harness.home.path().to_owned());
    harness.mock.push(Answer::text("Hello from the daemon."));
    let out = run_example("19_daemon", &harness).await;
    assert_eq!(out.trim(), "Hello from the daemon.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_server_pool() {
    let harness = Harness::start().await;
    let first = ListeningServer::ws(&harness.home, harness.cwd(), WsAuth::None).await;
    let second = ListeningServer::ws(&harness.home, harness.cwd(), WsAuth::None).await;
    for (task, answer) in [("prime", "7"), ("colour", "teal"), ("planet", "Mars"), ("tree", "oak")] {
        harness.mock.push_when(Matcher::user_text_contains(task), Answer::text(answer));
    }
    let urls = format!("{},{}", first.url(), second.url());
    let out = run_example_with_env("20_app_server_pool", &harness, &[("CODEX_APP_SERVER_URLS", &urls)]).await;
    for line in ["Name a prime number. 7", "Name a colour. teal", "Name a planet. Mars", "Name a tree. oak"] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
    // Round robin: each app-server ran two of the four threads.
    for url in [first.url(), second.url()] {
        assert_eq!(out.matches(&format!("(on {url})")).count(), 2, "{out}");
    }
}
