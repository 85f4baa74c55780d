#!/usr/bin/env python3
"""A scripted mutation run over the safety path (issue 22).

Each mutation is one realistic one-line bug in a template or the generator:
a sandbox or approval mapping, a default handler, the router's filter, turn
completion, the final response, the runtime checksum, the drift check, the
protocol diff's classification. For each, in a scratch git worktree (one,
reused, reset between mutations), the driver applies the edit, regenerates
`sdk/` when a template changed, runs only the tests that cover the area, and
records whether the suite caught it (a test failed) or it survived.

    python3 bench/mutants.py [--only ID,ID] [--scratch DIR] [--keep]

The scratch worktree (default /tmp/openai-codex-mutants) holds no build:
cargo uses this checkout's target/ (third-party crates are shared; the
scratch copy's own crates build once and are rebuilt per mutation). Results
go to bench/MUTANTS.md. Exit status 1 if any mutation survived.
"""

import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TESTS = ["cargo", "test", "--locked", "-q", "-p", "openai-codex-tests"]
CODEGEN = ["cargo", "test", "--locked", "-q", "-p", "openai-codex-codegen"]

# (id, file, original text, mutated text, test command). The original text
# must occur exactly once in the file.
MUTATIONS = [
    # Sandbox and approval mappings.
    ("sandbox-mode-readonly", "templates/sdk/src/api/sandbox.rs",
     "Sandbox::ReadOnly => SandboxMode::ReadOnly,", "Sandbox::ReadOnly => SandboxMode::WorkspaceWrite,",
     TESTS + ["--test", "api_wire"]),
    ("sandbox-policy-full", "templates/sdk/src/api/sandbox.rs",
     "Sandbox::FullAccess => SandboxPolicy::DangerFullAccess,",
     "Sandbox::FullAccess => SandboxPolicy::ReadOnly { network_access: None },",
     TESTS + ["--test", "api_wire"]),
    ("sandbox-from-policy", "templates/sdk/src/api/sandbox.rs",
     "SandboxPolicy::ReadOnly { .. } => Some(Sandbox::ReadOnly),",
     "SandboxPolicy::ReadOnly { .. } => Some(Sandbox::WorkspaceWrite),",
     TESTS + ["--test", "api_wire"]),
    ("sandbox-from-mode", "templates/sdk/src/api/sandbox.rs",
     "SandboxMode::DangerFullAccess => Some(Sandbox::FullAccess),", "SandboxMode::DangerFullAccess => None,",
     TESTS + ["--test", "api_wire"]),
    ("approval-ask-handler-reviewer", "templates/sdk/src/api/sandbox.rs",
     "ApprovalMode::AskHandler => (AskForApproval::OnRequest, Some(ApprovalsReviewer::User)),",
     "ApprovalMode::AskHandler => (AskForApproval::OnRequest, Some(ApprovalsReviewer::AutoReview)),",
     TESTS + ["--test", "api_wire"]),
    ("approval-deny-all-policy", "templates/sdk/src/api/sandbox.rs",
     "ApprovalMode::DenyAll => (AskForApproval::Never, None),",
     "ApprovalMode::DenyAll => (AskForApproval::OnRequest, None),",
     TESTS + ["--test", "api_wire"]),
    ("approval-from-wire-never", "templates/sdk/src/api/sandbox.rs",
     "(AskForApproval::Never, _) => Some(ApprovalMode::DenyAll),", "(AskForApproval::Never, _) => None,",
     TESTS + ["--test", "api_wire"]),
    ("convert-sandbox-mode-dropped", "templates/sdk/src/api/convert.rs",
     "*field = Some(sandbox.mode());", "*field = None;",
     TESTS + ["--test", "api_wire"]),
    ("convert-sandbox-policy-full", "templates/sdk/src/api/convert.rs",
     "*field = Some(sandbox.policy());", "*field = Some(Sandbox::FullAccess.policy());",
     TESTS + ["--test", "api_wire"]),
    ("convert-reviewer-forced", "templates/sdk/src/api/convert.rs",
     "*reviewer = wire_reviewer;", "*reviewer = Some(ApprovalsReviewer::AutoReview);",
     TESTS + ["--test", "api_wire"]),
    # Default handlers.
    ("default-command-accept", "templates/sdk/src/handler_defaults.rs",
     "CommandExecutionApprovalDecision::Decline", "CommandExecutionApprovalDecision::Accept",
     TESTS + ["--test", "wire_requests"]),
    ("default-file-change-accept", "templates/sdk/src/handler_defaults.rs",
     "FileChangeApprovalDecision::Decline", "FileChangeApprovalDecision::Accept",
     TESTS + ["--test", "wire_requests"]),
    ("default-permissions-session", "templates/sdk/src/handler_defaults.rs",
     "response.scope = Some(PermissionGrantScope::Turn);", "response.scope = Some(PermissionGrantScope::Session);",
     TESTS + ["--test", "wire_requests"]),
    ("default-elicitation-accept", "templates/sdk/src/handler_defaults.rs",
     "McpServerElicitationAction::Decline", "McpServerElicitationAction::Accept",
     TESTS + ["--test", "wire_requests"]),
    ("default-tool-call-success", "templates/sdk/src/handler_defaults.rs",
     "Ok(DynamicToolCallResponse::new(Vec::new(), false))", "Ok(DynamicToolCallResponse::new(Vec::new(), true))",
     TESTS + ["--test", "wire_requests"]),
    # The router's filter.
    ("router-thread-filter-all", "templates/sdk/src/router.rs",
     "Filter::Thread(id) => notification.thread_id() == Some(id.as_str()),", "Filter::Thread(_) => true,",
     TESTS + ["--test", "router_filter"]),
    ("router-turn-filter-any-turn", "templates/sdk/src/router.rs",
     "Filter::Turn(id) => notification.turn_id() == Some(id.as_str()),",
     "Filter::Turn(_) => notification.turn_id().is_some(),",
     TESTS + ["--test", "router_filter"]),
    ("router-publish-ignores-filter", "templates/sdk/src/router.rs",
     "!subscriber.filter.matches(notification) || subscriber.offer(notification)",
     "subscriber.offer(notification)",
     TESTS + ["--test", "router_filter"]),
    # Turn completion and the final response.
    ("turn-ends-on-any-completion", "templates/sdk/src/api/turn.rs",
     "ServerNotification::TurnCompleted(done) => done.turn.id == self.id,",
     "ServerNotification::TurnCompleted(_) => true,",
     TESTS + ["--test", "final_response"]),
    ("final-response-first", "templates/sdk/src/api/turn.rs",
     "items.iter().rev().filter_map(|item| match item {", "items.iter().filter_map(|item| match item {",
     TESTS + ["--test", "final_response"]),
    ("final-response-commentary", "templates/sdk/src/api/turn.rs",
     ".find(|(_, phase)| *phase == &Some(MessagePhase::FinalAnswer))",
     ".find(|(_, phase)| *phase == &Some(MessagePhase::Commentary))",
     TESTS + ["--test", "final_response"]),
    ("final-response-any-fallback", "templates/sdk/src/api/turn.rs",
     ".or_else(|| messages().find(|(_, phase)| phase.is_none()))", ".or_else(|| messages().next())",
     TESTS + ["--test", "final_response"]),
    ("turn-items-ignore-completed-turn", "templates/sdk/src/api/turn.rs",
     "let items = if collected.items.is_empty() { turn.items } else { collected.items };",
     "let items = collected.items;",
     TESTS + ["--test", "final_response"]),
    # Runtime checksum (the generator compiles the same file).
    ("checksum-sha256-ignored", "templates/sdk/src/runtime/install.rs",
     "if actual.eq_ignore_ascii_case(expected) {", "if !actual.is_empty() {",
     CODEGEN + ["--test", "runtime_install", "a_tampered_wheel"]),
    ("checksum-integrity-ignored", "templates/sdk/src/runtime/install.rs",
     "if actual == expected {", "if actual != expected || true {",
     CODEGEN + ["--test", "runtime_install", "an_npm_only"]),
    ("checksum-marker-ignored", "templates/sdk/src/runtime/install.rs",
     "(marker.trim() == source.checksum() && codex.is_file()).then_some(codex)",
     "(!marker.is_empty() && codex.is_file()).then_some(codex)",
     CODEGEN + ["--test", "runtime_install", "an_npm_only"]),
    # The drift check.
    ("drift-ignores-edits", "codegen/src/output.rs",
     "Some(text) if text == file.contents => {}", "Some(_) => {}",
     CODEGEN + ["--test", "drift", "drift"]),
    ("drift-ignores-extra-files", "codegen/src/output.rs",
     "for extra in current.keys() {", "for extra in current.keys().take(0) {",
     CODEGEN + ["--test", "drift", "drift"]),
    # The protocol diff's classification.
    ("diff-method-removed-neutral", "codegen/src/protocol_diff/classify.rs",
     'Table::ClientRequests => ("method removed", Breaking,', 'Table::ClientRequests => ("method removed", Neutral,',
     CODEGEN + ["--test", "protocol_diff"]),
    ("diff-retype-additive", "codegen/src/protocol_diff/classify.rs",
     "(true, _) => verdict_part(Breaking, \"the value's type changed\"),",
     "(true, _) => verdict_part(Additive, \"the value's type changed\"),",
     CODEGEN + ["--test", "protocol_diff"]),
    ("diff-member-added-breaking", "codegen/src/protocol_diff/classify.rs",
     'Ok(()) => verdict_part(Additive, "older SDKs decode it as `Unknown`"),',
     'Ok(()) => verdict_part(Breaking, "older SDKs decode it as `Unknown`"),',
     CODEGEN + ["--test", "protocol_diff"]),
]


