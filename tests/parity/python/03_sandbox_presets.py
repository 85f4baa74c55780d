# sdk/examples/03_sandbox_presets.rs with the official Python SDK (openai-codex 0.163.0).
from openai_codex import Codex, Sandbox

with Codex() as codex:
    for sandbox in (Sandbox.read_only, Sandbox.workspace_write, Sandbox.full_access):
        thread = codex.thread_start(sandbox=sandbox)
        result = thread.run("Create a file named note.txt here.")
        print(f"{sandbox}: {result.final_response}")
