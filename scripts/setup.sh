#!/usr/bin/env bash
# Installs what the workbench needs, and nothing when all of it is already there.
#  - system programs: QEMU (x86-64), Graphviz, dig, curl, tmux
#  - a virtual environment in .venv with the package and its Python dependencies
#    (the C toolchain, zig's clang + lld, comes from pip as the `ziglang` package)
set -euo pipefail
cd "$(dirname "$0")/.."

need_cmds=(qemu-system-x86_64 dot dig curl tmux)
missing=()
for c in "${need_cmds[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing system packages for: ${missing[*]}"
    if [ "$(uname -s)" = "Darwin" ]; then
        brew install qemu graphviz bind curl tmux
    elif command -v apt-get >/dev/null 2>&1; then
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
            qemu-system-x86 graphviz dnsutils curl tmux python3-venv >/dev/null
    else
        echo "setup: please install QEMU (qemu-system-x86_64), Graphviz, dig, curl and tmux" >&2
        exit 1
    fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PY" -m venv .venv
fi
stamp=.venv/.wb-installed
want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing Python packages into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
    echo "$want" > "$stamp"
fi
