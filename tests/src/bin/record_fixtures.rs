//! `record-fixtures`: drives the real `codex app-server` with raw JSON-RPC
//! against the mock model and writes every frame it saw to
//! `tests/fixtures/recorded/<scenario>.jsonl` (see [`openai_codex_tests::raw_rpc`]
//! for the line format).
//!
//! Usage: `record-fixtures [--out DIR] [--model-requests DIR] [SCENARIO...]`
//! (default: every scenario). Each scenario runs in its own temporary
//! `CODEX_HOME` and cwd. `--model-requests` also writes the requests the
//! runtime sent to the mock model, as `<scenario>.model.json` (not fixtures:
//! for looking at the tools and inputs a runtime version sends).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context as _};
use openai_codex_tests::codex_home::CodexHome;
use openai_codex_tests::mock_model::{Answer, MockModel, Output};
use openai_codex_tests::raw_rpc::RawSession;
use serde_json::{json, Value};
use tempfile::TempDir;

/// How long a turn may take before the recorder gives up.
const TURN_TIMEOUT: Duration = Duration::from_secs(30);

/// Every scenario, in the order they run by default.
const SCENARIOS: &[&str] = &[
    "text_turn",
    "exec_command_turn",
    "approval_request",
    "failed_turn",
    "interrupt",
    "file_change_turn",
    "reasoning_web_search",
];

/// A model of the runtime's bundled catalog. Threads that need the freeform
/// `apply_patch` tool use it: the runtime advertises `apply_patch` only for
/// models it has metadata for (not for `mock-model`). Requests still go to
/// the mock provider.
const CATALOG_MODEL: &str = "gpt-5.5";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    std::fs::create_dir_all(&args.out)?;
    let mut failed = Vec::new();
    for name in &args.scenarios {
        match record(name, &args).await {
            Ok(summary) => eprintln!("recorded {name}: {summary}"),
            Err(error) => {
                eprintln!("FAILED {name}: {error:#}");
                failed.push(name.as_str());
            }
        }
    }
    if !failed.is_empty() {
        bail!("scenarios failed: {}", failed.join(", "));
    }
    Ok(())
}

/// The command line.
struct Args {
    out: PathBuf,
    model_requests: Option<PathBuf>,
    scenarios: Vec<String>,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut parsed = Args {
        out: Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/recorded"),
        model_requests: None,
        scenarios: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => parsed.out = args.next().context("--out needs a folder")?.into(),
            "--model-requests" => {
                let dir = args.next().context("--model-requests needs a folder")?;
                parsed.model_requests = Some(dir.into());
            }
            name if SCENARIOS.contains(&name) => parsed.scenarios.push(name.to_owned()),
            other => bail!(
                "unknown argument {other}; scenarios: {}",
                SCENARIOS.join(", ")
            ),
        }
    }
    if parsed.scenarios.is_empty() {
        parsed.scenarios = SCENARIOS.iter().map(|name| (*name).to_owned()).collect();
    }
    Ok(parsed)
}

/// Everything one scenario runs with. Dropping it removes the temporary
/// folders and stops the mock.
struct Env {
    mock: MockModel,
    home: CodexHome,
    cwd: TempDir,
    stderr_path: PathBuf,
}

impl Env {
    async fn new() -> anyhow::Result<Self> {
        let mock = MockModel::start().await?;
        let home = CodexHome::new(&mock.url())?;
        let cwd = tempfile::Builder::new().prefix("codex-cwd-").tempdir()?;
        let stderr_path = home.path().join("app-server.stderr.log");
        Ok(Self {
            mock,
            home,
            cwd,
            stderr_path,
        })
    }

    fn spawn(&self) -> anyhow::Result<RawSession> {
        let mut command = self.home.app_server_command();
        command.current_dir(self.cwd.path());
        command.stderr(std::fs::File::create(&self.stderr_path)?);
        RawSession::spawn(command)
    }

    fn cwd(&self) -> String {
        self.cwd.path().display().to_string()
    }

