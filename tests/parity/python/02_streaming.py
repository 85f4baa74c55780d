# sdk/examples/02_streaming.rs with the official Python SDK (openai-codex 0.163.0).
from openai_codex import Codex

with Codex() as codex:
    thread = codex.thread_start()
    turn = thread.turn("Tell me a very short story.")
    for event in turn.stream():
        if event.method == "item/agentMessage/delta":
            print(event.payload.delta, end="")
    print()
