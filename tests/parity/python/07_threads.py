# sdk/examples/07_threads.rs with the official Python SDK (openai-codex 0.163.0).
from openai_codex import Codex

with Codex() as codex:
    thread = codex.thread_start()
    thread.run("Remember the number 42.")
    thread.set_name("numbers")
    page = codex.thread_list(limit=10)
    print("threads:", len(page.data))
    resumed = codex.thread_resume(thread.id)
    print("resumed:", resumed.id == thread.id)
    fork = codex.thread_fork(thread.id)
    print("forked into a new thread:", fork.id != thread.id)
    codex.thread_archive(fork.id)
    back = codex.thread_unarchive(fork.id)
    print("unarchived:", back.id == fork.id)
