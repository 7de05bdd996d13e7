"""Grading up to the boot, without QEMU: a learner's file that does not compile is graded in
full (every check of its run fails with the compiler's words, each keeps a transcript, the
report and grade.json say the same) and nothing is booted; and the pure pieces of a run
(its recipe, where the wire is dumped, what grade.json keeps of a boot) and of a wire check."""

from __future__ import annotations

import json
import shutil
import struct

import pytest

from tests.conftest import KERNELS
from tests.test_grading import _frame, _pcap
from workbench.core.learn import grading as G
from workbench.core.model.errors import WorkbenchError
from workbench.core.run.qemu import RunResult

BUMP = G.find_exercise("bump")


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))


def broken(ex: G.Exercise, ws, tail: str):
    """A started workspace of `ex` whose first file ends with `tail` (not valid code)."""
    folder, _ = G.start_exercise(ex, ws)
    src = folder / ex.files[0]
    src.write_text(src.read_text() + tail)
    return src, len(src.read_text().splitlines())


def test_a_file_that_does_not_compile_fails_every_check_and_boots_nothing(tmp_path):
    src, line = broken(BUMP, tmp_path / "ws", "\nnot C at all\n")
    said: list[str] = []
    report = G.grade(BUMP, tmp_path / "ws", lang="ja", on_progress=said.append)
    out = tmp_path / "ws" / ".grade" / "bump"  # beside the workspace, by default
    assert said == ["build basic"] and report.runs == {}  # built, never booted
    assert (out / "build" / "basic").is_dir()  # each run builds in a folder of its own
    assert (report.graded, report.source, report.out_dir) == ("workspace", src.parent, out)
    assert (report.score, report.total, report.full_marks) == (0, 10, False)
    assert report.submission.found and report.submission.looked_for == src.parent
    why = "the test kernel 'basic' did not build: compiling bump.c failed (see above)"
    assert [(c.name, c.earned, c.passed, c.run, c.problems) for c in report.checks] == \
        [(c.name, 0, False, "basic", [why]) for c in BUMP.checks]
    assert report.checks[0].description == "小さなサイズの malloc がブロックを返す"
    err = report.build_errors["basic"]
    assert list(report.build_errors) == ["basic"] and err["error"] == "compiling bump.c failed"
    first = err["diagnostics"][0]
    assert (first["file"], first["line"], first["severity"]) == (str(src), line, "error")
    transcript = out / "returns-memory.transcript.txt"
    assert report.checks[0].transcript == transcript
    text = transcript.read_text()
    assert text.startswith("exercise bump, check 'returns-memory' (run 'basic')\n"
                           f"problem: {why}\n\n")
    assert f"bump.c:{line}:1: error:" in text  # the compiler's own output follows
    saved = json.loads((out / "grade.json").read_text())
    assert saved == report.to_dict() and saved["graded"] == "workspace"
    lines = G.format_report(report).splitlines()
    assert lines[:4] == [f"grading bump (workspace: {src.parent})", "",
                         "build of test kernel 'basic' failed: compiling bump.c failed",
                         f"  {src}:{line}:1: error: {first['message']}"]
    assert lines[4] == f"    {line:>4} | not C at all"
    assert "  FAIL  returns-memory   0/2" in lines and f"          {why}" in lines
    assert lines[-1] == "score: 0/10"


def test_every_run_with_checks_is_built_and_one_without_is_not(tmp_path):
    ex_dir = tmp_path / "bump"
    shutil.copytree(BUMP.directory, ex_dir)
    manifest = ex_dir / "exercise.toml"
    manifest.write_text(manifest.read_text() + '\n[runs.unused]\napplication = "hello"\n')
    ex = G.load_exercise(ex_dir)
    broken(ex, tmp_path / "ws", "\n#error the learner stopped here\n")
    said: list[str] = []
    report = G.grade(ex, tmp_path / "ws", out_dir=tmp_path / "out", on_progress=said.append)
    assert said == ["build basic"] and list(report.build_errors) == ["basic"]
    assert report.out_dir == tmp_path / "out" and (tmp_path / "out" / "grade.json").is_file()


