"""Scoring, reports and exercise descriptions, from run results made here (no QEMU).

The grading tests that boot QEMU (test_grading.py, test_grading_contracts.py) show that real
runs are scored right; these pin down, line by line, what a learner and a teacher read: each
problem's words, the transcript of a failed check, the text and JSON reports, where the
transcripts go, and the defaults and mistakes of exercise.toml.
"""

from __future__ import annotations

import json
import shutil

import pytest

from workbench.core.builder.toolchain import BuildError, Diagnostic
from workbench.core.learn import grading as G
from workbench.core.model.errors import WorkbenchError
from workbench.core.run.qemu import RunResult
from workbench.core.run.telemetry import parse_record

BUMP = G.find_exercise("bump")
PASS_ALL = [f"check name={n} result=pass" for n in
            ("returns-memory", "aligned", "no-overlap", "writable", "zero-size", "too-big",
             "stats", "runs-out", "stays-out")]


def result(status="success", console="bump-test: PASS\n", telemetry=PASS_ALL) -> RunResult:
    return RunResult(status, 0, console, [parse_record(t) for t in telemetry], 1.0, 2.0, 3.0,
                     None, ["qemu"])


def outcomes(tests: G._TestRuns, tmp_path, ex=BUMP) -> dict[str, G.CheckOutcome]:
    return {c.name: G._score(ex, c, tests, tmp_path, "en") for c in ex.checks}


def test_a_passing_run_earns_every_point_and_keeps_no_transcript(tmp_path):
    got = outcomes(G._TestRuns(results={"basic": result()}), tmp_path)
    assert all(o.passed and o.earned == o.points and o.transcript is None and o.problems == []
               for o in got.values()), {n: o.problems for n, o in got.items()}
    assert got["aligned"].description == "every block starts on a 16-byte boundary"
    assert not list(tmp_path.iterdir())


def test_a_failed_check_says_why_and_keeps_its_run(tmp_path):
    r = result("panic", "bump-test: crashed\r\n", [t for t in PASS_ALL if "aligned" not in t])
    got = outcomes(G._TestRuns(results={"basic": r}), tmp_path)
    aligned = got["aligned"]
    assert (aligned.passed, aligned.earned, aligned.points) == (False, 0, 2)
    assert ("the test kernel never reported its check 'aligned': the run stopped on a CPU "
            "exception (a panic)") in aligned.problems
    assert aligned.transcript == tmp_path / "aligned.transcript.txt"
    text = aligned.transcript.read_text()
    assert text.startswith("exercise bump, check 'aligned' (run 'basic')\n"
                           "problem: the test kernel never reported its check 'aligned'")
    assert "status: panic\n\n--- console ---\nbump-test: crashed\n" in text  # \r\n as \n
    assert "--- telemetry ---\ncheck name=returns-memory result=pass\n" in text
    assert "client ---" not in text
    statuses = [o for o in got.values() if any("status" in p for p in o.problems)]
    for o in statuses:
        assert ("expected the test kernel to end with 'success'; it stopped on a CPU "
                "exception (a panic) (status 'panic')") in o.problems


def test_a_build_error_fails_every_check_of_its_run(tmp_path):
    err = BuildError("compiling bump.c failed", output="bump.c:3:1: error: expected ';'")
    got = outcomes(G._TestRuns(results={"basic": err}), tmp_path)
    assert all(o.problems == ["the test kernel 'basic' did not build: compiling bump.c failed "
                              "(see above)"] for o in got.values())
    assert got["stats"].transcript.read_text().endswith("\nbump.c:3:1: error: expected ';'")


def test_a_run_that_never_ran_says_so(tmp_path):
    got = outcomes(G._TestRuns(results={"basic": None}), tmp_path)
    assert got["stats"].problems == ["the test kernel 'basic' did not run"]
    got = outcomes(G._TestRuns(results={}, troubles={"basic": "QEMU did not start"}), tmp_path)
    assert got["stats"].problems == ["QEMU did not start"]


def test_client_checks_take_the_clients_problems_or_the_runs_trouble(tmp_path):
    ex = G.find_exercise("name-decoding")
    ok = result("stopped", "", [])
    tests = G._TestRuns(results={"server": ok},
                        answers={"answers": ([], "q1 fine"), "oversized": (["query 1: late"], "q1")})
    got = outcomes(tests, tmp_path, ex)
    assert got["answers"].passed and got["answers"].transcript is None
    assert got["oversized"].problems == ["query 1: late"]
    assert "--- dns client ---\nq1\n" in got["oversized"].transcript.read_text()
    tests.troubles["server"] = "the appliance did not become ready within 30 s"
    got = outcomes(tests, tmp_path, ex)
    assert got["answers"].problems == ["the appliance did not become ready within 30 s"]