def run(cmd, cwd, env, log):
    log.write(f"$ {' '.join(cmd)}\n")
    log.flush()
    return subprocess.run(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated mutation ids")
    parser.add_argument("--scratch", default="/tmp/openai-codex-mutants")
    parser.add_argument("--keep", action="store_true", help="keep the scratch worktree afterwards")
    args = parser.parse_args()
    chosen = MUTATIONS
    if args.only:
        wanted = set(args.only.split(","))
        chosen = [m for m in MUTATIONS if m[0] in wanted]
        unknown = wanted - {m[0] for m in chosen}
        if unknown:
            sys.exit(f"unknown mutation ids: {sorted(unknown)}")

    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = env.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    # Incremental caches of the scratch crates would take gigabytes of disk.
    env["CARGO_INCREMENTAL"] = "0"
    scratch = args.scratch
    log_path = os.path.join(ROOT, "target", "mutants.log")
    log = open(log_path, "w")
    head = subprocess.check_output(["git", "rev-parse", "HEAD"], cwd=ROOT, text=True).strip()
    if not os.path.isdir(scratch):
        subprocess.check_call(["git", "worktree", "add", "--detach", "--force", scratch, head], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.check_call(["git", "checkout", "--detach", "--force", head], cwd=scratch,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    results = []
    try:
        # The unmutated baseline must pass, or "caught" means nothing.
        baseline = {tuple(m[4]) for m in chosen}
        for cmd in sorted(baseline):
            if run(list(cmd), scratch, env, log) != 0:
                sys.exit(f"the baseline fails: {' '.join(cmd)} (see {log_path})")
        for ident, path, original, mutated, cmd in chosen:
            file = os.path.join(scratch, path)
            text = open(file).read()
            if text.count(original) != 1:
                sys.exit(f"{ident}: the original text occurs {text.count(original)} times in {path}")
            started = time.time()
            open(file, "w").write(text.replace(original, mutated))
            log.write(f"\n=== {ident}: {path}\n- {original}\n+ {mutated}\n")
            status = 0
            if path.startswith("templates/sdk/"):
                status = run(["cargo", "codegen", "generate"], scratch, env, log)
            log.flush()
            start = os.path.getsize(log_path)
            if status == 0:
                status = run(cmd, scratch, env, log)
            log.flush()
            with open(log_path) as seen:
                seen.seek(start)
                build_failed = "could not compile" in seen.read()
            # A mutation the compiler refuses is caught too, but not by a test: say so.
            outcome = "SURVIVED" if status == 0 else ("caught (build)" if build_failed else "caught")
            seconds = time.time() - started
            results.append((ident, path, original, mutated, " ".join(cmd[3:]), outcome, seconds))
            print(f"{outcome:8} {ident} ({seconds:.0f} s)", flush=True)
            subprocess.check_call(["git", "checkout", "--force", "--", "."], cwd=scratch)
            subprocess.check_call(["git", "clean", "-fdq", "--", "sdk"], cwd=scratch)
    finally:
        if not args.keep:
            subprocess.call(["git", "worktree", "remove", "--force", scratch], cwd=ROOT)
        log.close()

    caught = sum(1 for r in results if r[5].startswith("caught"))
    report = [
        "# Mutation run (bench/mutants.py)",
        "",
        f"{caught} caught of {len(results)} mutations, at commit {head[:10]}.",
        "Rerun: `python3 bench/mutants.py` (`--only ID,...` for some).",
        "",
        "| mutation | file | tests run | outcome |",
        "|---|---|---|---|",
    ]
    for ident, path, _original, _mutated, tests, outcome, _seconds in results:
        report.append(f"| `{ident}` | `{path}` | `{tests}` | {outcome} |")
    if not args.only:
        with open(os.path.join(ROOT, "bench", "MUTANTS.md"), "w") as out:
            out.write("\n".join(report) + "\n")
    print(f"{caught} caught of {len(results)}")
    sys.exit(0 if caught == len(results) else 1)


if __name__ == "__main__":
    main()
