# sdk/examples/06_interrupt_and_steer.rs with the official Python SDK (openai-codex 0.163.0).
from openai_codex import Codex
from openai_codex.types import TurnStatus

with Codex() as codex:
    thread = codex.thread_start()
    turn = thread.turn("Start a long analysis.")
    turn.steer("Actually, keep it to one line.")
    result = turn.run()
    print("steered:", result.final_response)
    turn = thread.turn("Start another long analysis.")
    for event in turn.stream():
        if event.method == "item/started":
            break
    turn.interrupt()
    result = turn.run()
    print("interrupted:", result.status == TurnStatus.interrupted)