def test_the_reference_and_a_workspace_in_the_grading_catalogue(tmp_path):
    cat, graded, source = G.grading_catalogue(BUMP, None)
    assert (graded, source) == ("reference", KERNELS / "lib" / "alloc-bump")
    assert cat.components["ex-bump-test"].origin == "exercise bump"  # the test app, added
    folder, _ = G.start_exercise(BUMP, tmp_path / "ws")
    cat, graded, source = G.grading_catalogue(BUMP, tmp_path / "ws")
    assert (graded, source) == ("workspace", folder)
    assert cat.components["alloc-bump"].origin == "workspace"
    assert cat.components["alloc-bump"].directory == folder
    manifest = folder / "component.toml"
    manifest.write_text(manifest.read_text().replace('name = "alloc-bump"', 'name = "my-bump"'))
    with pytest.raises(WorkbenchError) as info:
        G.grading_catalogue(BUMP, tmp_path / "ws")
    e = info.value
    assert (e.message, e.file, e.key) == (
        "name 'my-bump' must match its folder name 'alloc-bump'", manifest, "name")


def test_grading_needs_a_workspace_or_the_reference(tmp_path):
    with pytest.raises(WorkbenchError) as info:
        G.grade(BUMP, None, out_dir=tmp_path / "out")
    assert (info.value.message, info.value.hint) == (
        "grading bump: no workspace given", "name the workspace, or ask for the built-in reference")


def test_old_transcripts_are_removed_before_grading_again(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old-check.transcript.txt").write_text("from the last grading")
    (out / "notes.txt").write_text("mine")
    assert G._fresh_out_dir(BUMP, None, out) == out
    assert not (out / "old-check.transcript.txt").exists() and (out / "notes.txt").exists()
    assert G._fresh_out_dir(BUMP, None, None) == tmp_path / "home" / "grades" / "bump"


def test_a_runs_recipe_dump_file_and_what_grade_json_keeps():
    udp = G.find_exercise("udp-checksum")
    wire_run = next(r for r in udp.runs.values() if any(c.wire for c in udp.checks if c.run == r.name))
    checks = [c for c in udp.checks if c.run == wire_run.name]
    assert G._dump_file(KERNELS, wire_run, checks) == KERNELS / "build" / f"{wire_run.name}.pcap"
    assert G._dump_file(KERNELS, wire_run, [c for c in checks if not c.wire]) is None
    result = RunResult("success", 0, "", [], 12.5, 40.04, 51.26, None, ["qemu"])
    assert G.run_info(result, 4096) == {"status": "success", "ready_ms": result.ready_ms,
                                        "duration_ms": round(result.duration_ms, 1),
                                        "image_bytes": 4096}


def test_wire_problems_are_added_to_the_wire_checks_only(tmp_path):
    from workbench.core.learn import wirecheck

    udp_ex = G.find_exercise("udp-checksum")
    run = next(r for r in udp_ex.runs.values() if r.forwards)
    port = next(g for p, g in run.forwards if p == "udp")
    bare = struct.pack("!HHHH", port, 40000, 10, 0) + b"hi"
    pcap = tmp_path / "dump.pcap"
    pcap.write_bytes(_pcap([_frame(bare)]))
    wire = G.GradeCheck("w", 1, run.name, wire=["udp-checksums"])
    plain = G.GradeCheck("p", 1, run.name)
    tests = G._TestRuns(answers={"w": (["from the client"], "client text")})
    G._add_wire_problems(run, [wire, plain], pcap, tests)
    right = wirecheck.udp_checksum(bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2]), bare)
    assert tests.answers["w"] == (
        ["from the client", f"a 10-byte datagram to port 40000 left with no checksum (0); the "
                            f"right one is 0x{right:04x}"],
        "client text\n--- UDP datagrams sent (QEMU's dump) ---\nudp 10 bytes to port 40000: "
        f"checksum 0x0000 (right: 0x{right:04x}) none (0)")
    assert "p" not in tests.answers
    assert wirecheck.dump_args(pcap) == ["-object", f"filter-dump,id=wbdump,netdev=net0,file={pcap}"]
