"""The official Python SDK (`openai-codex` 0.163.0) on the benchmark scenarios.

    python_sdk.py turns --codex-bin BIN --cwd DIR --turns N [--concurrency C]...
        Turns/s with each concurrency level given (default 1 and 8) concurrent threads (AsyncCodex) against the mock
        model that the Rust bench started, and the CPU time per turn over
        the timed turns of this process and of its app-server; CODEX_HOME comes from the environment.
        Prints one JSON object.
    python_sdk.py startup --codex-bin BIN --cwd DIR
        One start-up per line read from stdin: `AsyncCodex(config)` entered
        (spawn + initialize), its milliseconds printed as a line, then closed
        (not timed). The Rust start-up bench drives it, interleaved.
    python_sdk.py decode STREAM.jsonl [--reps N]
        Decodes each line like the SDK's client does (json.loads, then the
        generated pydantic model of its method), median MB/s over N passes.
    python_sdk.py decode-paired STREAM.jsonl
        The same decode, one pass per line read from stdin, so the Rust decode
        bench can interleave its own passes with these: prints a JSON header
        (lines, MB, lines without a model or failing validation, from one
        warm-up pass), then the seconds of each pass (`typed` on stdin) or of
        json.loads alone (`json` on stdin) as a line.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import time

from openai_codex import AsyncCodex, CodexConfig, Sandbox
from openai_codex.generated.notification_registry import NOTIFICATION_MODELS

PROMPT = "Say done."


async def run_turns(codex, thread, n):
    for _ in range(n):
        result = await thread.run(PROMPT)
        assert result.final_response, result


async def turns(args):
    config = CodexConfig(codex_bin=args.codex_bin, cwd=args.cwd)
    out = {"turns_per_s": {}, "client_cpu_us_per_turn": {}, "runtime_cpu_us_per_turn": {}}
    async with AsyncCodex(config=config) as codex:
        for concurrency in args.concurrency:
            threads = []
            for _ in range(concurrency):
                thread = await codex.thread_start(sandbox=Sandbox.read_only, cwd=args.cwd)
                await run_turns(codex, thread, 1)  # warm-up
                threads.append(thread)
            per_thread = args.turns // concurrency
            started = time.perf_counter()
            cpu_started = time.process_time()  # this process only: its app-server is a child
            runtime_started = children_cpu_ns()
            await asyncio.gather(*(run_turns(codex, t, per_thread) for t in threads))
            cpu = time.process_time() - cpu_started
            runtime_ns = children_cpu_ns() - runtime_started
            elapsed = time.perf_counter() - started
            out["turns_per_s"][str(concurrency)] = per_thread * concurrency / elapsed
            out["client_cpu_us_per_turn"][str(concurrency)] = cpu / (per_thread * concurrency) * 1e6
            out["runtime_cpu_us_per_turn"][str(concurrency)] = runtime_ns / (per_thread * concurrency) / 1e3
            if concurrency == 1:
                out["mean_ms_per_turn"] = elapsed / per_thread * 1e3
            print(f"python: {concurrency} thread(s): {out['turns_per_s'][str(concurrency)]:.1f} turns/s", file=sys.stderr)
    print(json.dumps(out))


def threads_cpu_ns(pid):
    """CPU time so far of every thread of process `pid` (Linux schedstat)."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def child_pids(pid):
    pids = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return pids
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                pids.extend(f.read().split())
        except OSError:
            pass
    return pids


def children_cpu_ns():
    """CPU time so far of the processes this one started (its app-server)
    and their descendants, as the Rust bench measures its own."""
    total = 0
    pending = child_pids("self")
    while pending:
        pid = pending.pop()
        total += threads_cpu_ns(pid)
        pending.extend(child_pids(pid))
    return total


async def startup(args):
    config = CodexConfig(codex_bin=args.codex_bin, cwd=args.cwd)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        started = time.perf_counter()
        async with AsyncCodex(config=config) as codex:
            elapsed = time.perf_counter() - started
            assert codex.metadata.userAgent
        print(f"{elapsed * 1e3:.3f}", flush=True)


def read_stream(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return lines, sum(len(line.encode("utf-8")) + 1 for line in lines)


def decode_pass(lines):
    """One typed pass: (seconds, lines without a model, lines failing validation)."""
    unknown = 0
    invalid = 0
    started = time.perf_counter()
    for line in lines:
        message = json.loads(line)
        model = NOTIFICATION_MODELS.get(message["method"])
        if model is None:
            unknown += 1
            continue
        try:
            model.model_validate(message.get("params") or {})
        except Exception:  # the SDK falls back to UnknownNotification too
            invalid += 1
    return time.perf_counter() - started, unknown, invalid


def json_pass(lines):
    started = time.perf_counter()
    for line in lines:
        json.loads(line)
    return time.perf_counter() - started


def decode(args):
    lines, size = read_stream(args.stream)
    passes = [decode_pass(lines) for _ in range(args.reps)]
    json_times = [json_pass(lines) for _ in range(args.reps)]
    print(json.dumps({
        "mb": size / 1e6,
        "lines": len(lines),
        "unknown": passes[0][1],
        "invalid": passes[0][2],
        "typed_mb_s": size / 1e6 / statistics.median(p[0] for p in passes),
        "json_mb_s": size / 1e6 / statistics.median(json_times),
    }))


def decode_paired(args):
    lines, size = read_stream(args.stream)
    _, unknown, invalid = decode_pass(lines)
    print(json.dumps({"mb": size / 1e6, "lines": len(lines), "unknown": unknown, "invalid": invalid}), flush=True)
    for command in sys.stdin:
        command = command.strip()
        seconds = decode_pass(lines)[0] if command == "typed" else json_pass(lines)
        print(f"{seconds:.6f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("turns")
    t.add_argument("--codex-bin", required=True)
    t.add_argument("--cwd", required=True)
    t.add_argument("--turns", type=int, default=40)
    t.add_argument("--concurrency", type=int, action="append")
    s = sub.add_parser("startup")
    s.add_argument("--codex-bin", required=True)
    s.add_argument("--cwd", required=True)
    d = sub.add_parser("decode")
    d.add_argument("stream")
    d.add_argument("--reps", type=int, default=3)
    p = sub.add_parser("decode-paired")
    p.add_argument("stream")
    args = parser.parse_args()
    if args.command == "turns" and not args.concurrency:
        args.concurrency = [1, 8]
    if args.command == "turns":
        asyncio.run(turns(args))
    elif args.command == "startup":
        asyncio.run(startup(args))
    elif args.command == "decode-paired":
        decode_paired(args)
    else:
        decode(args)


if __name__ == "__main__":
    main()