def _report(tmp_path, **kw) -> G.GradeReport:
    tests = G._TestRuns(results={"basic": result(telemetry=PASS_ALL[2:])}, **kw)
    checks = [G._score(BUMP, c, tests, tmp_path, "en") for c in BUMP.checks]
    return G.GradeReport("bump", "alloc-bump", "workspace", tmp_path / "ws" / "alloc-bump",
                         checks, tests.build_errors, {"basic": {"status": "success"}}, tmp_path)


def test_text_report_one_line_per_check_and_the_score(tmp_path):
    report = _report(tmp_path)
    text = G.format_report(report)
    lines = text.splitlines()
    assert lines[0] == f"grading bump (workspace: {tmp_path / 'ws' / 'alloc-bump'})"
    width = max(len(c.name) for c in BUMP.checks)
    assert f"  FAIL  {'returns-memory':<{width}}   0/2" in lines
    assert ("          the test kernel never reported its check 'returns-memory': the run "
            "finished and reported success") in lines
    assert f"          transcript: {tmp_path / 'returns-memory.transcript.txt'}" in lines
    assert f"  PASS  {'stats':<{width}}   1/1" in lines
    assert lines[-1] == f"score: {report.score}/{report.total}" and not report.full_marks
    assert report.score == report.total - 4 and report.total == BUMP.total


def test_full_marks_and_the_json_form(tmp_path):
    tests = G._TestRuns(results={"basic": result()})
    checks = [G._score(BUMP, c, tests, tmp_path, "ja") for c in BUMP.checks]
    report = G.GradeReport("bump", "alloc-bump", "reference", tmp_path, checks, out_dir=tmp_path)
    assert report.full_marks and G.format_report(report).endswith(
        f"score: {BUMP.total}/{BUMP.total}  — full marks")
    d = report.to_dict()
    assert (d["exercise"], d["component"], d["graded"], d["source"]) == (
        "bump", "alloc-bump", "reference", str(tmp_path))
    assert (d["score"], d["total"], d["full_marks"], d["out_dir"]) == (
        BUMP.total, BUMP.total, True, str(tmp_path))
    assert d["submission"] is None and d["build_errors"] == {} and d["runs"] == {}
    first = d["checks"][0]
    assert first == {"name": "returns-memory", "points": 2, "earned": 2, "passed": True,
                     "run": "basic", "problems": [], "transcript": None,
                     "description": "小さなサイズの malloc がブロックを返す"}
    json.dumps(d)


def test_build_errors_are_shown_once_with_the_source_line(tmp_path):
    diag = Diagnostic("ws/alloc-bump/bump.c", 12, 5, "error", "expected ';'", "    return NULL")
    note = Diagnostic("ws/alloc-bump/bump.c", 11, 1, "note", "to match this", "")
    err = BuildError("compiling bump.c failed", diagnostics=[diag, note]).to_dict()
    report = _report(tmp_path, build_errors={"basic": err, "again": err})
    text = G.format_report(report)
    assert text.count("build of test kernel") == 1
    assert "build of test kernel 'basic' failed: compiling bump.c failed" in text
    assert "  ws/alloc-bump/bump.c:12:5: error: expected ';'\n      12 |     return NULL" in text
    assert "to match this" not in text
    hinted = BuildError("linking failed", hint="ld: undefined symbol: x\nsecond line").to_dict()
    text = G.format_report(_report(tmp_path, build_errors={"basic": hinted}))
    assert "  ld: undefined symbol: x\n  second line" in text


def test_transcripts_go_beside_the_workspace_and_old_ones_are_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))
    out = G._fresh_out_dir(BUMP, tmp_path / "ws", None)
    assert out == tmp_path / "ws" / ".grade" / "bump" and out.is_dir()
    (out / "old.transcript.txt").write_text("x")
    (out / "grade.json").write_text("{}")
    assert G._fresh_out_dir(BUMP, tmp_path / "ws", None) == out
    assert not (out / "old.transcript.txt").exists() and (out / "grade.json").exists()
    assert G._fresh_out_dir(BUMP, None, None) == tmp_path / "home" / "grades" / "bump"
    assert G._fresh_out_dir(BUMP, tmp_path / "ws", tmp_path / "o") == tmp_path / "o"


