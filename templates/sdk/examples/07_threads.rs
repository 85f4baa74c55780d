//! Threads: list, resume, fork, archive and unarchive.

use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().send().await?;
    thread.run("Remember the number 42.").await?;
    thread.set_name("numbers").await?;

    let page = codex.thread_list().limit(10).send().await?;
    println!("threads: {}", page.data.len());

    let resumed = codex.thread_resume(thread.id()).send().await?;
    println!("resumed: {}", resumed.id() == thread.id());
    let fork = codex.thread_fork(thread.id()).send().await?;
    println!("forked into a new thread: {}", fork.id() != thread.id());

    codex.thread_archive(fork.id()).send().await?;
    let back = codex.thread_unarchive(fork.id()).send().await?;
    println!("unarchived: {}", back.id() == fork.id());
    Ok(())
}
