#!/usr/bin/env bash
# Builds the demo city into site/ (installing what it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/kb build "$@"
echo
echo "The demo site is in site/public (residents) and site/agent (call agents)."
echo "Open it with a live preview:  .venv/bin/kb serve   (then http://127.0.0.1:8000/)"
