"""Exercises and grading: real builds of test kernels, real boots in QEMU."""

from __future__ import annotations

import json
import shutil
import struct
import tomllib

import pytest

from tests.conftest import KERNELS, my_qemus, run_cli
from workbench.core.learn import dnsclient
from workbench.core.learn import grading as G
from workbench.core.learn.lessons import load_lessons
from workbench.core.model.catalogue import load_component
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.recipe import recipes_dir
from workbench.core.model.resolve import resolve

EXERCISES = G.list_exercises()
NAMES = [e.name for e in EXERCISES]


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WB_WORKSPACE", raising=False)
    return tmp_path / "home"


def test_six_exercises_easy_to_hard():
    assert len(EXERCISES) >= 6
    assert [e.difficulty for e in EXERCISES] == sorted(e.difficulty for e in EXERCISES)
    assert len({e.component for e in EXERCISES}) == len(EXERCISES), "one exercise per component"


@pytest.mark.parametrize("ex", EXERCISES, ids=NAMES)
def test_starter_holds_only_its_todo_files_and_matches_the_builtin(ex):
    """A starter is the TODO files alone; each one stands for a file of the built-in component,
    so renaming or removing that file in kernels/lib (drift) fails here."""
    builtin = KERNELS / "lib" / ex.component
    assert ex.starter_files() == sorted(ex.files), "the starter holds exactly the files with TODOs"
    for f in ex.files:
        text = (ex.starter / f).read_text()
        assert (builtin / f).is_file(), f"starter file {f} has no counterpart in {builtin}"
        assert f'TODO (exercise "{ex.name}")' in text, f"{f} has no TODO for this exercise"
        assert text != (builtin / f).read_text()


@pytest.mark.parametrize("ex", EXERCISES, ids=NAMES)
def test_started_copy_is_the_builtin_with_the_starter_laid_over(ex, tmp_path):
    """The learner's copy has the built-in component's name, interfaces, options and every
    file; only the starter's files differ."""
    folder, copied = G.start_exercise(ex, tmp_path)
    assert copied and folder == tmp_path / ex.component  # a component folder carries its name
    started = load_component(folder, origin="starter")
    builtin = load_component(KERNELS / "lib" / ex.component)
    assert started.name == builtin.name == ex.component
    assert (started.provides, started.requires, started.sources) == \
           (builtin.provides, builtin.requires, builtin.sources)
    assert {k: vars(v) for k, v in started.options.items()} == \
           {k: vars(v) for k, v in builtin.options.items()}
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(builtin.directory).as_posix()
                           for p in builtin.directory.rglob("*") if p.is_file())
    for f in files:
        expected = ex.starter / f if f in ex.files else builtin.directory / f
        assert (folder / f).read_bytes() == expected.read_bytes(), f


# ------------------------------------------------------------------ no submission


