"""The details of a grade a learner or teacher reads, each pinned (no QEMU): which console line
is quoted as "the closest" and which is not, the text report line by line, the transcript of a
failed check, the JSON and its defaults, the nearest file of a misplaced submission, and QEMU's
packet dump read back frame by frame."""

from __future__ import annotations

import json
import shutil
import struct

import pytest

from tests.test_grading import _frame, _pcap
from workbench.core.builder.toolchain import BuildError, Diagnostic
from workbench.core.learn import grading as G
from workbench.core.learn import submission, wirecheck
from workbench.core.model.errors import WorkbenchError
from workbench.core.run.qemu import RunResult
from workbench.core.run.telemetry import parse_record

BUMP = G.find_exercise("bump")


def run(console: str = "", telemetry=(), status: str = "failure") -> RunResult:
    return RunResult(status, 1, console, [parse_record(t) for t in telemetry], 1.0, 2.0, 3.0,
                     None, ["qemu"])


# --------------------------------------------------------------------------- the closest line

@pytest.mark.parametrize("want,lines,quoted", [
    ("<>", ["a<>b", "x"], ""),  # like it only if it starts like it
    ("<>", ["nothing", "<leak>"], "<leak>"),  # a line that does not start alike is passed over
    ("ab", ["a_b", "ab_"], "ab_"),  # the same share: the longer common start wins
    ("ab", ["ab__", "ab_"], "ab_"),  # ... then the shorter line
    ("ab", ["ab_", "ab-"], "ab_"),  # ... then the first
    ("ab", ["a" + "x" * 22 + "b"], "a" + "x" * 22 + "b"),  # b within 2 × 2 + 20 characters
    ("ab", ["a" + "x" * 23 + "b"], ""),  # b beyond them: half the text, not enough
    ("ab", ["axxxxxb"], "axxxxxb"),
    ("serial-test done=1", ["sx"], ""),  # one character of 18 is not like it
    ("", ["anything"], ""),
    ("abcde", ["abcxx"], "abcxx"),  # three fifths of the text: just like enough
])
def test_which_line_is_quoted_as_the_closest(want, lines, quoted):
    assert G._closest(want, lines) == quoted


def test_only_the_last_lines_of_a_long_console_are_searched():
    assert G._closest("<>", ["<x>"] + ["zzz"] * 10) == "<x>"
    assert G._closest("<>", ["<x>"] + ["zzz"] * G.CLOSEST_LINES) == ""


# --------------------------------------------------------------------------- the kernel's words

@pytest.mark.parametrize("name,console,said", [
    ("stats", "  [ ok ] stats all good\n  [FAIL] stats broke\n", "broke"),  # a FAIL line only
    ("a", "  [FAIL] a b] a c\n", "b] a c"),  # the first '] name' on the line
    ("hex", "  [FAIL] hex: expected 1, got 2:\n", "expected 1, got 2:"),  # one leading ':' off
    ("stats", "  [FAIL] other thing\n", ""),
])
def test_what_the_kernel_said_about_a_check(name, console, said):
    assert G._kernel_said(name, console) == said


def test_patterns_keep_their_line_ends_and_lose_only_anchors():
    assert G.readable(r"hello\r\n") == r"hello\r\n"
    assert G.readable(r"^a\.b$") == "a.b" and G.readable("$x^") == "$x^"
    assert G.readable(r"^x .+ y$") == "x … y"


@pytest.mark.parametrize("name,slug", [("Hello, World!", "hello-world"), ("---", "check"),
                                       ("a", "a"), ("page-fault", "page-fault")])
def test_transcript_file_names(name, slug):
    assert G._slug(name) == slug


# --------------------------------------------------------------------------- transcripts

def test_a_transcript_has_every_problem_then_the_run(tmp_path):
    check = next(c for c in BUMP.checks if c.expect.console and c.expect.telemetry)
    tests = G._TestRuns(results={"basic": run("bump-test: FAIL\r\nbye\r\n", ["ready app=x"])})
    out = G._score(BUMP, check, tests, tmp_path, "fr")
    assert out.description == check.description["en"]  # no French: the English one
    problems = out.problems
    # the kernel's own report first, then the status and the console
    assert len(problems) >= 3 and problems[0].startswith("the test kernel never reported")
    assert problems[-1].startswith("expected the console to show")
    assert out.transcript.read_bytes().decode() == (  # bytes: the console's \r\n made \n
        f"exercise bump, check '{check.name}' (run 'basic')\n"
        + "".join(f"problem: {p}\n" for p in problems)
        + "\nstatus: failure\n\n--- console ---\nbump-test: FAIL\nbye\n\n"
          "--- telemetry ---\nready app=x\n")


