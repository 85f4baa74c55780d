#!/usr/bin/env bash
# Build cost of the SDK: a clean `cargo build -p openai-codex` (debug) and
# its line count against a scratch crate holding only the wire types
# (sdk/src/types.rs and its area modules sdk/src/types/*.rs, with
# serde/serde_json), each in its own fresh
# CARGO_TARGET_DIR under target/bench-build/. Prints `BENCH {json}` rows.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
base="$root/target/bench-build"
rm -rf "$base"
mkdir -p "$base/wire-types/src"
cp sdk/src/types.rs "$base/wire-types/src/lib.rs"
# The area modules (`mod thread;` in types.rs) sit beside the crate root.
cp sdk/src/types/*.rs "$base/wire-types/src/"
cp Cargo.lock "$base/wire-types/Cargo.lock"
cat > "$base/wire-types/Cargo.toml" <<'TOML'
[package]
name = "wire-types-only"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = { version = "1", features = ["raw_value"] }

[workspace]
TOML

secs() { local s; s=$(date +%s.%N); "$@" >&2; echo "$(date +%s.%N) - $s" | bc; }
# The baseline first, then the SDK, then the baseline again (median-free but
# bracketing: the mean of the two baseline runs).
b1=$(CARGO_TARGET_DIR="$base/target-types-1" secs cargo build --offline --manifest-path "$base/wire-types/Cargo.toml")
sdk=$(CARGO_TARGET_DIR="$base/target-sdk" secs cargo build --offline --locked -p openai-codex)
b2=$(CARGO_TARGET_DIR="$base/target-types-2" secs cargo build --offline --manifest-path "$base/wire-types/Cargo.toml")
sdk_lines=$(find sdk/src -name '*.rs' -print0 | xargs -0 cat | wc -l)
type_lines=$(cat sdk/src/types.rs sdk/src/types/*.rs | wc -l)
python3 - "$sdk" "$b1" "$b2" "$sdk_lines" "$type_lines" <<'PY'
import json, sys
sdk, b1, b2 = map(float, sys.argv[1:4]); lines, tlines = map(int, sys.argv[4:6])
base = (b1 + b2) / 2
def row(**kw): print("BENCH " + json.dumps(kw))
row(figure="clean `cargo build -p openai-codex` (debug), s (baseline: crate of only `types.rs` + serde/serde_json)",
    value=f"{sdk:.1f} s", baseline=f"{base:.1f} s ({b1:.1f} / {b2:.1f})", ratio=f"{sdk / base:.2f}",
    target="reported (no target)", met="n/a")
row(figure="lines of `sdk/src/**/*.rs` (baseline: the wire types, `sdk/src/types.rs` and `sdk/src/types/*.rs`)", value=str(lines), baseline=str(tlines),
    ratio=f"{lines / tlines:.2f}", target="reported (no target)", met="n/a")
PY