def _no_submission(ws, env, name="bump"):
    """Grade NAME in ws through the command line; the JSON report, checked to score nothing."""
    r = run_cli("grade", name, "--workspace", str(ws), "--json", env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["graded"] == "nothing" and data["score"] == 0 and not data["full_marks"]
    assert data["total"] == G.find_exercise(name).total and data["runs"] == {}
    assert all(not c["passed"] and c["earned"] == 0 for c in data["checks"])
    assert all(c["problems"][0].startswith("no submission found at ") for c in data["checks"])
    text = run_cli("grade", name, "--workspace", str(ws), env=env)
    assert text.returncode == 1 and "score: 0/" in text.stdout
    assert "no submission found at " in text.stdout and "Traceback" not in text.stderr
    return data["submission"], text.stdout


@pytest.mark.parametrize("where", ["bump-work/alloc-bump", "alloc-bump/alloc-bump", "alloc-bmp"])
def test_misplaced_copy_is_no_submission(tmp_path, _private_home, where):
    """A copy in a folder named differently, or one level too deep, is not graded as the
    reference (which would read as full marks): 0, naming where it looked and what it found."""
    ws = tmp_path / "ws"
    G.start_exercise(G.find_exercise("bump"), tmp_path / "elsewhere")
    (ws / where).parent.mkdir(parents=True, exist_ok=True)
    shutil.move(tmp_path / "elsewhere" / "alloc-bump", ws / where)
    sub, text = _no_submission(ws, {"WB_HOME": str(_private_home)})
    assert sub == {"found": False, "looked_for": str(ws / "alloc-bump" / "component.toml"),
                   "nearest": str(ws / where / "bump.c")}
    assert f"nearest file found: {ws / where / 'bump.c'}" in text
    assert not (_private_home / "progress.json").exists() or \
        "bump" not in json.loads((_private_home / "progress.json").read_text()).get("exercises", {})


def test_file_one_level_too_deep_in_the_component_is_no_submission(tmp_path, _private_home):
    ws = tmp_path / "ws"
    folder, _ = G.start_exercise(G.find_exercise("bump"), ws)
    (folder / "src").mkdir()
    shutil.move(folder / "bump.c", folder / "src" / "bump.c")
    sub, _ = _no_submission(ws, {"WB_HOME": str(_private_home)})
    assert sub == {"found": False, "looked_for": str(folder / "bump.c"),
                   "nearest": str(folder / "src" / "bump.c")}


def test_empty_folder_is_no_submission(tmp_path, _private_home):
    ws = tmp_path / "empty"
    ws.mkdir()
    sub, text = _no_submission(ws, {"WB_HOME": str(_private_home)})
    assert sub == {"found": False, "looked_for": str(ws / "alloc-bump" / "component.toml"),
                   "nearest": None}
    assert "nothing of this exercise is in the workspace" in text


def test_another_exercises_workspace_is_no_submission(tmp_path, _private_home):
    """A workspace with the freelist exercise started and finished gives bump nothing."""
    ws = tmp_path / "ws"
    folder, _ = G.start_exercise(G.find_exercise("freelist"), ws)
    shutil.copyfile(KERNELS / "lib" / "alloc-freelist" / "freelist.c", folder / "freelist.c")
    sub, _ = _no_submission(ws, {"WB_HOME": str(_private_home)})
    assert sub["looked_for"] == str(ws / "alloc-bump" / "component.toml") and sub["nearest"] is None


def test_grading_without_a_workspace_needs_the_reference_asked_for():
    with pytest.raises(WorkbenchError, match="no workspace given"):
        G.grade(G.find_exercise("bump"), None)


def test_start_never_overwrites_work(tmp_path):
    ex = G.find_exercise("bump")
    folder, copied = G.start_exercise(ex, tmp_path)
    assert copied
    (folder / "bump.c").write_text("/* my work */\n")
    (folder / "component.toml").unlink()  # even a half-broken folder is the learner's
    folder2, copied2 = G.start_exercise(ex, tmp_path)
    assert folder2 == folder and not copied2
    assert (folder / "bump.c").read_text() == "/* my work */\n"
    assert not (folder / "component.toml").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["alloc-bump"], "no leftovers beside it"


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(WorkbenchError) as e:
        G.find_exercise("bumpp")
    assert "did you mean bump?" in str(e.value)


@pytest.mark.parametrize("old,new,words", [
    ('run = "basic"', 'run = "basik"', ["basik", "did you mean basic?"]),
    ('files = ["bump.c"]', 'files = ["bmp.c"]', ["bmp.c", "not in the starter", "bump.c", "files"]),
])
def test_bad_exercise_file_names_the_key(tmp_path, old, new, words):
    d = tmp_path / "broken"
    shutil.copytree(G.find_exercise("bump").directory, d)
    text = (d / "exercise.toml").read_text()
    assert old in text
    (d / "exercise.toml").write_text(text.replace(old, new, 1))
    with pytest.raises(WorkbenchError) as e:
        G.load_exercise(d)
    assert all(w in str(e.value) for w in words), str(e.value)


def test_timeout_scale_must_be_a_positive_number(monkeypatch):
    from workbench.core.learn.material import timeout_scale

    monkeypatch.setenv("WB_TIMEOUT_SCALE", "2.5")
    assert timeout_scale() == 2.5
    monkeypatch.setenv("WB_TIMEOUT_SCALE", "fast")
    with pytest.raises(WorkbenchError):
        timeout_scale()


# ------------------------------------------------------------------ CLI


def test_cli_exercise_list_and_start(tmp_path, _private_home):
    env = {"WB_HOME": str(_private_home), "WB_LANG": "en"}
    r = run_cli("exercise", "list", env=env)
    assert r.returncode == 0
    assert [ln.split()[0] for ln in r.stdout.splitlines()] == NAMES
    r = run_cli("exercise", "start", "freelist", "--workspace", str(tmp_path / "ws"), env=env)
    assert r.returncode == 0 and "copied" in r.stdout
    assert (tmp_path / "ws" / "alloc-freelist" / "freelist.c").is_file()
    r = run_cli("exercise", "start", "freelist", "--workspace", str(tmp_path / "ws"), env=env)
    assert r.returncode == 0 and "left untouched" in r.stdout


@pytest.mark.qemu
def test_cli_grade_syntax_error_json_and_exit_status(tmp_path, _private_home):
    env = {"WB_HOME": str(_private_home)}
    ws = tmp_path / "ws"
    r = run_cli("exercise", "start", "bump", "--workspace", str(ws), env=env)
    assert r.returncode == 0
    src = ws / "alloc-bump" / "bump.c"
    text = src.read_text()
    src.write_text(text.replace("    return NULL;\n}\n\nvoid free", "    return NULL\n}\n\nvoid free", 1))
    line = next(i for i, ln in enumerate(src.read_text().splitlines(), 1) if ln == "    return NULL")

    r = run_cli("grade", "bump", "--workspace", str(ws), env=env)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout
    assert f"{src}:{line}:" in r.stdout and "error:" in r.stdout
    assert f"{line:>4} |     return NULL" in r.stdout  # the source line is shown
    assert "score: 0/10" in r.stdout

    # the untouched reference: full marks, exit status 0, JSON an LMS can read
    r = run_cli("grade", "bump", "--workspace", str(tmp_path / "nothing-here"), "--reference",
                "--json", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["graded"] == "reference" and data["score"] == data["total"] == 10
    assert {c["name"] for c in data["checks"]} >= {"returns-memory", "runs-out"}

    # a finished exercise: the learner's copy of the reference code also gets full marks,
    # and the best score is kept in the progress file
    shutil.copyfile(KERNELS / "lib" / "alloc-bump" / "bump.c", src)
    r = run_cli("grade", "bump", "--workspace", str(ws), "--json", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["full_marks"] is True
    saved = json.loads((_private_home / "progress.json").read_text())
    assert saved["exercises"]["bump"]["best"] == 10 and saved["exercises"]["bump"]["attempts"] == 2


def test_cli_grade_bad_manifest_in_workspace(tmp_path, _private_home):
    ws = tmp_path / "ws"
    G.start_exercise(G.find_exercise("bump"), ws)
    manifest = ws / "alloc-bump" / "component.toml"
    manifest.write_text(manifest.read_text().replace('layer = "memory"', "layer = memory"))
    r = run_cli("grade", "bump", "--workspace", str(ws), env={"WB_HOME": str(_private_home)})
    assert r.returncode == 2
    assert "component.toml" in r.stderr and "malformed TOML" in r.stderr
    assert "Traceback" not in r.stderr
    tomllib.loads((G.find_exercise("bump").directory / "exercise.toml").read_text())


# ------------------------------------------------------------------ network checks


def test_hand_built_question_names_and_compressed_queries():
    assert dnsclient.wire_name("a*64 example org .") == bytes([64]) + b"a" * 64 + b"\x07example\x03org\x00"
    assert dnsclient.wire_name("@14 @12") == b"\xc0\x0e\xc0\x0c"
    ex = G.find_exercise("name-decoding")
    by_name = {c.name: c for c in ex.checks}
    loop = dnsclient.query_wire(by_name["pointer-loop"].queries[0], ident=7)
    assert loop[:2] == b"\x00\x07" and loop[12:14] == b"\xc0\x0c" and len(loop) == 12 + 2 + 4
    # dnspython writes the additional records' owner names as pointers back into the question
    wire = dnsclient.query_wire(by_name["compressed"].queries[0])
    assert wire.count(b"\xc0\x0c") >= 1 and b"\x03ns1\xc0" in wire


@pytest.mark.parametrize("edit,words", [
    (('client = "dns"', 'client = "dig"', 1), ["unknown client 'dig'", "valid: dns"]),
    (('forwards = ["udp:53"]', 'forwards = ["udp53"]', 1), ["bad forward 'udp53'", "forwards"]),
    (('forwards = ["udp:53"]\n', '', 1), ["forwards no UDP port"]),
    (('wire_name = "@12"', 'wire_name = "@12", name = "x."', 1), ["exactly one of"]),
    (('wire_name = "@12"', 'wire_name = "@99999"', 1), ["bad pointer '@99999'"]),
    (('type = "A", rcode = "NOERROR"', 'type = "AA", rcode = "NOERROR"', 1), ["queries[0]", "AA"]),
    (('rcode = "FORMERR"', 'rcode = "FORMER"', 1), ["queries[0]", "FORMER"]),
])
def test_bad_client_check_is_a_clear_error(tmp_path, edit, words):
    message = _load_edited(tmp_path, "name-decoding", edit)
    assert "exercise.toml" in message and all(w in message for w in words), message


def _load_edited(tmp_path, name: str, edit: tuple) -> str:
    """The error loading a copy of exercise `name` with one edit (old, new[, count]) gives."""
    d = tmp_path / name
    shutil.copytree(G.find_exercise(name).directory, d)
    text = (d / "exercise.toml").read_text()
    assert edit[0] in text
    (d / "exercise.toml").write_text(text.replace(*edit))
    with pytest.raises(WorkbenchError) as e:
        G.load_exercise(d)
    return str(e.value)


@pytest.mark.qemu
def test_network_run_boots_once_for_all_its_queries(tmp_path, monkeypatch):
    from workbench.core.run.appliance import Appliance

    starts = []
    real_start = Appliance.start
    monkeypatch.setattr(Appliance, "start", lambda self, *a, **k: starts.append(1) or real_start(self, *a, **k))
    ex = G.find_exercise("name-decoding")
    report = G.grade(ex, tmp_path / "empty", out_dir=tmp_path / "out", reference=True)
    assert report.full_marks, G.format_report(report)
    assert len(starts) == 1 < sum(len(c.queries) for c in ex.checks)
    assert report.runs["server"]["status"] == "stopped"


@pytest.mark.qemu
def test_a_server_that_loops_fails_that_check_and_is_stopped(tmp_path, monkeypatch):
    """A decoder that follows every pointer hangs on a pointer loop: the grader waits a
    bounded time, scores the check zero, keeps the others, and leaves no QEMU behind."""
    monkeypatch.setenv("WB_TIMEOUT_SCALE", "0.3")  # shorter waits for the answers that never come
    ex = G.find_exercise("name-decoding")
    folder, _ = G.start_exercise(ex, tmp_path / "ws")
    shutil.copyfile(KERNELS / "lib" / "dns" / "dns_name_read.c", folder / "dns_name_read.c")
    src = folder / "dns_name_read.c"
    text = src.read_text()
    guard = "            if (target >= limit)\n                return -1;"
    assert guard in text
    src.write_text(text.replace(guard, "            if (0)\n                return -1;"))
    report = G.grade(ex, tmp_path / "ws", out_dir=tmp_path / "out")
    outcome = {c.name: c for c in report.checks}
    assert not outcome["pointer-loop"].passed
    assert "no answer" in outcome["pointer-loop"].problems[0]
    assert "dns client" in outcome["pointer-loop"].transcript.read_text()
    assert all(outcome[n].passed for n in ("answers", "mixed-case", "compressed", "oversized"))
    assert not my_qemus()


# ------------------------------------------------------------------ what the appliance sent


def _pcap(frames: list[bytes]) -> bytes:
    head = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    return head + b"".join(struct.pack("<IIII", 0, 0, len(f), len(f)) + f for f in frames)


def _frame(udp: bytes, src=bytes([10, 0, 2, 15]), dst=bytes([10, 0, 2, 2])) -> bytes:
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src, dst)
    return b"\x52\x55\x0a\x00\x02\x02" + b"\x52\x54\x00\x12\x34\x56" + b"\x08\x00" + ip + udp


def _ones_sum(data: bytes) -> int:
    total = int.from_bytes(data + b"\0" * (len(data) % 2), "big")  # one big number ...
    while total >> 16:  # ... folded 16 bits at a time: the same one's complement sum
        total = (total & 0xFFFF) + (total >> 16)
    return total


@pytest.mark.parametrize("length", [5, 6])
def test_wire_check_reads_qemus_dump_and_judges_each_checksum(tmp_path, length):
    from workbench.core.learn import wirecheck

    src, dst = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2])
    data = b"abcdef"[:length]
    bare = struct.pack("!HHHH", 53, 40000, 8 + len(data), 0) + data
    right = wirecheck.udp_checksum(src, dst, bare)
    good = bare[:6] + struct.pack("!H", right) + bare[8:]
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(good))
    assert right != 0 and _ones_sum(pseudo + good) == 0xFFFF  # a right checksum sums to all ones
    other_port = struct.pack("!H", 5353) + bare[2:]  # not from the server's port: not judged
    pcap = tmp_path / "dump.pcap"
    pcap.write_bytes(_pcap([_frame(good), _frame(other_port), b"\x00" * 20]))
    assert wirecheck.udp_checksum_problems(pcap, 53)[0] == []
    pcap.write_bytes(_pcap([_frame(good), _frame(bare)]))
    problems, listing = wirecheck.udp_checksum_problems(pcap, 53)
    assert problems == [f"a {8 + length}-byte datagram to port 40000 left with no checksum (0); "
                        f"the right one is 0x{right:04x}"]
    assert listing.splitlines()[0].endswith("valid") and listing.splitlines()[1].endswith("none (0)")
    wrong = bare[:6] + struct.pack("!H", right ^ 1) + bare[8:]
    pcap.write_bytes(_pcap([_frame(wrong)]))
    assert f"left with checksum 0x{right ^ 1:04x}" in wirecheck.udp_checksum_problems(pcap, 53)[0][0]
    pcap.write_bytes(_pcap([]))
    assert wirecheck.udp_checksum_problems(pcap, 53)[0] == ["the appliance sent no UDP datagram from port 53"]