def test_exercise_defaults(tmp_path):
    ex = G.find_exercise("name-decoding")
    run = ex.runs["server"]
    assert (run.machine, run.timeout, run.forwards, run.layout) == ("microvm", 30.0, [("udp", 53)], "libos")
    assert BUMP.runs["basic"].timeout == 10.0 and BUMP.runs["basic"].options == {"alloc-bump": {"heap_kib": 4}}
    assert BUMP.difficulty == 1 and BUMP.files == ["bump.c"] and BUMP.title_in("fr") == BUMP.title["en"]
    assert BUMP.title_in("ja") == "バンプアロケータ" and BUMP.builtin.name == "alloc-bump"
    q = {c.name: c for c in ex.checks}["answers"].queries[0]
    assert (q.name, q.type, q.rcode) == ("www.example.org.", "A", "NOERROR")
    assert G.find_exercise("udp-checksum").checks[-1].wire == ["udp-checksums"]
    assert all(not c.wire for c in ex.checks)


@pytest.mark.parametrize("name,edit,words", [
    ("bump", ('timeout = 10\n', 'timeout = 10\nmachine = "vax"\n'), ["unknown machine 'vax'", "valid: "]),
    ("bump", ('timeout = 10\n', 'timeout = 10\nlayout = "exo"\n'), ["unknown layout 'exo'", "valid: "]),
    ("bump", ('timeout = 10\n', 'timeout = 10\ncolour = 1\n'), ["colour"]),
    ("bump", ('name = "aligned"', 'name = "returns-memory"'), ["duplicate check name 'returns-memory'"]),
    ("bump", ('[runs.basic]', '[runs]\nbasic = 1\n[runs.other]'), ["run 'basic' must be a table"]),
    ("name-decoding", ("{ wire_name = \"@12\", rcode = \"FORMERR\" },", ""), []),
    ("name-decoding", ("response = ['IN A 192\\.0\\.2\\.80$'] },\n]\ndescription.en = \"a plain",
                       "response = ['IN A ('] },\n]\ndescription.en = \"a plain"),
     ["bad regular expression 'IN A ('", "'answers'"]),
    ("name-decoding", ('queries = [\n  { name = "www.example.org.", type = "A", rcode = "NOERROR", '
                       "response = ['IN A 192\\.0\\.2\\.80$'] },\n]\ndescription.en = \"a plain",
                       'queries = []\ndescription.en = "a plain'), ["check 'answers' sends no queries"]),
    ("name-decoding", ('{ wire_name = "@12", rcode', '{ wire_name = "@12", additional = ["x. 1 IN A 1.2.3.4"], rcode'),
     ["cannot have 'additional'"]),
])
def test_mistakes_in_exercise_toml_are_clear(tmp_path, name, edit, words):
    d = tmp_path / name
    shutil.copytree(G.find_exercise(name).directory, d)
    text = (d / "exercise.toml").read_text()
    assert edit[0] in text, edit[0]
    (d / "exercise.toml").write_text(text.replace(*edit, 1))
    if not words:  # an edit that keeps the file valid: it loads
        assert G.load_exercise(d).name == name
        return
    with pytest.raises(WorkbenchError) as e:
        G.load_exercise(d)
    assert "exercise.toml" in str(e.value) and all(w in str(e.value) for w in words), str(e.value)


def test_a_missing_starter_folder_and_unknown_exercises(tmp_path):
    d = tmp_path / "bump"
    shutil.copytree(BUMP.directory, d)
    shutil.rmtree(d / "starter")
    with pytest.raises(WorkbenchError, match="no starter/ folder"):
        G.load_exercise(d)
    with pytest.raises(WorkbenchError, match="no exercise 'a/b'"):
        G.find_exercise("a/b")
    assert G.list_exercises(tmp_path / "none") == []
    (tmp_path / "bump" / "exercise.toml").unlink()
    assert G.list_exercises(tmp_path) == []  # no exercise.toml: not listed


# ------------------------------------------------------------------ no submission, in process


def test_submission_found_and_not_found(tmp_path):
    from workbench.core.learn.submission import Submission, find_submission

    folder, _ = G.start_exercise(BUMP, tmp_path / "ws")
    found = find_submission(tmp_path / "ws", "alloc-bump", ["bump.c"])
    assert found == Submission(True, folder, None) and found.message() == f"graded {folder}"
    assert found.to_dict() == {"found": True, "looked_for": str(folder), "nearest": None}
    (folder / "bump.c").rename(tmp_path / "ws" / "bump.c")
    lost = find_submission(str(tmp_path / "ws"), "alloc-bump", ["bump.c"])
    assert lost == Submission(False, folder / "bump.c", tmp_path / "ws" / "bump.c")
    assert lost.message() == (f"no submission found at {folder / 'bump.c'}; "
                              f"nearest file found: {tmp_path / 'ws' / 'bump.c'}")
    assert lost.to_dict() == {"found": False, "looked_for": str(folder / "bump.c"),
                              "nearest": str(tmp_path / "ws" / "bump.c")}
    none = find_submission(tmp_path / "nowhere", "alloc-bump", ["bump.c"])
    assert none == Submission(False, tmp_path / "nowhere" / "alloc-bump" / "component.toml", None)
    assert none.message().endswith("; nothing of this exercise is in the workspace")