def test_a_check_of_a_run_that_never_ran_keeps_an_empty_transcript(tmp_path):
    out = G._score(BUMP, BUMP.checks[0], G._TestRuns(), tmp_path, "en")
    assert out.problems == ["the test kernel 'basic' did not run"]
    assert out.transcript.read_text() == (
        "exercise bump, check 'returns-memory' (run 'basic')\n"
        "problem: the test kernel 'basic' did not run\n\n")


def test_wire_checks_keep_the_wire_part_and_plain_checks_take_no_client_problems(tmp_path):
    plain = G.GradeCheck("plain", 1, "r")
    wire = G.GradeCheck("wire", 1, "r", wire=["udp-checksums"])
    tests = G._TestRuns(results={"r": run("hi\n", status="success")},
                        answers={"plain": (["not for a plain check"], "x")})
    assert G._check_problems(plain, tests) == ([], "status: success\n\n--- console ---\nhi\n\n"
                                                    "--- telemetry ---\n\n")
    problems, text = G._check_problems(wire, tests)
    assert problems == [] and text.endswith("--- telemetry ---\n\n--- wire client ---\n\n")


def test_a_description_missing_in_every_language_is_empty(tmp_path):
    check = G.GradeCheck("c", 1, "basic")
    assert G._score(BUMP, check, G._TestRuns(), tmp_path, "ja").description == ""


# --------------------------------------------------------------------------- the text report

def _build_error(line: int, notes: bool = False) -> dict:
    d = [Diagnostic("a.c", line, 2, "error", "bad thing", "int x")]
    if notes:
        d.insert(0, Diagnostic("a.c", 1, 1, "note", "a note", ""))
    # a hint beside diagnostics is not shown: the compiler's own words are
    return BuildError("compiling a.c failed", diagnostics=d, output="out",
                      hint="not shown").to_dict()


def test_the_text_report_line_by_line(tmp_path):
    checks = [G.CheckOutcome("one", 2, 0, False, "r", ["p1", "p2", "p3", "p4"], tmp_path / "t"),
              G.CheckOutcome("second", 1, 1, True, "r")]
    errors = {"r": _build_error(3, notes=True), "r2": _build_error(3, notes=True), "r3": _build_error(9),
              "r4": BuildError("linking failed", hint="the linker said:\nno room").to_dict()}
    report = G.GradeReport("ex", "comp", "workspace", tmp_path, checks, errors)
    assert G.format_report(report).splitlines() == [
        f"grading ex (workspace: {tmp_path})",
        "", "build of test kernel 'r' failed: compiling a.c failed",
        "  a.c:3:2: error: bad thing", "       3 | int x",
        "", "build of test kernel 'r3' failed: compiling a.c failed",  # r2's are r's: said once
        "  a.c:9:2: error: bad thing", "       9 | int x",
        "", "build of test kernel 'r4' failed: linking failed", "  the linker said:", "  no room",
        "",
        "  FAIL  one      0/2", "          p1", "          p2", "          p3",
        f"          transcript: {tmp_path / 't'}",
        "  PASS  second   1/1",
        "", "score: 1/3"]
    full = G.GradeReport("ex", "comp", "reference", tmp_path, [checks[1]])
    assert G.format_report(full).splitlines()[-1] == "score: 1/1  — full marks"
    empty = G.GradeReport("ex", "comp", "reference", tmp_path, [])
    assert G.format_report(empty).splitlines() == [f"grading ex (reference: {tmp_path})", "",
                                                   "", "score: 0/0  — full marks"]


def test_the_json_form_and_its_defaults(tmp_path):
    outcome = G.CheckOutcome("one", 2, 0, False, "r", ["p"])
    assert outcome.to_dict()["transcript"] is None
    outcome.transcript = tmp_path / "t.txt"
    assert outcome.to_dict() == {"name": "one", "points": 2, "earned": 0, "passed": False,
                                 "run": "r", "problems": ["p"], "transcript": str(tmp_path / "t.txt"),
                                 "description": ""}
    report = G.GradeReport("ex", "comp", "reference", tmp_path, [outcome])
    assert report.to_dict()["out_dir"] is None and report.to_dict()["submission"] is None


def test_no_submission_writes_its_json_and_falls_back_to_english(tmp_path):
    sub = submission.find_submission(tmp_path / "ws", BUMP.component, BUMP.files)
    report = G._no_submission(BUMP, sub, tmp_path, "fr")
    assert report.component == "alloc-bump" and report.out_dir == tmp_path
    assert report.checks[0].description == BUMP.checks[0].description["en"]
    assert (tmp_path / "grade.json").read_text() == json.dumps(report.to_dict(), indent=2) + "\n"
    blank = G.Exercise("x", {}, {}, "alloc-bump", 1, ["bump.c"], BUMP.runs,
                       [G.GradeCheck("c", 1, "basic")], BUMP.directory)
    assert G._no_submission(blank, sub, tmp_path, "ja").checks[0].description == ""
    assert blank.title_in("fr") == "x"


