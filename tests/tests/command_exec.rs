//! Sandboxed commands without a model (`codex.command(argv)`, wire
//! `command/exec`) against the real runtime: the same `Sandbox` enum as
//! threads and turns, checked on disk; streaming output, stdin, a tty,
//! terminate (also on drop), timeouts, the output cap, and a program that
//! does not exist. Where the runtime surprised, the test says so.

use std::path::Path;
use std::time::Duration;

use futures::StreamExt;
use openai_codex::types::CommandExecParams;
use openai_codex::{Codex, CommandEvent, CommandOutput, Error, OutputStream, Sandbox, TerminalSize};
use openai_codex_tests::harness::{close_and_check, process_exists, Harness};
use openai_codex_tests::scenario::{codex, within, OutsideDir};

/// A shell command that writes `written` into each path, and reports which
/// writes failed on stderr (the shell's own message).
fn write_both(inside: &Path, outside: &Path) -> Vec<String> {
    let script = format!(
        "echo written > '{}'; echo written > '{}'; true",
        inside.display(),
        outside.display()
    );
    vec!["sh".into(), "-c".into(), script]
}

async fn run_preset(sandbox: Sandbox) -> (bool, bool, CommandOutput) {
    let harness = Harness::start().await;
    let outside = OutsideDir::new();
    let (inside_file, outside_file) = (harness.cwd().join("inside.txt"), outside.path().join("outside.txt"));
    let codex = codex(&harness).await;
    let output = within(
        "the command",
        codex.command(write_both(&inside_file, &outside_file)).cwd(harness.cwd()).sandbox(sandbox).run(),
    )
    .await
    .expect("the command runs");
    close_and_check(codex.client().clone()).await;
    (inside_file.exists(), outside_file.exists(), output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_command_writes_nothing() {
    let (inside, outside, output) = run_preset(Sandbox::ReadOnly).await;
    assert!(!inside && !outside, "read-only let the command write (inside {inside}, outside {outside})");
    assert!(output.stderr_text().contains("Read-only file system"), "{output:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_write_command_writes_in_its_working_folder_only() {
    let (inside, outside, output) = run_preset(Sandbox::WorkspaceWrite).await;
    assert!(inside, "workspace-write refused a write in the working folder: {output:?}");
    assert!(!outside, "workspace-write let the command write outside its roots");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_access_command_writes_anywhere() {
    let (inside, outside, output) = run_preset(Sandbox::FullAccess).await;
    assert!(inside && outside, "full access refused a write (inside {inside}, outside {outside}): {output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_collects_exit_code_stdout_stderr_and_env() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let output = within(
        "the command",
        codex
            .command(["sh", "-c", "echo out; echo err >&2; echo \"$GREETING\"; exit 3"])
            .env("GREETING", "hello from env")
            .sandbox(Sandbox::ReadOnly)
            .run(),
    )
    .await
    .expect("the command runs");
    assert_eq!(output.exit_code, 3);
    assert!(!output.success());
    assert_eq!(output.stdout_text(), "out\nhello from env\n");
    assert_eq!(output.stderr_text(), "err\n");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_streams_while_the_command_runs() {
    let harness = Harness::start().await;
    let go = harness.cwd().join("go");
    let codex = codex(&harness).await;
    // The command prints, then waits for a file only the test creates after
    // it saw the first line: only streamed output can get there.
    let script = format!("echo first; while [ ! -e '{}' ]; do sleep 0.05; done; echo second; echo oops >&2", go.display());
    let mut command = codex
        .command(["sh", "-c", &script])
        .sandbox(Sandbox::ReadOnly)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .expect("command/exec");
    let first = within("the first line", command.next()).await.expect("an event").expect("output");
    assert_eq!(first, CommandEvent::Stdout(b"first\n".to_vec()));
    std::fs::write(&go, "").unwrap();
    let mut rest = Vec::new();
    while let Some(event) = within("the rest", command.next()).await {
        rest.push(event.expect("no error"));
    }
    // Each stream keeps its order; the two pipes are not ordered between them.
    assert_eq!(rest.len(), 3, "{rest:?}");
    assert!(rest.contains(&CommandEvent::Stdout(b"second\n".to_vec())), "{rest:?}");
    assert!(rest.contains(&CommandEvent::Stderr(b"oops\n".to_vec())), "{rest:?}");
    assert_eq!(rest.last(), Some(&CommandEvent::Exited(0)), "the exit comes last");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdin_is_written_and_closed() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let mut cat = codex.command(["cat"]).sandbox(Sandbox::ReadOnly).stdin(true).send().await.expect("command/exec");
    // Written right after `send`: the SDK retries while the runtime has not
    // registered the process yet.
    cat.write_stdin("hello\n").await.expect("write");
    let echoed = within("the echo", cat.next()).await.expect("an event").expect("output");
    assert_eq!(echoed, CommandEvent::Stdout(b"hello\n".to_vec()));
    cat.write_stdin([0u8, 159, 146, 150]).await.expect("binary write");
    cat.close_stdin().await.expect("close stdin");
    let output = within("cat's end", cat.wait()).await.expect("cat exits");
    assert_eq!(output.exit_code, 0);
    assert_eq!(output.stdout, b"hello\n\x00\x9f\x92\x96", "wait() returns everything, what was streamed included");

    // `run()` closes stdin itself, like std's `wait`: cat ends.
    let output = within("cat", codex.command(["cat"]).stdin(true).sandbox(Sandbox::ReadOnly).run()).await.unwrap();
    assert_eq!(output.exit_code, 0);

    // Without `stdin(true)` the runtime refuses writes, and stdin is empty.
    let plain = codex.command(["sleep", "5"]).sandbox(Sandbox::ReadOnly).send().await.unwrap();
    let refused = plain.write_stdin("x").await.expect_err("stdin is not open");
    assert!(refused.to_string().contains("stdin streaming is not enabled"), "{refused}");
    plain.terminate().await.unwrap();
    close_and_check(codex.client().clone()).await;
}

/// A command that writes its pid to `pid` and then sleeps: with full
/// access, so the pid is the host's.
async fn sleeper(codex: &Codex, dir: &Path) -> (openai_codex::CommandHandle, u32) {
    let pid_file = dir.join("pid");
    let script = format!("echo $$ > '{}'; exec sleep 60", pid_file.display());
    let handle = codex
        .command(["sh", "-c", &script])
        .sandbox(Sandbox::FullAccess)
        .timeout(Duration::from_secs(120))
        .send()
        .await
        .expect("command/exec");
    let pid = within("the pid file", async {
        loop {
            if let Some(pid) = std::fs::read_to_string(&pid_file).ok().and_then(|text| text.trim().parse().ok()) {
                return pid;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    (handle, pid)
}

async fn gone(pid: u32) -> bool {
    for _ in 0..200 {
        if !process_exists(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminate_kills_the_command() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let (handle, pid) = sleeper(&codex, harness.cwd()).await;
    assert!(process_exists(pid));
    handle.terminate().await.expect("terminate");
    let output = within("the end", handle.wait()).await.expect("the command ends");
    assert_eq!(output.exit_code, 137, "killed (128 + SIGKILL)");
    assert!(gone(pid).await, "the command {pid} still runs after terminate");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_handle_kills_the_command() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let (handle, pid) = sleeper(&codex, harness.cwd()).await;
    drop(handle);
    assert!(gone(pid).await, "the command {pid} still runs after its handle was dropped");
    // The client goes on.
    let output = within("another command", codex.command(["true"]).run()).await.unwrap();
    assert!(output.success());
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_past_its_timeout_is_an_error_with_its_output() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let error = within(
        "the command",
        codex.command(["sh", "-c", "echo before; sleep 30"]).sandbox(Sandbox::ReadOnly).timeout(Duration::from_millis(800)).run(),
    )
    .await
    .expect_err("the runtime kills it");
    match &error {
        Error::CommandTimedOut { program, after, output } => {
            assert_eq!(program, "sh");
            assert_eq!(*after, Duration::from_millis(800));
            assert_eq!(output.stdout_text(), "before\n");
            // The runtime's answer for a killed command: exit code 124, no error.
            assert_eq!(output.exit_code, 124);
        }
        other => panic!("expected CommandTimedOut, got {other:?}"),
    }
    assert!(error.to_string().contains("ran longer than its timeout"), "{error}");

    // A command that exits 124 by itself, in time, is not a timeout.
    let output = codex.command(["sh", "-c", "exit 124"]).timeout(Duration::from_secs(30)).run().await.unwrap();
    assert_eq!(output.exit_code, 124);
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_that_does_not_exist_is_a_clear_error() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    for sandbox in [Sandbox::ReadOnly, Sandbox::WorkspaceWrite, Sandbox::FullAccess] {
        let error = within("the command", codex.command(["no-such-program-xyz", "--flag"]).sandbox(sandbox).run())
            .await
            .expect_err("nothing to run");
        match &error {
            Error::CommandSpawn { program, reason } => {
                assert_eq!(program, "no-such-program-xyz");
                assert!(reason.contains("No such file or directory"), "{sandbox:?}: {reason}");
            }
            other => panic!("{sandbox:?}: expected CommandSpawn, got {other:?}"),
        }
        assert!(error.to_string().starts_with("could not start the command `no-such-program-xyz`"), "{error}");
    }
    // An empty argv is refused before anything is sent.
    let error = codex.command(Vec::<String>::new()).run().await.expect_err("no program");
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    close_and_check(codex.client().clone()).await;
}

/// Recorded runtime behaviour (0.169.0): inside the sandbox a missing
/// program is no JSON-RPC error but exit code 101 with the sandbox helper's
/// panic on stderr; with full access it is a JSON-RPC error. The SDK turns
/// both into `Error::CommandSpawn` (above).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_reports_a_missing_program_two_ways() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let client = codex.client();
    let mut params = CommandExecParams::new(vec!["no-such-program-xyz".into()]);
    params.sandbox_policy = Some(Sandbox::ReadOnly.policy());
    let sandboxed = within("command/exec", client.command_exec(params.clone())).await.expect("an answer");
    assert_eq!(sandboxed.exit_code, 101);
    assert!(sandboxed.stderr.contains("panicked"), "{}", sandboxed.stderr);
    assert!(sandboxed.stderr.contains("Failed to execvp no-such-program-xyz: No such file or directory"), "{}", sandboxed.stderr);

    params.sandbox_policy = Some(Sandbox::FullAccess.policy());
    let error = within("command/exec", client.command_exec(params)).await.expect_err("a JSON-RPC error");
    assert!(error.to_string().contains("failed to spawn command: No such file or directory"), "{error}");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_cap_keeps_the_first_bytes_and_says_so() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let output = within(
        "the command",
        codex.command(["sh", "-c", "yes 2>/dev/null | head -c 100000; echo done >&2"]).sandbox(Sandbox::ReadOnly).output_cap(10).run(),
    )
    .await
    .unwrap();
    assert_eq!(output.stdout, b"y\ny\ny\ny\ny\n");
    assert!(output.stdout_capped && !output.stderr_capped, "{output:?}");
    assert_eq!(output.stderr_text(), "done\n");

    let mut events = codex.command(["sh", "-c", "yes 2>/dev/null | head -c 100000"]).output_cap(4).send().await.unwrap();
    let mut seen = Vec::new();
    while let Some(event) = within("the events", events.next()).await {
        seen.push(event.unwrap());
    }
    assert!(seen.contains(&CommandEvent::OutputCapped(OutputStream::Stdout)), "{seen:?}");
    assert_eq!(seen.last(), Some(&CommandEvent::Exited(0)));

    let output = codex.command(["sh", "-c", "yes 2>/dev/null | head -c 300000"]).output_cap(None).run().await.unwrap();
    assert_eq!(output.stdout.len(), 300_000, "no cap");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tty_is_sized_resized_and_written() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let mut tty = codex
        .command(["sh", "-c", "stty size; read line; echo got $line; stty size"])
        .sandbox(Sandbox::FullAccess)
        .tty(true)
        .tty_size(TerminalSize { rows: 24, cols: 80 })
        .send()
        .await
        .expect("command/exec");
    let first = within("the first size", tty.next()).await.unwrap().unwrap();
    assert_eq!(first, CommandEvent::Stdout(b"24 80\r\n".to_vec()));
    tty.resize(TerminalSize { rows: 50, cols: 132 }).await.expect("resize");
    tty.write_stdin("abc\n").await.expect("write");
    let output = within("the end", tty.wait()).await.unwrap();
    let text = output.stdout_text();
    // The terminal echoes the input, and may add blank lines (closing stdin
    // before waiting reaches the tty as end of file): check the order only.
    let got = text.find("got abc\r\n").unwrap_or_else(|| panic!("{text:?}"));
    let resized = text.rfind("50 132\r\n").unwrap_or_else(|| panic!("{text:?}"));
    assert!(text.starts_with("24 80\r\n") && got < resized, "{text:?}");
    close_and_check(codex.client().clone()).await;
}

/// Recorded runtime behaviour (0.169.0, Linux): a tty inside the sandbox
/// cannot start: the runtime looks for a `codex-linux-sandbox` program on
/// PATH, which the npm package does not ship. Resizing a command without a
/// tty is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_cannot_start_a_tty_inside_its_sandbox() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let error = within("the command", codex.command(["true"]).sandbox(Sandbox::ReadOnly).tty(true).run())
        .await
        .expect_err("no tty in the sandbox");
    match &error {
        Error::CommandSpawn { reason, .. } => assert!(reason.contains("codex-linux-sandbox"), "{reason}"),
        other => panic!("expected CommandSpawn, got {other:?}"),
    }
    let plain = codex.command(["sleep", "5"]).sandbox(Sandbox::ReadOnly).send().await.unwrap();
    let refused = plain.resize(TerminalSize { rows: 10, cols: 10 }).await.expect_err("no tty");
    assert!(refused.to_string().contains("not attached to a PTY"), "{refused}");
    drop(plain);
    close_and_check(codex.client().clone()).await;
}

#[test]
fn blocking_command_iterates_writes_and_runs() {
    let runtime = std::sync::Arc::new(tokio::runtime::Runtime::new().unwrap());
    let harness = runtime.block_on(Harness::start());
    let codex = runtime.block_on(codex(&harness));
    let codex = openai_codex::blocking::Codex::from_async(codex, std::sync::Arc::clone(&runtime));

    let output = codex.command(["sh", "-c", "echo hi"]).sandbox(Sandbox::ReadOnly).run().unwrap();
    assert_eq!(output.stdout_text(), "hi\n");

    let mut cat = codex.command(["cat"]).sandbox(Sandbox::WorkspaceWrite).stdin(true).send().unwrap();
    cat.write_stdin("line\n").unwrap();
    assert_eq!(cat.next().unwrap().unwrap(), CommandEvent::Stdout(b"line\n".to_vec()));
    cat.close_stdin().unwrap();
    let rest: Vec<_> = cat.map(Result::unwrap).collect();
    assert_eq!(rest, vec![CommandEvent::Exited(0)]);

    let error = codex.command(["no-such-program-xyz"]).sandbox(Sandbox::FullAccess).run().unwrap_err();
    assert!(matches!(error, Error::CommandSpawn { .. }), "{error:?}");
    codex.close();
}

/// Recorded runtime behaviour (0.169.0): a command that sets no timeout is
/// killed after ten seconds (exit code 124), which the SDK reports as
/// `CommandTimedOut` after `DEFAULT_COMMAND_TIMEOUT`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_default_timeout_is_ten_seconds() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let started = std::time::Instant::now();
    let error = within("the command", codex.command(["sleep", "20"]).sandbox(Sandbox::ReadOnly).run())
        .await
        .expect_err("killed at the default timeout");
    assert!(
        matches!(error, Error::CommandTimedOut { after, .. } if after == openai_codex::DEFAULT_COMMAND_TIMEOUT),
        "{error:?}"
    );
    assert_eq!(openai_codex::DEFAULT_COMMAND_TIMEOUT, Duration::from_secs(10));
    assert!(started.elapsed() < Duration::from_secs(19), "killed before sleep ended");
    close_and_check(codex.client().clone()).await;
}

/// The handles move between tasks and threads.
#[test]
fn command_handles_are_send() {
    fn send<T: Send + 'static>() {}
    send::<openai_codex::CommandHandle>();
    send::<openai_codex::blocking::CommandHandle>();
    send::<openai_codex::CommandOutput>();
    send::<openai_codex::CommandEvent>();
}

/// A command's environment may carry credentials: `Debug` of its params
/// (and so of the builder) never prints the values.
#[test]
fn command_env_values_never_print() {
    let mut params = CommandExecParams::new(vec!["deploy".into()]);
    params.env = Some([("OPENAI_API_KEY".to_owned(), Some("sk-very-secret".to_owned()))].into_iter().collect());
    let printed = format!("{params:?}");
    assert!(!printed.contains("sk-very-secret"), "{printed}");
    assert!(printed.contains("<redacted>"), "{printed}");
    assert!(printed.contains("deploy"), "{printed}");
}
