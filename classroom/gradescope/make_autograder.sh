#!/usr/bin/env bash
# Make the zip to upload as a Gradescope "autograder" for one exercise:
#   classroom/gradescope/make_autograder.sh bump [bump-autograder.zip]
# It holds setup.sh, run_autograder, a file naming the exercise and the workbench's wheel
# (built from this checkout), so Gradescope's image needs nothing from the checkout.
set -euo pipefail
EXERCISE="${1:?usage: make_autograder.sh EXERCISE [OUT.zip]}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="$(realpath -m "${2:-$EXERCISE-autograder.zip}")"
PY="${PYTHON:-$REPO/.venv/bin/python}"
[ -x "$PY" ] || PY=python3

"$PY" -m workbench exercise list | awk '{print $1}' | grep -qx "$EXERCISE" ||
    { echo "error: no exercise named '$EXERCISE' (see: workbench exercise list)" >&2; exit 2; }
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
"$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$STAGE" "$REPO" ||
    "$PY" -m pip wheel -q --no-deps -w "$STAGE" "$REPO"
cp "$HERE/setup.sh" "$HERE/run_autograder" "$STAGE/"
echo "$EXERCISE" > "$STAGE/exercise"
rm -f "$OUT"
(cd "$STAGE" && "$PY" -m zipfile -c "$OUT" setup.sh run_autograder exercise ./*.whl)
echo "$OUT"
