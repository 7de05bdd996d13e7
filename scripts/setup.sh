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

# The test suite and the benchmarks compare the appliances with real servers and real load
# tools, and build a Linux guest to measure against: `./workbench.sh test` (WB_SETUP_TESTS=1)
# installs them too, where the platform has them.
if [ "${WB_SETUP_TESTS:-0}" = "1" ] && command -v apt-get >/dev/null 2>&1; then
    test_pkgs=(gcc binutils nsd nginx-light passt dnsperf wrk busybox-static cpio chromium)
    test_missing=()
    for p in "${test_pkgs[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || test_missing+=("$p")
    done
    if [ ${#test_missing[@]} -gt 0 ]; then
        echo "setup: installing test tools: ${test_missing[*]}"
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        $SUDO apt-get update -qq
        # The servers are run by the tests on loopback ports; their packaged services must not
        # start (no init system in a container, and they would hold ports 53 and 80).
        echo exit 101 | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod +x /usr/sbin/policy-rc.d
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
            "${test_missing[@]}" >/dev/null
        $SUDO rm -f /usr/sbin/policy-rc.d
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

# The JupyterHub test (tests/test_jupyterhub.py) runs a real hub, whose HTTP proxy is
# configurable-http-proxy from npm (Node.js from the system's packages where missing).
if [ "${WB_SETUP_TESTS:-0}" = "1" ] && ! command -v configurable-http-proxy >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing Node.js and npm"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
            nodejs npm >/dev/null
    fi
    if command -v npm >/dev/null 2>&1; then
        echo "setup: installing configurable-http-proxy (npm)"
        $SUDO npm install -g --silent configurable-http-proxy >/dev/null
    fi
fi
