#!/usr/bin/env bash
# One entry point for learners, teachers and CI.
#   ./workbench.sh          install what is missing, then open the workbench
#   ./workbench.sh test     install what is missing, then run the whole test suite
#   ./workbench.sh ARGS...  install what is missing, then run `workbench ARGS...`
# Installing is idempotent and quiet when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = "test" ]; then export WB_SETUP_TESTS=1; fi
bash scripts/setup.sh
if [ "${1:-}" = "test" ]; then
    shift
    exec .venv/bin/python -m pytest -q -rs "$@"  # -rs: every skip with its reason
fi
exec .venv/bin/workbench "$@"
