#!/usr/bin/env bash
# Runs the whole test suite (installing what it needs first, Chromium included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