# --------------------------------------------------------------------------- exercises

def test_exercises_are_listed_by_difficulty_then_name(tmp_path):
    found = G.list_exercises()
    assert [(e.difficulty, e.name) for e in found] == sorted((e.difficulty, e.name) for e in found)
    assert found[0].difficulty == 1 and len({e.difficulty for e in found}) > 1
    shutil.copytree(BUMP.directory, tmp_path / "zz")
    shutil.copytree(G.find_exercise("serial").directory, tmp_path / "aa")
    (tmp_path / "notes").mkdir()
    assert [e.name for e in G.list_exercises(str(tmp_path))] == ["aa", "zz"]  # both difficulty 1


@pytest.mark.parametrize("forward,ok", [("udp:0", False), ("udp:1", True), ("tcp:65535", True),
                                        ("udp:65536", False), ("sctp:9", False)])
def test_forwards_name_a_real_port(tmp_path, forward, ok):
    d = tmp_path / "name-decoding"
    shutil.copytree(G.find_exercise("name-decoding").directory, d)
    text = (d / "exercise.toml").read_text()
    (d / "exercise.toml").write_text(text.replace('forwards = ["udp:53"]', f'forwards = ["{forward}", "udp:53"]'))
    if ok:
        assert G.load_exercise(d).runs["server"].forwards[0] == (forward.split(":")[0], int(forward.split(":")[1]))
        return
    with pytest.raises(WorkbenchError) as info:
        G.load_exercise(d)
    e = info.value
    assert (e.message, e.key, e.hint) == (f"bad forward '{forward}'", "runs.server.forwards",
                                          'write "udp:53" or "tcp:80"')


def test_starting_an_exercise_whose_component_is_not_built_in(tmp_path):
    d = tmp_path / "bump"
    shutil.copytree(BUMP.directory, d)
    manifest = d / "exercise.toml"
    manifest.write_text(manifest.read_text().replace('component = "alloc-bump"', 'component = "no-such"'))
    ex = G.load_exercise(d)
    with pytest.raises(WorkbenchError) as info:
        G.start_exercise(ex, tmp_path / "ws")
    assert (info.value.message, info.value.file) == (
        "exercise 'bump' replaces component 'no-such', which is not in the built-in library",
        ex.builtin)


# --------------------------------------------------------------------------- the nearest file

def test_the_nearest_file_is_the_most_alike_path_not_the_last_name(tmp_path):
    ws = tmp_path / "ws"
    for rel in ("alloc-bump/sub/bump.c", "zzz/bump.c"):
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text("x")
    assert submission.find_submission(ws, "alloc-bump", ["bump.c"]).nearest == \
        ws / "alloc-bump" / "sub" / "bump.c"


@pytest.mark.parametrize("folders,nearest", [
    (["alloc-bumpx", "alloc-bumq", "alloc-bumqz"], "alloc-bumpx"),  # the most alike
    (["alloc-"], "alloc-"),  # exactly three quarters alike: still near
    (["alloc"], None),  # less: not
])
def test_the_nearest_folder(tmp_path, folders, nearest):
    ws = tmp_path / "ws"
    for f in folders:
        (ws / f).mkdir(parents=True)
        (ws / f / "component.toml").write_text("")
    found = submission.find_submission(ws, "alloc-bump", ["bump.c"]).nearest
    assert found == (ws / nearest if nearest else None)


def test_the_search_looks_at_a_bounded_number_of_entries(tmp_path, monkeypatch):
    for name in ("a", "b", "c", "d", "e"):
        (tmp_path / name).write_text("")
    monkeypatch.setattr(submission, "SCAN_LIMIT", 3)
    assert [p.name for p in submission._walk(tmp_path)] == ["a", "b", "c"]


# --------------------------------------------------------------------------- QEMU's dump

def _udp(port_from: int, data: bytes, checksum: int | None = None) -> bytes:
    bare = struct.pack("!HHHH", port_from, 40000, 8 + len(data), 0) + data
    value = wirecheck.udp_checksum(bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2]), bare) \
        if checksum is None else checksum
    return bare[:6] + struct.pack("!H", value) + bare[8:]


