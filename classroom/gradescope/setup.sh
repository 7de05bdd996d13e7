#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# It installs QEMU and the workbench; the workbench's C toolchain (zig's clang and lld)
# comes from pip. The autograder zip (see make_autograder.sh) holds the workbench's wheel;
# without one, WB_PACKAGE names what pip installs (e.g. a git URL).
set -euo pipefail
SOURCE="${AUTOGRADER_ROOT:-/autograder}/source"
VENV="${WB_VENV:-/opt/workbench}"

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends qemu-system-x86 python3 python3-venv graphviz

python3 -m venv "$VENV"
wheel=$(ls "$SOURCE"/unikernel_workbench-*.whl 2>/dev/null | head -n 1 || true)
"$VENV/bin/pip" install -q "${wheel:-${WB_PACKAGE:?no wheel in $SOURCE and WB_PACKAGE not set}}"

# Build the toolchain's caches once, in the image, so a submission's grading does not pay
# for it: grading the built-in reference also checks that QEMU works here.
"$VENV/bin/workbench" grade "$(cat "$SOURCE/exercise")" --reference >/dev/null
