# sdk/examples/10_retry_on_overload.rs with the official Python SDK (openai-codex 0.163.0).
from openai_codex import Codex, retry_on_overload

with Codex() as codex:
    thread = codex.thread_start()
    result = retry_on_overload(lambda: thread.run("Say hello."))
    print(result.final_response)