def test_frames_of_a_pcap_in_either_byte_order_and_cut_short(tmp_path):
    pcap = tmp_path / "d.pcap"
    big = struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    pcap.write_bytes(big + struct.pack(">IIII", 0, 0, 3, 3) + b"abc" + struct.pack(">IIII", 0, 0, 0, 0))
    assert wirecheck.frames(pcap) == [b"abc", b""]  # a last record of no bytes still counts
    pcap.write_bytes(_pcap([b"abcd"]) + struct.pack("<III", 0, 0, 9))  # a header cut short
    assert wirecheck.frames(pcap) == [b"abcd"]
    assert wirecheck.frames(tmp_path / "none.pcap") == [] and wirecheck.frames(tmp_path) == []
    pcap.write_bytes(b"not a pcap file at all....")
    assert wirecheck.frames(pcap) == []


def test_which_frames_are_udp_from_the_port():
    good = _frame(_udp(40000, b"hi"))
    assert wirecheck.sent_from(good, 40000)[2] == _udp(40000, b"hi")  # a port above 32767
    assert wirecheck.sent_from(good, 53) is None
    assert wirecheck.sent_from(good[:14 + 20], 40000) is None  # no room for a UDP header
    assert wirecheck.sent_from(good[:12] + b"\x86\xdd" + good[14:], 40000) is None  # not IPv4
    v6 = good[:14] + bytes([0x65]) + good[15:]
    assert wirecheck.sent_from(v6, 40000) is None
    tcp = good[:14 + 9] + bytes([6]) + good[14 + 10:]
    assert wirecheck.sent_from(tcp, 40000) is None
    # an IP header claiming more than the frame holds: the datagram is what the frame holds
    long = good[:16] + b"\xff\xff" + good[18:]
    assert wirecheck.sent_from(long, 40000)[2] == _udp(40000, b"hi")


def test_a_checksum_that_sums_to_zero_is_sent_as_ffff():
    src, dst = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2])
    bare = struct.pack("!HHHH", 53, 40000, 12, 0) + b"\0\0\0\0"
    total = wirecheck._sum16(src + dst + struct.pack("!BBH", 0, 17, 12) + bare)
    fill = 0xFFFF - total  # makes the one's complement sum all ones: the checksum is then 0
    zero_sum = bare[:8] + struct.pack("!HH", fill, 0)
    assert wirecheck.udp_checksum(src, dst, zero_sum) == 0xFFFF


def test_each_datagram_is_judged_and_three_problems_are_said(tmp_path):
    pcap = tmp_path / "d.pcap"
    high = next(d for d in (bytes([i]) for i in range(256)) if
                struct.unpack("!H", _udp(53, d)[6:8])[0] >= 0x8000)
    frames = [_frame(_udp(9, b"other")), _frame(_udp(53, high))]
    frames += [_frame(_udp(53, bytes([i]), checksum=0x1234)) for i in range(4)]
    pcap.write_bytes(_pcap(frames))
    problems, listing = wirecheck.udp_checksum_problems(pcap, 53)
    assert len(problems) == 3 and all("left with checksum 0x1234" in p for p in problems)
    lines = listing.splitlines()
    assert len(lines) == 5 and lines[0].endswith(" valid") and lines[1].endswith(" wrong")


def test_mismatches_without_a_run_and_with_an_unknown_status():
    from workbench.core.run.expect import Mismatch

    assert G._describe_mismatch(Mismatch("telemetry", "^x$")) == (
        "expected the test kernel to report 'x'; it never did (the run ended)")
    assert G._describe_mismatch(Mismatch("telemetry", "^check name=a result=pass$")) == (
        "the test kernel never reported its check 'a': the run ended")
    assert G._describe_mismatch(Mismatch("console", "^x$")) == (
        "expected the console to show 'x'; it stayed empty")
    assert G._describe_mismatch(Mismatch("status", "success", "odd"), run()) == (
        "expected the test kernel to end with 'success'; it ended (status 'odd')")


def test_what_the_console_showed_that_it_should_not_and_its_last_line():
    from workbench.core.run.expect import Mismatch

    r = run("one\r\nline one\r\r\nzzz\r\n")
    # serial's check: a pattern with \r sees the raw bytes, and so does its message
    assert G._describe_mismatch(Mismatch("not_console", r"\r\r"), r) == (
        "the console showed 'line one\\x0d\\x0d', which a correct version never prints")
    assert G._describe_mismatch(Mismatch("not_console", "^zz+$"), r) == (
        "the console showed 'zzz', which a correct version never prints")
    assert G._describe_mismatch(Mismatch("not_console", "^gone$"), r) == (
        "the console showed 'gone', which a correct version never prints")
    assert G._describe_mismatch(Mismatch("console", r"^abcde\|$"), r) == (
        "expected the console to show 'abcde|'; its last line was 'zzz'")
