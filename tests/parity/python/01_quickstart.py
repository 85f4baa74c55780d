# sdk/examples/01_quickstart.rs with the official Python SDK (openai-codex 0.163.0).
from openai_codex import Codex, Sandbox

with Codex() as codex:
    thread = codex.thread_start(sandbox=Sandbox.read_only)
    result = thread.run("Say hello in one short sentence.")
    print(result.final_response)
