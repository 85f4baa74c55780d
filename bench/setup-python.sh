#!/usr/bin/env bash
# Creates bench/.venv with the official Python SDK, `openai-codex` 0.163.0
# (it pins the same runtime, `openai-codex-cli-bin` 0.163.0, as this
# workspace). Idempotent: a venv that already has it is left alone.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
version="0.163.0"
if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('openai-codex') != '$version')" 2>/dev/null; then
  echo "bench/.venv already has openai-codex $version"
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "openai-codex==$version"
"$venv/bin/python" -c "import importlib.metadata as m; print('openai-codex', m.version('openai-codex'), 'requires', [r for r in m.requires('openai-codex') if 'cli-bin' in r])"
