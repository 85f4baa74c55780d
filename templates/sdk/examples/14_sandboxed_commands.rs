//! Sandboxed commands without a model: the same `Sandbox` as threads and
//! turns, output as it comes, stdin, and a timeout.

use std::time::Duration;

use futures::StreamExt;
use openai_codex::{Codex, CommandEvent, Error, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;

    // The same command under each access level: it writes a file here.
    for (sandbox, file) in
        [(Sandbox::ReadOnly, "read-only.txt"), (Sandbox::WorkspaceWrite, "workspace.txt"), (Sandbox::FullAccess, "full.txt")]
    {
        let output = codex.command(["sh", "-c", &format!("echo hi > {file}")]).sandbox(sandbox).run().await?;
        println!("{sandbox:?}: exit code {}", output.exit_code);
    }

    // Feed a command's stdin and print its output as it comes.
    let mut sort = codex.command(["sort"]).sandbox(Sandbox::ReadOnly).stdin(true).send().await?;
    sort.write_stdin("pear\napple\n").await?;
    sort.close_stdin().await?;
    while let Some(event) = sort.next().await {
        match event? {
            CommandEvent::Stdout(bytes) => print!("{}", String::from_utf8_lossy(&bytes)),
            CommandEvent::Exited(code) => println!("sort exited with {code}"),
            _ => {}
        }
    }

    // A command past its timeout is killed, and that is an error.
    match codex.command(["sleep", "30"]).sandbox(Sandbox::ReadOnly).timeout(Duration::from_millis(500)).run().await {
        Err(Error::CommandTimedOut { after, .. }) => println!("sleep was killed after {after:?}"),
        other => println!("unexpected: {other:?}"),
    }

    codex.close().await;
    Ok(())
}
