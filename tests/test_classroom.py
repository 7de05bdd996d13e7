"""Grades where teachers collect them: Gradescope's results.json, the Gradescope autograder
folder, the GitHub Classroom workflow, and a whole class graded at once (`grade --all`).
Real builds, real boots of the bump exercise's test kernel."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import KERNELS, REPO, run_cli

CLASSROOM = REPO / "classroom"
WORKBENCH = Path(sys.executable).parent / "workbench"

pytestmark = pytest.mark.qemu


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def _started(ws: Path, home: Path) -> Path:
    """A workspace with the untouched starter of bump (it passes one check of six)."""
    r = run_cli("exercise", "start", "bump", "--workspace", str(ws), env={"WB_HOME": str(home)})
    assert r.returncode == 0, r.stderr
    return ws


def _finished(ws: Path) -> Path:
    """A workspace whose copy of bump is the built-in solution (full marks)."""
    ws.mkdir(parents=True, exist_ok=True)
    shutil.copytree(KERNELS / "lib" / "alloc-bump", ws / "alloc-bump")
    return ws


def test_gradescope_results_json(tmp_path, home):
    ws = _started(tmp_path / "ws", tmp_path / "learner-home")
    out = tmp_path / "results" / "results.json"
    r = run_cli("grade", "bump", "--workspace", str(ws), "--format", "gradescope",
                "--out", str(out), env={"WB_HOME": str(home)})
    assert r.returncode == 0, r.stderr  # a low score is a result, not an autograder failure
    assert r.stdout == ""
    data = json.loads(out.read_text())
    assert 0 < data["score"] < 10
    assert data["visibility"] == "visible" and "score: " in data["output"]
    assert [t["name"] for t in data["tests"]] == ["returns-memory", "aligned", "no-overlap",
                                                  "bad-sizes", "stats", "runs-out"]
    for t in data["tests"]:
        assert set(t) == {"name", "score", "max_score", "status", "output", "visibility"}
        assert t["status"] == ("passed" if t["score"] == t["max_score"] else "failed")
    assert sum(t["score"] for t in data["tests"]) == data["score"]
    assert sum(t["max_score"] for t in data["tests"]) == 10
    failed = next(t for t in data["tests"] if t["status"] == "failed")
    # the learner sees what went wrong: the problem and the console of the run
    assert "the test kernel's check" in failed["output"] and "--- console ---" in failed["output"]

    # to standard output; --json and --format gradescope together is a usage error
    r = run_cli("grade", "bump", "--workspace", str(tmp_path / "empty"), "--format",
                "gradescope", env={"WB_HOME": str(home)})
    assert r.returncode == 0 and json.loads(r.stdout)["score"] == 0
    assert "no submission found" in json.loads(r.stdout)["tests"][0]["output"]
    r = run_cli("grade", "bump", "--format", "gradescope", "--json", env={"WB_HOME": str(home)})
    assert r.returncode == 2 and "two formats" in r.stderr
    assert not (home / "progress.json").exists(), "grading others' work records nothing"


def test_gradescope_autograder_folder(tmp_path):
    """run_autograder as Gradescope runs it, in a /autograder laid out in a temporary folder."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "source" / "exercise").write_text("bump\n")
    _finished(root / "submission")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "WORKBENCH": str(WORKBENCH)}
    env.pop("WB_HOME")
    r = subprocess.run([CLASSROOM / "gradescope" / "run_autograder"], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 10 and all(t["status"] == "passed" for t in data["tests"])
    assert not (root / "home" / "progress.json").exists()

    # setup.sh installs from the zip's wheel, and make_autograder.sh packs one with it
    setup = (CLASSROOM / "gradescope" / "setup.sh").read_text()
    assert "unikernel_workbench-*.whl" in setup and "qemu-system-x86" in setup
    r = subprocess.run(["bash", "-n", CLASSROOM / "gradescope" / "setup.sh"])
    assert r.returncode == 0
    assert "setup.sh run_autograder exercise" in \
        (CLASSROOM / "gradescope" / "make_autograder.sh").read_text()


def test_github_classroom_workflow_scores_check_by_check(tmp_path, home):
    """The workflow template's commands, run as GitHub runs them (a shell in the checked-out
    repository): one grading, then one step per check that passes when the check passed,
    worth its points. The template is the generator's output for bump (no drift)."""
    sys.path.insert(0, str(CLASSROOM / "github"))
    try:
        from make_workflow import workflow
    finally:
        sys.path.pop(0)
    text = (CLASSROOM / "github" / "classroom.yml").read_text()
    assert text == workflow(["bump"]), "regenerate: make_workflow.py bump -o classroom.yml"
    assert "classroom-resources/autograding-command-grader@v1" in text
    assert "classroom-resources/autograding-grading-reporter@v1" in text
    grade = json.loads(re.search(r"^\s+run: (\".*\")$", text, re.M).group(1))
    checks = [(json.loads(c), int(p)) for c, p in
              re.findall(r"^\s+command: (\".*\")\n.*\n\s+max-score: (\d+)$", text, re.M)]
    assert len(checks) == 6 and sum(p for _, p in checks) == 10
    runners = re.search(r"runners: (.+)$", text, re.M).group(1).split(",")
    for runner in runners:
        assert f"{runner.upper()}_RESULTS: \"${{{{steps.{runner}.outputs.result}}}}\"" in text
    env = {**os.environ, "WB_HOME": str(home),
           "PATH": f"{WORKBENCH.parent}{os.pathsep}{os.environ['PATH']}"}
    for ws, expected in ((_finished(tmp_path / "done"), 10),
                         (_started(tmp_path / "todo", tmp_path / "learner-home"), None)):
        env["RUNNER_TEMP"] = str(tmp_path / f"runner-{ws.name}")
        r = subprocess.run(["bash", "-c", grade], cwd=ws, env=env, capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0 and "score: " in r.stdout, r.stdout + r.stderr
        results = json.loads((Path(env["RUNNER_TEMP"]) / "grade" / "bump.json").read_text())
        earned = 0
        for command, points in checks:
            r = subprocess.run(["bash", "-c", command], cwd=ws, env=env, timeout=60)
            earned += points if r.returncode == 0 else 0
        assert earned == results["score"] == (expected if expected is not None else earned)
        assert expected is not None or 0 < earned < 10
        assert (ws / ".grade" / "bump" / "grade.json").is_file()  # kept as the artifact


def test_grade_all_a_class(tmp_path, home):
    subs = tmp_path / "submissions"
    _started(subs / "alice", tmp_path / "alice-home")
    _finished(subs / "bob")
    (subs / "carol").mkdir()  # handed in nothing
    _finished(subs / "dave")
    (subs / "dave" / "alloc-bump" / "component.toml").write_text("name = [\n")  # damaged
    (subs / ".git").mkdir()  # not a learner
    env = {"WB_HOME": str(home)}
    r = run_cli("grade", "--all", str(subs), "bump", "--jobs", "2", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["learner", "bump", "total"]
    scores = {row[0]: int(row[1]) for row in rows[1:]}
    assert list(scores) == ["alice", "bob", "carol", "dave"]
    assert 0 < scores["alice"] < 10 and scores["bob"] == 10
    assert scores["carol"] == 0 and scores["dave"] == 0
    # progress on the terminal: one line per grading, with the learner's result
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("[")]
    assert len(lines) == 4 and any("carol  bump  no submission" in ln for ln in lines)
    assert any("dave  bump  0/10" in ln and "component.toml" in ln for ln in lines)
    assert "Traceback" not in r.stderr
    # nothing recorded in the grader's own progress; transcripts beside each learner's work
    assert not (home / "progress.json").exists()
    assert (subs / "alice" / ".grade" / "bump" / "grade.json").is_file()

    # --json, and the CSV into a file
    out = tmp_path / "class.csv"
    r = run_cli("grade", "--all", str(subs / "."), "bump", "--json", "--out", str(out),
                env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["exercises"] == ["bump"]
    assert [row["learner"] for row in data["learners"]] == ["alice", "bob", "carol", "dave"]
    assert data["learners"][2]["grades"]["bump"]["graded"] == "nothing"
    assert out.read_text().splitlines()[2] == "bob,10,10"


def test_grade_all_mistakes_are_usage_errors(tmp_path, home):
    env = {"WB_HOME": str(home)}
    r = run_cli("grade", "--all", str(tmp_path / "missing"), "bump", env=env)
    assert r.returncode == 2 and "is not a folder" in r.stderr
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    r = run_cli("grade", "--all", str(tmp_path / "subs"), "bumpp", env=env)
    assert r.returncode == 2 and "bump" in r.stderr
    r = run_cli("grade", "--all", str(tmp_path / "subs"), "bump", "--jobs", "0", env=env)
    assert r.returncode == 2 and "--jobs" in r.stderr
    r = run_cli("grade", env=env)
    assert r.returncode == 2 and "--all" in r.stderr


def test_grading_someone_elses_workspace_records_nothing(tmp_path, home):
    """The learner's own workspaces (the default one, or where they started the exercise)
    record a best score; a workspace graded by a teacher does not."""
    env = {"WB_HOME": str(home)}
    other = _finished(tmp_path / "other")
    r = run_cli("grade", "bump", "--workspace", str(other), env=env)
    assert r.returncode == 0
    assert not (home / "progress.json").exists()

    mine = _started(tmp_path / "mine", home)
    shutil.copyfile(KERNELS / "lib" / "alloc-bump" / "bump.c", mine / "alloc-bump" / "bump.c")
    r = run_cli("grade", "bump", "--workspace", str(mine), env=env)
    assert r.returncode == 0
    saved = json.loads((home / "progress.json").read_text())
    assert saved["exercises"]["bump"]["best"] == 10
