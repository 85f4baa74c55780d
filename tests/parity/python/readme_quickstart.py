# The official Python SDK's README (openai-codex 0.163.0): Quickstart.
from openai_codex import Codex

with Codex() as codex:
    thread = codex.thread_start()
    result = thread.run("Explain this repository in three bullets.")
    print(result.final_response)