def test_the_nearest_is_the_closest_path_then_a_similar_folder(tmp_path):
    from workbench.core.learn.submission import find_submission

    ws = tmp_path / "ws"
    for rel in ("a/b/c/d/bump.c", "alloc-bump-copy/bump.c", "notes/other.c", ".grade/bump.c"):
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text("x")
    assert find_submission(ws, "alloc-bump", ["bump.c"]).nearest == ws / "alloc-bump-copy" / "bump.c"
    for rel in ("a/b/c/d/bump.c", "alloc-bump-copy/bump.c"):
        (ws / rel).unlink()
    # no file of the exercise anywhere (hidden folders are not looked in): a component folder
    # named like it is the nearest thing; one named unlike it is not
    (ws / "alloc-bumq" / "component.toml").parent.mkdir()
    (ws / "alloc-bumq" / "component.toml").write_text("")
    (ws / "alloc-freelist" / "component.toml").parent.mkdir()
    (ws / "alloc-freelist" / "component.toml").write_text("")
    (ws / "alloc-bumpy").mkdir()  # no manifest: not a component folder
    assert find_submission(ws, "alloc-bump", ["bump.c"]).nearest == ws / "alloc-bumq"
    (ws / "alloc-bumq" / "component.toml").unlink()
    assert find_submission(ws, "alloc-bump", ["bump.c"]).nearest is None


def test_grading_no_submission_builds_nothing_and_says_where_it_looked(tmp_path):
    report = G.grade(BUMP, tmp_path / "ws", out_dir=tmp_path / "out", lang="ja")
    looked = tmp_path / "ws" / "alloc-bump" / "component.toml"
    assert (report.graded, report.source, report.score, report.total) == ("nothing", looked, 0, BUMP.total)
    assert report.runs == {} and report.build_errors == {} and not report.full_marks
    why = f"no submission found at {looked}; nothing of this exercise is in the workspace"
    assert [(c.name, c.points, c.earned, c.passed, c.run, c.problems, c.transcript) for c in report.checks] \
        == [(c.name, c.points, 0, False, c.run, [why], None) for c in BUMP.checks]
    assert report.checks[0].description == "小さなサイズの malloc がブロックを返す"
    saved = json.loads((tmp_path / "out" / "grade.json").read_text())
    assert saved["graded"] == "nothing" and saved["submission"]["looked_for"] == str(looked)
    text = G.format_report(report)
    assert text.splitlines()[:2] == [f"grading bump (nothing: {looked})", why]
    assert why not in text.split("\n", 2)[2]  # said once, not under every check
    assert not list((tmp_path / "out").glob("*.transcript.txt"))


QUERY = ('queries = [\n  { name = "www.example.org.", type = "A", rcode = "NOERROR", '
         "response = ['IN A 192\\.0\\.2\\.80$'] },\n]\ndescription.en = \"a plain")


@pytest.mark.parametrize("edit,message,key,hint", [
    (('client = "dns"', 'client = "dig"'), "unknown client 'dig' in check 'answers'",
     "checks.client", "valid: dns"),
    (('forwards = ["udp:53"]\n', ''),
     "check 'answers' needs a client, but run 'server' forwards no UDP port", "checks.client",
     'add forwards = ["udp:53"] to the run'),
    ((QUERY, 'queries = []\ndescription.en = "a plain'), "check 'answers' sends no queries",
     "checks.queries", None),
    ((QUERY, 'queries = [1]\ndescription.en = "a plain'),
     "queries[0] of check 'answers' must be a table", "checks.queries", None),
    ((QUERY, QUERY.replace("IN A 192\\.0\\.2\\.80$", "IN A (")),
     "bad regular expression 'IN A (' in check 'answers': missing ), unterminated subpattern "
     "at position 5", "checks.queries[0].response", None),
    (('wire_name = "@12"', 'wire_name = "@12", name = "x."'),
     "queries[0] of check 'pointer-loop' needs exactly one of 'name' and 'wire_name'",
     "checks.queries[0]", None),
    (('{ wire_name = "@12", rcode', '{ wire_name = "@12", additional = ["x. 1 IN A 1.2.3.4"], rcode'),
     "a query with a hand-built 'wire_name' cannot have 'additional' records (their compression "
     "would point into it)", "checks.queries[0].additional", None),
    (('type = "A", rcode = "NOERROR"', 'type = "AA", rcode = "NOERROR"'),
     "queries[0] of check 'answers': unknown record type 'AA'; for example A, AAAA, MX, TXT",
     "checks.queries[0]", 'name = "www.example.org.", type = "A", rcode = "NOERROR"; wire_name '
     "tokens: a label, LABEL*N, @OFFSET (a pointer), . (the end)"),
])
def test_client_check_mistakes_name_the_key_exactly(tmp_path, edit, message, key, hint):
    d = tmp_path / "name-decoding"
    shutil.copytree(G.find_exercise("name-decoding").directory, d)
    text = (d / "exercise.toml").read_text()
    assert edit[0] in text
    (d / "exercise.toml").write_text(text.replace(*edit, 1))
    with pytest.raises(WorkbenchError) as e:
        G.load_exercise(d)
    assert (e.value.message, e.value.key, e.value.hint) == (message, key, hint)
    assert e.value.file == d / "exercise.toml"


