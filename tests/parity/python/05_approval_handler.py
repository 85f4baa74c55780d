# sdk/examples/05_approval_handler.rs with the official Python SDK (openai-codex 0.163.0).
# Its high-level `Codex` takes no approval handler (and has no mode that asks
# the client), so this uses the low-level `CodexClient`.
from openai_codex.client import CodexClient


def no_deletes(method, params):
    if method != "item/commandExecution/requestApproval":
        return {"decision": "decline"}
    command = params.get("command") or ""
    decision = "decline" if "rm" in command.split() else "accept"
    print(f"approval asked for `{command}`: {decision}")
    return {"decision": decision}


with CodexClient(approval_handler=no_deletes) as client:
    client.initialize()
    thread = client.thread_start({"sandbox": "read-only", "approvalPolicy": "on-request", "approvalsReviewer": "user"})
    turn = client.turn_start(thread.thread.id, "Write notes.txt, asking to leave the sandbox.")
    done = client.wait_for_turn_completed(turn.turn.id)
    print(done.turn.status)
