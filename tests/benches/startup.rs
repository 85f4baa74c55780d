//! Start-up: the time from "start" to a client that can send its first
//! request, three ways, interleaved in rounds on the same runtime binary and
//! `CODEX_HOME`:
//!
//! - the SDK: `Client::builder()...spawn()` (finds the binary, starts
//!   `codex app-server`, `initialize` + `initialized`, version check);
//! - the raw floor: spawn the same command, write `initialize`, read until
//!   its answer, write `initialized` (nothing else);
//! - the official Python SDK: `AsyncCodex(config)` entered, timed inside a
//!   Python process that stays up (`bench/python_sdk.py startup`), so
//!   Python's own start is not counted.
//!
//! Closing is not timed. Environment: `BENCH_STARTUPS` (rounds, default 45).

mod common;

use std::process::Stdio;
use std::time::Instant;

use openai_codex_tests::codex_home::{runtime_bin, SCRUBBED_ENV};
use openai_codex_tests::harness::Harness;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const WARMUP: usize = 3;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::var("BENCH_STARTUPS").ok().and_then(|v| v.parse().ok()).unwrap_or(45);
    let harness = Harness::start().await;
    let mut python = PythonStarter::spawn(&harness).await;

    let (mut sdk, mut raw, mut py) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..WARMUP + rounds {
        // Rotate the order so no side always runs right after another.
        for side in (0..3).map(|i| (i + round) % 3) {
            let sample = match side {
                0 => sdk_start(&harness).await?,
                1 => raw_start(&harness).await?,
                _ => match python.as_mut() {
                    Some(python) => python.start().await?,
                    None => continue,
                },
            };
            if round >= WARMUP {
                [&mut sdk, &mut raw, &mut py][side].push(sample);
            }
        }
    }
    // Each round's SDK start against the same round's raw start: paired, so
    // the load the machine had at that moment cancels out.
    let paired: Vec<f64> = sdk.iter().zip(&raw).map(|(sdk, raw)| sdk / raw).collect();
    let (paired_median, paired_ci) = common::median_and_interval(&paired);
    // And against the Python SDK's start in the same round.
    let paired_py: Vec<f64> = sdk.iter().zip(&py).map(|(sdk, py)| sdk / py).collect();
    let (sdk_median, raw_median) = (common::median(&mut sdk), common::median(&mut raw));
    let (sdk_ci, raw_ci) = (common::median_interval(&sdk), common::median_interval(&raw));
    eprintln!("start-up medians: sdk {sdk_median:.1} ms {sdk_ci:?}, raw {raw_median:.1} ms {raw_ci:?}");
    common::row(
        &format!("start-up, ms: `Client` spawn + initialize (baseline: raw spawn + `initialize`, {rounds} interleaved rounds, medians)"),
        format!("{sdk_median:.1} ms (95% CI {:.1}–{:.1})", sdk_ci.0, sdk_ci.1),
        format!("{raw_median:.1} ms (95% CI {:.1}–{:.1})", raw_ci.0, raw_ci.1),
        sdk_median / raw_median,
        "≤ 1.02× the raw floor",
        Some(sdk_median / raw_median <= 1.02),
    );
    common::row_judged(
        "start-up, paired: median of each round's SDK time / raw time (baseline: 1.0 = the raw floor)",
        format!("{paired_median:.3} (95% CI {:.3}–{:.3})", paired_ci.0, paired_ci.1),
        "1.000".to_owned(),
        paired_median,
        "≤ 1.02",
        paired_ci,
        common::Goal::AtMost(1.02),
    );
    if !py.is_empty() {
        let py_median = common::median(&mut py);
        let py_ci = common::median_interval(&py);
        eprintln!("start-up median: python {py_median:.1} ms {py_ci:?}");
        let (paired_py_median, paired_py_ci) = common::median_and_interval(&paired_py);
        common::row_judged(
            "start-up, ms: `Client` spawn + initialize (baseline: Python SDK `AsyncCodex` entered, same rounds; ratio = median of each round's SDK time / Python time)",
            format!("{sdk_median:.1} ms; paired ratio {paired_py_median:.3} (95% CI {:.3}–{:.3})", paired_py_ci.0, paired_py_ci.1),
            format!("{py_median:.1} ms (95% CI {:.1}–{:.1})", py_ci.0, py_ci.1),
            paired_py_median,
            "≤ the Python SDK (ratio ≤ 1)",
            paired_py_ci,
            common::Goal::AtMost(1.0),
        );
    } else {
        common::note("Python SDK start-up: not run, `bench/.venv` is missing (run `bash bench/setup-python.sh`).");
    }
    Ok(())
}

/// One SDK start; milliseconds until the client is ready.
async fn sdk_start(harness: &Harness) -> anyhow::Result<f64> {
    let builder = harness.client_builder();
    let started = Instant::now();
    let client = builder.spawn().await?;
    let elapsed = started.elapsed().as_secs_f64() * 1e3;
    client.close().await;
    Ok(elapsed)
}

/// The floor: spawn, `initialize`, read its answer, `initialized`.
async fn raw_start(harness: &Harness) -> anyhow::Result<f64> {
    let mut command = harness.home.app_server_command();
    command.current_dir(harness.cwd()).stderr(Stdio::null());
    let started = Instant::now();
    let mut child = command.spawn()?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let initialize = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientInfo":{"name":"bench","title":null,"version":"0"},"capabilities":{"experimentalApi":true}}}"#;
    stdin.write_all(format!("{initialize}\n").as_bytes()).await?;
    while let Some(line) = lines.next_line().await? {
        if line.starts_with(r#"{"id":1,"#) {
            break;
        }
    }
    stdin.write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}\n").await?;
    stdin.flush().await?;
    let elapsed = started.elapsed().as_secs_f64() * 1e3;
    drop(stdin);
    child.wait().await?;
    Ok(elapsed)
}

/// `bench/python_sdk.py startup` in a process that stays up: each line sent
/// is one start, each line back its milliseconds.
struct PythonStarter {
    _child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

impl PythonStarter {
    async fn spawn(harness: &Harness) -> Option<Self> {
        let python = common::venv_python()?;
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/python_sdk.py");
        let mut command = tokio::process::Command::new(python);
        command
            .arg(script)
            .arg("startup")
            .arg("--codex-bin")
            .arg(runtime_bin())
            .arg("--cwd")
            .arg(harness.cwd())
            .env("CODEX_HOME", harness.home.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        for name in SCRUBBED_ENV {
            command.env_remove(name);
        }
        let mut child = command.spawn().ok()?;
        let stdin = child.stdin.take()?;
        let lines = BufReader::new(child.stdout.take()?).lines();
        Some(Self { _child: child, stdin, lines })
    }

    async fn start(&mut self) -> anyhow::Result<f64> {
        self.stdin.write_all(b"start\n").await?;
        self.stdin.flush().await?;
        let line = self.lines.next_line().await?.ok_or_else(|| anyhow::anyhow!("the Python starter exited"))?;
        Ok(line.trim().parse()?)
    }
}