def test_queries_default_to_type_a_and_noerror(tmp_path):
    d = tmp_path / "name-decoding"
    shutil.copytree(G.find_exercise("name-decoding").directory, d)
    text = (d / "exercise.toml").read_text()
    (d / "exercise.toml").write_text(text.replace('type = "A", rcode = "NOERROR", ', "", 1))
    q = G.load_exercise(d).checks[0].queries[0]
    assert (q.name, q.type, q.wire_name, q.rcode, q.additional) == ("www.example.org.", "A", "", "NOERROR", [])


@pytest.mark.parametrize("name,edit", [
    # an inline query of a later check, and the second query of its list
    ("name-decoding", ('{ wire_name = "@14 @12"', '{ wire_name = "@14 @99999"')),
    ("name-decoding", ('{ wire_name = "@12", rcode', '{ wire_name = "@12", name = "x.", rcode')),
    ("name-decoding", ('{ name = "ns1.example.org.", type = "A"', '{ name = "ns1.example.org.", type = "AA"')),
    ("name-decoding", ('a*63 b*63 c*63 d*63 .", rcode = "FORMERR"', 'a*63 b*63 c*63 d*63 .", rcode = "FORMER"')),
    ("name-decoding", ("{ wire_name = \"a*64 example org .\"", "{ wire_name = \"a*64 example org .\", colour = 1")),
    # a key of a later [[checks]] table, not the first one's
    ("bump", ('name = "aligned"', 'name = "returns-memory"')),
    ("bump", ('run = "basic"\ntelemetry = [\'^check name=aligned', 'run = "basci"\ntelemetry = [\'^check name=aligned')),
])
def test_mistakes_in_checks_and_their_queries_name_the_line(tmp_path, name, edit):
    """The line of the bad entry itself: the n-th [[checks]] table, the n-th inline query."""
    d = tmp_path / name
    shutil.copytree(G.find_exercise(name).directory, d)
    text = (d / "exercise.toml").read_text()
    assert text.count(edit[0]) == 1, edit[0]
    line = text[:text.index(edit[0])].count("\n") + 1
    (d / "exercise.toml").write_text(text.replace(*edit))
    with pytest.raises(WorkbenchError) as e:
        G.load_exercise(d)
    assert (e.value.file, e.value.line) == (d / "exercise.toml", line), str(e.value)
    assert f"exercise.toml:{line}" in str(e.value)


def test_the_line_of_an_inline_table_in_an_array():
    from workbench.core.model.manifest import find_item_line, find_line

    text = ('[[checks]]\nname = "a"\nqueries = [{ x = 1 }]\n'
            '[[checks]]\nname = "b"  # [not a table]\n'
            'queries = [ { s = "{ [ \\" #" }, # a { comment\n'
            "  { t = '}' }, { u = [1, {v = 2}] },\n"
            '  { w = 3 } ]\nafter = [{ y = 1 }]\n')
    assert [find_line(text, "checks", None, i) for i in range(3)] == [1, 4, None]
    assert [find_line(text, "checks", "name", i) for i in range(2)] == [2, 5]
    start = find_line(text, "checks", None, 1)
    assert [find_item_line(text, start, "queries", i) for i in range(5)] == [6, 7, 7, 8, None]
    assert find_item_line(text, 1, "queries", 0) == 3 and find_item_line(text, 1, "queries", 1) is None
    assert find_item_line(text, None, "queries", 0) is None
    assert find_item_line(text, 1, "missing", 0) is None