    fn stderr_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

async fn record(name: &str, args: &Args) -> anyhow::Result<String> {
    let env = Env::new().await?;
    let mut session = env.spawn()?;
    let outcome = run_scenario(name, &env, &mut session).await;
    let log = session.shutdown().await;
    if let Err(error) = outcome {
        return Err(error.context(format!("runtime stderr (tail):\n{}", env.stderr_tail())));
    }
    if let Some(dir) = &args.model_requests {
        write_model_requests(&dir.join(format!("{name}.model.json")), &env.mock)?;
    }
    write_jsonl(&args.out.join(format!("{name}.jsonl")), &log)?;
    Ok(summarize(&log, &env.mock))
}

async fn run_scenario(name: &str, env: &Env, session: &mut RawSession) -> anyhow::Result<()> {
    session.initialize().await?;
    match name {
        "text_turn" => text_turn(env, session).await,
        "exec_command_turn" => exec_command_turn(env, session).await,
        "approval_request" => approval_request(env, session).await,
        "failed_turn" => failed_turn(env, session).await,
        "interrupt" => interrupt(env, session).await,
        "reasoning_web_search" => reasoning_web_search(env, session).await,
        "file_change_turn" => file_change_turn(env, session).await,
        other => bail!("no scenario {other}"),
    }
}

/// `thread/start` with `extra` params merged in; returns the thread id.
async fn start_thread(env: &Env, session: &mut RawSession, extra: Value) -> anyhow::Result<String> {
    let mut params = json!({ "cwd": env.cwd(), "sandbox": "workspace-write" });
    merge(&mut params, extra);
    let result = session.request("thread/start", params).await?;
    let id = result["thread"]["id"]
        .as_str()
        .context("thread/start result has no thread.id")?;
    Ok(id.to_owned())
}

/// `turn/start` with one text input; returns the turn id.
async fn start_turn(
    session: &mut RawSession,
    thread_id: &str,
    text: &str,
) -> anyhow::Result<String> {
    let params = json!({
        "threadId": thread_id,
        "input": [{ "type": "text", "text": text, "text_elements": [] }],
    });
    let result = session.request("turn/start", params).await?;
    let id = result["turn"]["id"]
        .as_str()
        .context("turn/start result has no turn.id")?;
    Ok(id.to_owned())
}

/// Runs one text turn to `turn/completed` and checks the turn's status.
async fn run_turn(
    session: &mut RawSession,
    thread_id: &str,
    text: &str,
    status: &str,
) -> anyhow::Result<()> {
    start_turn(session, thread_id, text).await?;
    wait_turn_completed(session, status).await
}

/// Waits for `turn/completed` and checks the turn ended with `status`.
async fn wait_turn_completed(session: &mut RawSession, status: &str) -> anyhow::Result<()> {
    let completed = session
        .wait_for_notification("turn/completed", TURN_TIMEOUT)
        .await?;
    if completed["turn"]["status"] != status {
        bail!("expected a {status} turn, got {completed}");
    }
    Ok(())
}

/// Checks the runtime sent at least one frame named `method`.
fn expect_received(session: &RawSession, method: &str) -> anyhow::Result<()> {
    let seen = session
        .log()
        .iter()
        .any(|entry| entry["dir"] == "recv" && entry["method"] == method);
    if !seen {
        bail!("the runtime never sent {method}");
    }
    Ok(())
}

fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        target.extend(extra);
    }
}

async fn text_turn(env: &Env, session: &mut RawSession) -> anyhow::Result<()> {
    env.mock.push(Answer::text(
        "Hello from the mock model. This is a streamed answer.",
    ));
    let thread_id = start_thread(env, session, json!({})).await?;
    run_turn(session, &thread_id, "Say hello.", "completed").await?;
    session
        .request(
            "thread/read",
            json!({ "threadId": thread_id, "includeTurns": true }),
        )
        .await?;
    session.request("thread/list", json!({})).await?;
    session.request("model/list", json!({})).await?;
    session.request("account/read", json!({})).await?;
    session
        .request("config/read", json!({ "cwd": env.cwd() }))
        .await?;
    Ok(())
}

async fn exec_command_turn(env: &Env, session: &mut RawSession) -> anyhow::Result<()> {
    // The pauses make the runtime stream output deltas: a command that ends
    // at once may get none (its output only shows in the completed item).
    let cmd = "printf 'hello from exec\\n' > hello.txt && sleep 0.3 && cat hello.txt && sleep 0.3 && echo second chunk";
    env.mock.push(Answer::exec_command("call_exec_1", cmd));
    env.mock.push(Answer::text("I wrote hello.txt."));
    let thread_id = start_thread(env, session, json!({})).await?;
    run_turn(session, &thread_id, "Write hello.txt.", "completed").await?;
    expect_received(session, "item/commandExecution/outputDelta")?;
    let written = env.cwd.path().join("hello.txt");
    if !written.is_file() {
        bail!("exec_command did not write {}", written.display());
    }
    Ok(())
}

/// Two turns on one thread (a catalog model, so `apply_patch` exists): an
/// escalated `exec_command`, then a patch outside the writable roots; both
/// approval requests are declined.
async fn approval_request(env: &Env, session: &mut RawSession) -> anyhow::Result<()> {
    let params = json!({
        "approvalPolicy": "on-request",
        "approvalsReviewer": "user",
        "model": CATALOG_MODEL,
    });
    let thread_id = start_thread(env, session, params).await?;
    env.mock.push(Answer::function_call(
        "call_escalate_1",
        "exec_command",
        json!({
            "cmd": "touch escalated.txt",
            "sandbox_permissions": "require_escalated",
            "justification": "Needs to write outside the sandbox for the test.",
        }),
    ));
    env.mock.push(Answer::text("The command was declined."));
    run_turn(
        session,
        &thread_id,
        "Run the escalated command.",
        "completed",
    )
    .await?;
    expect_received(session, "item/commandExecution/requestApproval")?;
    declined_patch_turn(env, session, &thread_id).await
}

