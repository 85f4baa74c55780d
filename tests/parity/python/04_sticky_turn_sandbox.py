# sdk/examples/04_sticky_turn_sandbox.rs with the official Python SDK (openai-codex 0.163.0).
from openai_codex import Codex, Sandbox

with Codex() as codex:
    thread = codex.thread_start(sandbox=Sandbox.workspace_write)
    locked = thread.run("Look, don't touch.", sandbox=Sandbox.read_only)
    print("read-only turn:", locked.final_response)
    still_locked = thread.run("Still read-only?")
    print("next turn:", still_locked.final_response)
    unlocked = thread.run("Now you may write.", sandbox=Sandbox.workspace_write)
    print("workspace-write turn:", unlocked.final_response)
