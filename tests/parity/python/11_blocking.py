# sdk/examples/11_blocking.rs with the official Python SDK (openai-codex 0.163.0):
# its synchronous API.
from openai_codex import Codex, Sandbox

with Codex() as codex:
    thread = codex.thread_start(sandbox=Sandbox.read_only)
    result = thread.run("Say hello.")
    print(result.final_response)