/// A patch adding a file in a folder under `$HOME` (outside the writable
/// roots, which include /tmp), so the runtime asks before applying it.
async fn declined_patch_turn(
    env: &Env,
    session: &mut RawSession,
    thread_id: &str,
) -> anyhow::Result<()> {
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    let outside = tempfile::Builder::new()
        .prefix("codex-outside-")
        .tempdir_in(home)?;
    let target = outside.path().join("outside.txt");
    let patch = format!(
        "*** Begin Patch\n*** Add File: {}\n+should not exist\n*** End Patch\n",
        target.display()
    );
    env.mock
        .push(Answer::apply_patch("call_patch_outside_1", &patch));
    env.mock.push(Answer::text("The patch was declined."));
    run_turn(
        session,
        thread_id,
        "Write outside the workspace.",
        "completed",
    )
    .await?;
    expect_received(session, "item/fileChange/requestApproval")?;
    if target.exists() {
        bail!("the declined patch was applied: {}", target.display());
    }
    Ok(())
}

async fn failed_turn(env: &Env, session: &mut RawSession) -> anyhow::Result<()> {
    let thread_id = start_thread(env, session, json!({})).await?;
    env.mock.push(Answer::server_error());
    run_turn(session, &thread_id, "This turn meets a 500.", "failed").await?;
    env.mock.push(Answer::rate_limited());
    run_turn(session, &thread_id, "This turn meets a 429.", "failed").await?;
    Ok(())
}

async fn interrupt(env: &Env, session: &mut RawSession) -> anyhow::Result<()> {
    let thread_id = start_thread(env, session, json!({})).await?;
    let (stall, gate) = Answer::stall();
    env.mock.push(stall);
    let turn_id = start_turn(session, &thread_id, "Take your time.").await?;
    if !gate.reached(TURN_TIMEOUT).await {
        bail!("the runtime never reached the stalled answer");
    }
    let params = json!({ "threadId": thread_id, "turnId": turn_id });
    session.request("turn/interrupt", params).await?;
    wait_turn_completed(session, "interrupted").await?;
    if !gate.client_gone(TURN_TIMEOUT).await {
        bail!("the runtime kept the stalled model request open after the interrupt");
    }
    Ok(())
}

async fn reasoning_web_search(env: &Env, session: &mut RawSession) -> anyhow::Result<()> {
    env.mock.push(Answer::output(vec![
        Output::reasoning("Thinking about where to look."),
        Output::web_search("codex app-server protocol"),
        Output::message("I searched and found the protocol docs."),
    ]));
    let thread_id = start_thread(env, session, json!({})).await?;
    run_turn(session, &thread_id, "Search the web.", "completed").await?;
    Ok(())
}

async fn file_change_turn(env: &Env, session: &mut RawSession) -> anyhow::Result<()> {
    let patch =
        "*** Begin Patch\n*** Add File: notes.txt\n+first line\n+second line\n*** End Patch\n";
    env.mock.push(Answer::apply_patch("call_patch_1", patch));
    env.mock.push(Answer::text("I added notes.txt."));
    let thread_id = start_thread(env, session, json!({ "model": CATALOG_MODEL })).await?;
    run_turn(session, &thread_id, "Add notes.txt.", "completed").await?;
    let written = env.cwd.path().join("notes.txt");
    if !written.is_file() {
        bail!("apply_patch did not write {}", written.display());
    }
    Ok(())
}

fn write_jsonl(path: &Path, log: &[Value]) -> anyhow::Result<()> {
    let mut text = String::new();
    for entry in log {
        text.push_str(&serde_json::to_string(entry)?);
        text.push('\n');
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

fn write_model_requests(path: &Path, mock: &MockModel) -> anyhow::Result<()> {
    std::fs::create_dir_all(path.parent().context("no parent folder")?)?;
    let all: Vec<Value> = mock
        .requests()
        .into_iter()
        .chain(mock.other_requests())
        .map(|request| json!({ "method": request.method, "path": request.path, "body": request.body }))
        .collect();
    std::fs::write(path, serde_json::to_string_pretty(&all)?)?;
    Ok(())
}

/// One line for the console: frame and model request counts, and the
/// methods received.
fn summarize(log: &[Value], mock: &MockModel) -> String {
    let mut methods: Vec<String> = log
        .iter()
        .filter(|entry| entry["dir"] == "recv" && entry["kind"] != "response")
        .map(|entry| {
            format!(
                "{}:{}",
                entry["kind"].as_str().unwrap_or(""),
                entry["method"].as_str().unwrap_or("")
            )
        })
        .collect();
    methods.sort();
    methods.dedup();
    format!(
        "{} frames, {} model requests; received {}",
        log.len(),
        mock.requests().len(),
        methods.join(", ")
    )
}
