"""Write a GitHub Classroom autograding workflow for one or more workbench exercises.

    python classroom/github/make_workflow.py bump [freelist ...] [-o classroom.yml]
        [--package "unikernel-workbench @ git+https://github.com/YOUR-ORG/unikernel-workbench.git"]

Put the result in the assignment's template repository as .github/workflows/classroom.yml.
Each exercise is graded once (a step that writes Gradescope's results.json, which has one
test per check); then one autograding-command-grader step per check passes when that check
passed, with the check's points as its max-score, so GitHub Classroom gives part marks check
by check. `classroom.yml` beside this script is its output for `bump`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbench.core.learn.grading import find_exercise  # noqa: E402

PACKAGE = "unikernel-workbench @ git+https://github.com/YOUR-ORG/unikernel-workbench.git"

HEAD = """\
# GitHub Classroom autograding for workbench exercises ({names}).
# Made by classroom/github/make_workflow.py; copy it to .github/workflows/classroom.yml in
# the assignment's template repository. The repository is the learner's workspace:
# `workbench exercise start NAME --workspace .` puts the exercise's component folder at its
# top, and the learner commits it. Each push grades it: every exercise once, then one
# command-grader step per check (its points as max-score), so the score is given check by
# check. The full report and the transcripts of failed checks are in the "Grade" step's log
# and in the "grade" artifact.
#
# Change for your class: WB_PACKAGE, where pip gets the workbench (a git URL of your copy,
# or a wheel's URL).
name: Autograding Tests
'on':
- push
- repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
env:
  WB_PACKAGE: {package}
  WB_TIMEOUT_SCALE: "3"
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
    - name: Checkout code
      uses: actions/checkout@v4
    - name: Install QEMU and the workbench
      run: |
        sudo apt-get update -q
        sudo apt-get install -y -q --no-install-recommends qemu-system-x86 graphviz
        python3 -m venv "$RUNNER_TEMP/wb"
        "$RUNNER_TEMP/wb/bin/pip" install -q "$WB_PACKAGE"
        echo "$RUNNER_TEMP/wb/bin" >> "$GITHUB_PATH"
        echo "WB_HOME=$RUNNER_TEMP/wb-home" >> "$GITHUB_ENV"
"""

GRADE = """\
    - name: Grade {name}
      continue-on-error: true
      run: {command}
"""

CHECK = """\
    - name: {step}
      id: {id}
      uses: classroom-resources/autograding-command-grader@v1
      with:
        test-name: {step}
        setup-command: ''
        command: {command}
        timeout: 1
        max-score: {points}
"""

TAIL = """\
    - name: Keep the transcripts
      if: always()
      uses: actions/upload-artifact@v4
      with:
        name: grade
        path: |
          ${{{{ runner.temp }}}}/grade/
          .grade/
        if-no-files-found: ignore
    - name: Autograding Reporter
      uses: classroom-resources/autograding-grading-reporter@v1
      env:
{env}      with:
        runners: {runners}
"""

# passes when the check named by the second argument passed in the results.json named first
PASSED = ("import json,sys; r=json.load(open(sys.argv[1])); "
          "sys.exit(0 if any(t['name']==sys.argv[2] and t['status']=='passed' "
          "for t in r['tests']) else 1)")


# prints the report kept in a results.json (the log then reads like `workbench grade`)
REPORT = "import json,sys; print(json.load(open(sys.argv[1]))['output'])"


def grade_command(name: str) -> str:
    """The shell command that grades exercise `name` in the checked-out workspace (once; its
    transcripts go to .grade/NAME/ there)."""
    out = f'"$RUNNER_TEMP/grade/{name}.json"'
    return (f"mkdir -p \"$RUNNER_TEMP/grade\" && workbench grade {name} --workspace . "
            f'--format gradescope --out {out} && python3 -c "{REPORT}" {out}')


def check_command(name: str, check: str) -> str:
    return f'python3 -c "{PASSED}" "$RUNNER_TEMP/grade/{name}.json" {check}'


def workflow(names: list[str], package: str = PACKAGE) -> str:
    text = HEAD.format(names=", ".join(names), package=json.dumps(package))
    ids: list[str] = []
    for name in names:
        ex = find_exercise(name)
        text += GRADE.format(name=name, command=json.dumps(grade_command(name)))
        for check in ex.checks:
            ids.append(f"{name}-{check.name}".replace("-", "_"))
            text += CHECK.format(step=f"{name} {check.name}", id=ids[-1],
                                 command=json.dumps(check_command(name, check.name)),
                                 points=check.points)
    env = "".join(f'        {i.upper()}_RESULTS: "${{{{steps.{i}.outputs.result}}}}"\n'
                  for i in ids)
    return text + TAIL.format(env=env, runners=",".join(ids))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("exercises", nargs="+")
    ap.add_argument("-o", "--out", help="write here instead of standard output")
    ap.add_argument("--package", default=PACKAGE, help="what pip installs (WB_PACKAGE)")
    args = ap.parse_args()
    text = workflow(args.exercises, args.package)
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