@pytest.mark.parametrize("edit,words", [
    (('wire = ["udp-checksums"]', 'wire = ["udp-checksum"]'), ["unknown wire check 'udp-checksum'", "valid: udp-checksums"]),
    (("run = \"wire\"\ntelemetry = ['^check name=accepts-valid",
      "run = \"wire\"\nwire = [\"udp-checksums\"]\ntelemetry = ['^check name=accepts-valid"),
     ["wire checks need a run that forwards a UDP port", "'wire' forwards none"]),
])
def test_bad_wire_check_is_a_clear_error(tmp_path, edit, words):
    message = _load_edited(tmp_path, "udp-checksum", edit)
    assert "exercise.toml" in message and all(w in message for w in words), message


# ------------------------------------------------------------------ what lessons and exercises name


def _named_recipes() -> list[tuple[str, str]]:
    """(where, recipe) for every built-in recipe a lesson step names: its recipe, or for a
    step on the learner's own file the recipe it says to start from."""
    out = []
    for lesson in load_lessons():
        for step in lesson.steps:
            c = step.check
            name = c.start_from if c.own else c.recipe
            if name:
                out.append((f"{lesson.name}/{step.id}", name.removesuffix(".toml")))
    return out


def test_every_recipe_a_lesson_names_exists():
    named = _named_recipes()
    assert len(named) >= 20, "the lessons name recipes in their checks"
    missing = [(where, r) for where, r in named if not (recipes_dir() / f"{r}.toml").is_file()]
    assert missing == [], f"recipes named by lessons that kernels/recipes lacks: {missing}"


@pytest.mark.parametrize("ex", EXERCISES, ids=NAMES)
def test_every_component_an_exercise_names_exists(ex):
    """Its component, every run's application and chosen providers are in the grading
    catalogue (the built-in one plus the exercise's test apps), and each run resolves."""
    cat, graded, _ = G.grading_catalogue(ex, None)
    assert graded == "reference" and ex.component in cat.components
    for run in ex.runs.values():
        for comp in [run.application, *run.providers.values(), *run.options]:
            assert comp in cat.components, f"run '{run.name}' names unknown component {comp}"
        recipe = G.run_recipe(ex, run)
        assert (recipe.name, recipe.application, recipe.machine, recipe.layout) == (
            f"grade-{ex.name}-{run.name}", run.application, run.machine, run.layout)
        assert (recipe.providers, recipe.options, recipe.path) == (
            run.providers, run.options, ex.directory / "exercise.toml")
        assert recipe.summary == f"test run '{run.name}' of exercise {ex.name}"
        assert ex.component in resolve(recipe, cat).names, f"run '{run.name}' leaves it out"
