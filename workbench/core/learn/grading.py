"""Exercises and their automatic grading.

An exercise is a built-in component with parts taken out. Its folder
`lessons/exercises/<name>/` holds

    starter/          only the files with TODOs, each at the path it has in the built-in
                      component (`kernels/lib/<component>/`); the rest comes from there
    tests/<app>/      test applications, added to the catalogue only while grading
    exercise.toml     title, the component it replaces, the test runs and the named checks

The learner gets a copy of the built-in component with the starter's files laid over it
(`workbench exercise start NAME`), so a starter never drifts from the files it does not
change. The learner fills in
the TODOs, and runs `workbench grade NAME`. Grading builds one test kernel per run listed in
exercise.toml with the learner's component in place of the built-in one, boots each in QEMU,
and scores every check by regular expressions on the console and the telemetry (and by the
run's exit status). A failed check keeps its console transcript in a file. A workspace with no
copy of the component is no submission: it scores 0, and the report names the path looked for
and the nearest file found (`submission.py`). The built-in reference is graded only when asked
(`reference=True`, `workbench grade NAME --reference`), and must score full marks: that is how
a teacher tests an exercise.

A run with `forwards` is booted as an appliance instead: once it is ready, every check of
that run that names a `client` talks to it from the host (all queries during the one boot),
then the run is stopped and its console and telemetry are scored like any other run's.
The DNS client those checks use is in `dnsclient.py`.

Only the exercise's own component is taken from the workspace: a learner who has started two
exercises in one workspace is graded on one at a time.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from workbench.core.builder.toolchain import BuildError
from workbench.core.layouts import DEFAULT_LAYOUT
from workbench.core.learn.dnsclient import DnsQuery, ask, query_wire
from workbench.core.learn.material import lessons_dir, timeout_scale
from workbench.core.learn.progress import home_dir
from workbench.core.learn.submission import Submission, find_submission
from workbench.core.learn.wirecheck import CHECKS as WIRE_CHECKS
from workbench.core.learn.wirecheck import dump_args, udp_checksum_problems
from workbench.core.model.catalogue import Catalogue, kernels_dir, load_catalogue, load_component
from workbench.core.model.errors import WorkbenchError, did_you_mean, valid_list
from workbench.core.model.files import atomic_write_text
from workbench.core.model.manifest import Table, find_item_line, find_line, read_toml
from workbench.core.model.recipe import LAYOUTS, MACHINE_NAMES, Recipe
from workbench.core.model.resolve import resolve
from workbench.core.model.texts import lang_table, text_in
from workbench.core.run.expect import KEYS as EXPECT_KEYS
from workbench.core.run.expect import Expectation, Mismatch
from workbench.i18n import N_, _

CLIENTS = ("dns",)
DIFFICULTY = range(1, 6)  # 1 (easy) .. 5 (hard): the stars of `exercise list` and the TUI


def exercises_dir() -> Path:
    return lessons_dir() / "exercises"


@dataclass
class TestRun:
    name: str
    application: str
    machine: str = "microvm"
    timeout: float = 10.0
    providers: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    forwards: list[tuple[str, int]] = field(default_factory=list)  # (proto, guest port)
    layout: str = DEFAULT_LAYOUT


@dataclass
class GradeCheck:
    name: str
    points: int
    run: str
    expect: Expectation = Expectation()
    description: dict[str, str] = field(default_factory=dict)
    client: str | None = None
    queries: list[DnsQuery] = field(default_factory=list)
    wire: list[str] = field(default_factory=list)  # what the appliance sent, checked (wirecheck.py)


@dataclass
class Exercise:
    name: str
    title: dict[str, str]
    summary: dict[str, str]
    component: str
    difficulty: int
    files: list[str]
    runs: dict[str, TestRun]
    checks: list[GradeCheck]
    directory: Path

    @property
    def starter(self) -> Path:
        return self.directory / "starter"

    @property
    def builtin(self) -> Path:
        """The built-in component folder that the starter's files are laid over."""
        return kernels_dir() / "lib" / self.component

    def starter_files(self) -> list[str]:
        """The starter's files, relative to the component folder (sorted)."""
        if not self.starter.is_dir():
            return []
        return sorted(p.relative_to(self.starter).as_posix() for p in self.starter.rglob("*")
                      if p.is_file() and not _ignored(p.relative_to(self.starter)))

    @property
    def tests(self) -> Path:
        return self.directory / "tests"

    @property
    def total(self) -> int:
        return sum(c.points for c in self.checks)

    def title_in(self, lang: str) -> str:
        return text_in(self.title, lang, self.name)


# --------------------------------------------------------------------------- loading

def _difficulty(t: Table) -> int:
    value = t.get("difficulty", int, 1)
    if value not in DIFFICULTY:
        raise t.error("difficulty", _("difficulty {value} is outside {low}..{high}").format(
                          value=value, low=DIFFICULTY.start, high=DIFFICULTY.stop - 1),
                      hint=_("1 (easy) .. 5 (hard)"))
    return value


def load_exercise(directory: Path) -> Exercise:
    directory = Path(directory)
    path = directory / "exercise.toml"
    data, text = read_toml(path, N_("exercise description"))
    t = Table(data, path, text)
    t.check_keys({"title", "summary", "component", "difficulty", "files", "runs", "checks"})
    component = t.get("component", str)
    runs: dict[str, TestRun] = {}
    runs_t = t.sub("runs")
    for rname, raw in runs_t.data.items():
        if not isinstance(raw, dict):
            raise runs_t.error(rname, _("run '{run}' must be a table [runs.{run}]").format(run=rname))
        rt = runs_t.sub(rname)
        rt.check_keys({"application", "machine", "timeout", "providers", "options", "forwards",
                       "layout"})
        machine = rt.get("machine", str, "microvm")
        if machine not in MACHINE_NAMES:
            raise rt.error("machine", _("unknown machine '{name}'").format(name=machine),
                           hint=_("valid: {names}").format(names=", ".join(MACHINE_NAMES)))
        layout = rt.get("layout", str, DEFAULT_LAYOUT)
        if layout not in LAYOUTS:
            raise rt.error("layout", _("unknown layout '{name}'").format(name=layout),
                           hint=_("valid: {names}").format(names=", ".join(LAYOUTS)))
        runs[rname] = TestRun(rname, rt.get("application", str), machine,
                              float(rt.get("timeout", (int, float), 10.0)),
                              dict(rt.get("providers", dict, {})), dict(rt.get("options", dict, {})),
                              [_forward(rt, f) for f in rt.get_str_list("forwards")], layout)
    checks: list[GradeCheck] = []
    seen: set[str] = set()
    for i, raw in enumerate(t.get("checks", list)):
        if not isinstance(raw, dict):
            raise t.error("checks", _("checks[{index}] must be a table").format(index=i))
        ct = Table(raw, path, text, "checks", index=i)
        ct.check_keys({"name", "points", "run", *EXPECT_KEYS, "description", "client", "queries",
                       "wire"})
        name = ct.get("name", str)
        if name in seen:
            raise ct.error("name", _("duplicate check name '{name}'").format(name=name))
        seen.add(name)
        run = ct.get("run", str)
        if run not in runs:
            near = did_you_mean(run, runs)
            raise ct.error("run", _("check '{check}' names unknown run '{run}'").format(
                               check=name, run=run) + (f" — {near}" if near else ""),
                           hint=_("runs: {names}").format(names=valid_list(runs)))
        check = GradeCheck(name, ct.get("points", int), run, Expectation.from_table(ct),
                           lang_table(ct, "description", False), ct.get("client", str, None))
        if check.client is not None or "queries" in ct.data:
            _load_client(ct, check, runs[run])
        check.wire = _wire_checks(ct, runs[run])
        checks.append(check)
    ex = Exercise(directory.name, lang_table(t, "title"), lang_table(t, "summary", False),
                  component, _difficulty(t), t.get_str_list("files"), runs, checks,
                  directory)
    if not ex.starter.is_dir():
        raise WorkbenchError(_("the exercise has no starter/ folder"), file=ex.starter,
                             hint=_("it holds the files with TODOs, laid over the built-in "
                                    "component"))
    have = ex.starter_files()
    for f in ex.files:
        if f not in have:
            raise t.error("files", _("'{file}' is not in the starter folder {folder}").format(
                              file=f, folder=ex.starter),
                          hint=_("starter files: {names}").format(
                              names=valid_list(have) or _("none")))
    return ex


def _forward(t: Table, text: str) -> tuple[str, int]:
    """"udp:53" -> ("udp", 53): a guest port the appliance exposes on a free host port."""
    m = re.fullmatch(r"(udp|tcp):(\d{1,5})", text)
    if not m or not 0 < int(m.group(2)) < 65536:
        raise t.error("forwards", _("bad forward '{text}'").format(text=text),
                      hint=_('write "udp:53" or "tcp:80"'))
    return m.group(1), int(m.group(2))


def _wire_checks(ct: Table, run: TestRun) -> list[str]:
    wire = ct.get_str_list("wire")
    for w in wire:
        if w not in WIRE_CHECKS:
            raise ct.error("wire", _("unknown wire check {name}").format(name=repr(w)),
                           hint=_("valid: {names}").format(names=", ".join(WIRE_CHECKS)))
    if wire and not any(proto == "udp" for proto, _port in run.forwards):
        raise ct.error("wire", _("wire checks need a run that forwards a UDP port; '{run}' "
                                 "forwards none").format(run=run.name),
                       hint=_('add forwards = ["udp:53"] to the run'))
    return wire


def _load_client(ct: Table, check: GradeCheck, run: TestRun) -> None:
    if check.client not in CLIENTS:
        raise ct.error("client", _("unknown client {client} in check '{check}'").format(
                           client=repr(check.client), check=check.name),
                       hint=_("valid: {names}").format(names=", ".join(CLIENTS)))
    if not any(proto == "udp" for proto, _port in run.forwards):
        raise ct.error("client", _("check '{check}' needs a client, but run '{run}' forwards no "
                                   "UDP port").format(check=check.name, run=run.name),
                       hint=_('add forwards = ["udp:53"] to the run'))
    raw = ct.get("queries", list)
    if not raw:
        raise ct.error("queries", _("check '{check}' sends no queries").format(check=check.name))
    for i, q in enumerate(raw):
        if not isinstance(q, dict):
            raise ct.error("queries", _("queries[{index}] of check '{check}' must be a "
                                        "table").format(index=i, check=check.name))
        qt = Table(q, ct.path, ct.text, f"{ct.key_name('queries')}[{i}]",
                   line=find_item_line(ct.text, find_line(ct.text, "checks", None, ct.index),
                                       "queries", i))
        qt.check_keys({"name", "type", "wire_name", "additional", "rcode", "response"})
        query = DnsQuery(qt.get("name", str, ""), qt.get("type", str, "A"),
                         qt.get("wire_name", str, ""), qt.get_str_list("additional"),
                         qt.get("rcode", str, "NOERROR"), qt.get_str_list("response"))
        for rx in query.response:
            try:
                re.compile(rx)
            except re.error as e:
                raise qt.error("response", _("bad regular expression {pattern} in check "
                                             "'{check}': {error}").format(
                                   pattern=repr(rx), check=check.name, error=e)) from None
        if bool(query.name) == bool(query.wire_name):
            raise qt.error(None, _("queries[{index}] of check '{check}' needs exactly one of "
                                   "'name' and 'wire_name'").format(index=i, check=check.name))
        if query.wire_name and query.additional:
            raise qt.error("additional", _("a query with a hand-built 'wire_name' cannot have "
                                           "'additional' records (their compression would point "
                                           "into it)"))
        try:
            query_wire(query)  # every mistake in the description shows now, not while grading
        except ValueError as e:
            raise qt.error(None, _("queries[{index}] of check '{check}': {error}").format(
                               index=i, check=check.name, error=e),
                           hint=_("name = \"www.example.org.\", type = \"A\", rcode = \"NOERROR\"; "
                                  "wire_name tokens: a label, LABEL*N, @OFFSET (a pointer), . (the "
                                  "end)")) from None
        check.queries.append(query)


def list_exercises(root: Path | None = None) -> list[Exercise]:
    root = Path(root) if root else exercises_dir()
    if not root.is_dir():
        return []
    found = [load_exercise(d) for d in sorted(root.iterdir()) if (d / "exercise.toml").is_file()]
    return sorted(found, key=lambda e: (e.difficulty, e.name))


def find_exercise(name: str, root: Path | None = None) -> Exercise:
    root = Path(root) if root else exercises_dir()
    d = root / name
    if name and "/" not in name and (d / "exercise.toml").is_file():
        return load_exercise(d)
    names = sorted(p.name for p in root.iterdir() if (p / "exercise.toml").is_file()) if root.is_dir() else []
    near = did_you_mean(name, names)
    raise WorkbenchError(_("no exercise '{name}'").format(name=name) + (f" — {near}" if near else ""),
                         hint=_("exercises: {names}").format(names=valid_list(names) or _("none")))


# --------------------------------------------------------------------------- starting

def _ignored(rel: Path) -> bool:
    """Editor and tool litter that is not part of a component (hidden files, caches)."""
    return any(part.startswith(".") or part == "__pycache__" for part in rel.parts)


def start_exercise(ex: Exercise, workspace: Path) -> tuple[Path, bool]:
    """Copy the built-in component into the workspace and lay the starter's files over it.

    Returns (folder, copied): copied is False when the folder already existed, which is then
    left exactly as it was. The files the learner is to edit are `ex.files`.
    """
    workspace = Path(workspace)
    target = workspace / ex.component
    if target.exists():
        return target, False
    if not (ex.builtin / "component.toml").is_file():
        raise WorkbenchError(_("exercise '{exercise}' replaces component '{component}', which is "
                               "not in the built-in library").format(exercise=ex.name,
                                                                     component=ex.component),
                             file=ex.builtin)
    workspace.mkdir(parents=True, exist_ok=True)
    tmp = workspace / f".{ex.component}.starting"
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(ex.builtin, tmp, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    for rel in ex.starter_files():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ex.starter / rel, tmp / rel)
    tmp.rename(target)  # appears whole or not at all
    return target, True


# --------------------------------------------------------------------------- appliances

def _serve_and_ask(run: TestRun, image: Path, checks: list[GradeCheck], timeout: float,
                   pcap: Path | None = None):
    """Boot an appliance once, run every client check of this run against it, stop it;
    with `pcap`, QEMU dumps the frames there. Returns (RunResult or None,
    {check: (problems, client transcript)}, why it never ran)."""
    from workbench.core.run.appliance import Appliance  # QEMU's machinery: see _build_and_boot

    app = Appliance(image, run.forwards, machine=run.machine, watchdog=timeout,
                    extra_args=dump_args(pcap) if pcap else None)
    answers: dict[str, tuple[list[str], str]] = {}
    trouble = None
    try:
        app.start(ready_timeout=timeout)
        port = app.port("udp", next(g for p, g in run.forwards if p == "udp"))
        for n, check in enumerate(c for c in checks if c.client):
            answers[check.name] = ask(check.queries, port, 1.5 * timeout_scale(), n * 256)
    except WorkbenchError:  # never became ready: that is the learner's result
        trouble = _("the appliance did not become ready within {seconds} s").format(
            seconds=f"{timeout:g}")
    finally:
        result = app.stop()
    if result is None:
        trouble = _("the appliance did not run: {error}").format(
            error=app.error or _("QEMU did not start"))
    return result, answers, trouble


# --------------------------------------------------------------------------- grading

@dataclass
class CheckOutcome:
    name: str
    points: int
    earned: int
    passed: bool
    run: str
    problems: list[str] = field(default_factory=list)
    transcript: Path | None = None
    description: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "points": self.points, "earned": self.earned,
                "passed": self.passed, "run": self.run, "problems": self.problems,
                "transcript": str(self.transcript) if self.transcript else None,
                "description": self.description}


@dataclass
class GradeReport:
    exercise: str
    component: str
    graded: str  # "workspace", "reference" or "nothing" (no submission found)
    source: Path
    checks: list[CheckOutcome]
    build_errors: dict[str, dict] = field(default_factory=dict)  # run -> BuildError.to_dict()
    runs: dict[str, dict] = field(default_factory=dict)  # run -> status, timings
    out_dir: Path | None = None
    submission: Submission | None = None  # where the workspace's copy was looked for

    @property
    def score(self) -> int:
        return sum(c.earned for c in self.checks)

    @property
    def total(self) -> int:
        return sum(c.points for c in self.checks)

    @property
    def full_marks(self) -> bool:
        return self.score == self.total

    def to_dict(self) -> dict:
        return {"exercise": self.exercise, "component": self.component, "graded": self.graded,
                "source": str(self.source), "score": self.score, "total": self.total,
                "full_marks": self.full_marks, "checks": [c.to_dict() for c in self.checks],
                "build_errors": self.build_errors, "runs": self.runs,
                "out_dir": str(self.out_dir) if self.out_dir else None,
                "submission": self.submission.to_dict() if self.submission else None}


def grading_catalogue(ex: Exercise, workspace: Path | None) -> tuple[Catalogue, str, Path]:
    """The built-in catalogue, the learner's copy of the one component (none: the reference),
    and the test apps."""
    cat = load_catalogue()
    graded, source = N_("reference"), cat.component(ex.component).directory  # N_: shown
    if workspace is not None:
        # its folder is named after the component, and load_component holds it to that name
        comp = load_component(Path(workspace) / ex.component, origin="workspace")
        cat.components[comp.name] = comp
        graded, source = N_("workspace"), comp.directory
    if ex.tests.is_dir():
        for d in sorted(ex.tests.iterdir()):
            if (d / "component.toml").is_file():
                comp = load_component(d, origin=f"exercise {ex.name}")
                cat.components[comp.name] = comp
    cat.check()
    return cat, graded, source


# What a run's final status means, for a learner reading why a check failed.
STATUS_WORDS = {  # shown through _(), by `_ended`
    "success": N_("finished and reported success"),
    "failure": N_("finished but reported a failure"),
    "panic": N_("stopped on a CPU exception (a panic)"),
    "triple-fault": N_("reset the CPU (an exception while handling an exception)"),
    "timeout": N_("never finished: the watchdog stopped it"),
    "stopped": N_("was stopped"),
}
ENDED = N_("ended")  # any other status
_CHECK_RECORD = re.compile(r"^\^check name=(\S+) result=pass\$$")
CLOSEST_SHARE = 0.6  # how much of the expected text a line must hold to be shown instead
CLOSEST_CHARS = 120  # of that line
CLOSEST_LINES = 5000  # the last lines of the console looked at


def readable(rx: str) -> str:
    """A pattern of exercise.toml as the text it stands for: anchors dropped, escapes undone,
    `.*` as "…", a repeated group as "×N" ('^\\(ok\\)$' → '(ok)')."""
    text = rx.removeprefix("^").removesuffix("$")
    text = re.sub(r"\.[*+]", "…", text)
    text = re.sub(r"\(([^()]*)\)\{(\d+)\}", r"\1 ×\2", text)
    return re.sub(r"\\([^rn])", r"\1", text)


def _kernel_said(name: str, console: str) -> str:
    """What the test kernel printed about its check `name` ("[FAIL] aligned <detail>", or
    "[FAIL] decimal: <detail>")."""
    for line in console.splitlines():
        head, found, detail = line.partition(f"] {name}")
        detail = detail.removeprefix(":").strip()
        if "FAIL" in head and found and detail:
            return detail
    return ""


def _shown(line: str) -> str:
    """A console line as it can be quoted: control bytes (a leaked buffer's) as \\xNN."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in line.strip(" \t\n"))


def _line_of(rx: str, run) -> str:
    """The console line where pattern `rx` matched, as the check saw it (raw bytes when the
    pattern mentions \\r, as run/expect.py matches it), else the text the pattern stands for."""
    raw = getattr(run, "console", "")
    text = raw if "\\r" in rx else raw.replace("\r\n", "\n")
    hit = re.search(rx, text, re.M)
    if hit is None:
        return _shown(readable(rx))
    start = text.rfind("\n", 0, hit.start()) + 1
    end = text.find("\n", hit.end())
    return _shown(text[start:end if end >= 0 else len(text)])


def _closest(rx: str, seen: list[str]) -> str:
    """The line or record of `seen` most like the text pattern `rx` stands for ('' if none is
    much like it): what the test kernel said instead. Like it: it starts with the same
    character and holds most of the expected text in order ('<>' is like '<secret>',
    'bench … wrong_replies=0' like 'bench … ns=812 wrong_replies=1')."""
    want = readable(rx)
    best, found = (CLOSEST_SHARE, 0, 0), ""
    for line in seen[-CLOSEST_LINES:]:  # a runaway kernel's console can be very long
        line = line.strip()
        if not want or not line.startswith(want[0]):
            continue
        head = line[:2 * len(want) + 20]  # enough to hold the text with a few more fields
        matcher = difflib.SequenceMatcher(None, want, head, autojunk=False)
        share = sum(b.size for b in matcher.get_matching_blocks()) / len(want)
        prefix = len(os.path.commonprefix([want, line]))
        if (share, prefix, -len(line)) > best:
            best, found = (share, prefix, -len(line)), line
    return _shown(found)[:CLOSEST_CHARS]


def _describe_mismatch(m: Mismatch, run=None) -> str:
    """One mismatch in words: what was expected, and what the run showed instead."""
    status = getattr(run, "status", "")
    console = getattr(run, "console", "").replace("\r\n", "\n")
    if m.kind == "status":
        return _("expected the test kernel to end with '{expected}'; it {ended} (status "
                 "'{status}')").format(expected=m.expected, ended=_ended(m.actual),
                                       status=m.actual)
    if m.kind in ("console", "not_console"):
        lines = [ln for ln in console.splitlines() if ln.strip()]
        if m.kind == "not_console":
            return _("the console showed '{line}', which a correct version never prints").format(
                line=_line_of(m.expected, run))
        near = _closest(m.expected, lines)
        final = _shown(lines[-1]) if lines else ""
        last = (_("its last line was '{line}'").format(line=final)
                if lines and near in ("", final)
                else _("the closest line it showed was '{line}'").format(line=near) if near
                else _("it stayed empty"))
        return _("expected the console to show '{expected}'; {last}").format(
            expected=readable(m.expected), last=last)
    check = _CHECK_RECORD.match(m.expected)
    records = [r.raw for r in getattr(run, "telemetry", [])]
    if check is None:
        near = _closest(m.expected, records)
        said = (_("it reported '{record}' instead").format(record=near) if near
                else _("it never did"))
        return _("expected the test kernel to report '{expected}'; {said} (the run "
                 "{ended})").format(expected=readable(m.expected), said=said,
                                    ended=_ended(status))
    name = check.group(1)
    if f"check name={name} result=fail" in records:
        said = _kernel_said(name, console)
        return _("the test kernel's check '{name}' failed").format(name=name) + (
            f": {said}" if said else "")
    return _("the test kernel never reported its check '{name}': the run {ended}").format(
        name=name, ended=_ended(status))


def _ended(status: str) -> str:
    """How a run ended, in words: "finished and reported success", …"""
    return _(STATUS_WORDS.get(status, ENDED))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "check"


@dataclass
class _TestRuns:
    """What building and booting an exercise's test runs gave."""
    results: dict[str, Any] = field(default_factory=dict)  # run -> RunResult, BuildError or None
    build_errors: dict[str, dict] = field(default_factory=dict)  # run -> BuildError.to_dict()
    info: dict[str, dict] = field(default_factory=dict)  # run -> status, timings
    answers: dict[str, tuple[list[str], str]] = field(default_factory=dict)  # check -> client problems, transcript
    troubles: dict[str, str] = field(default_factory=dict)  # run -> why its appliance never answered


def grade(ex: Exercise, workspace: Path | None = None, out_dir: Path | None = None,
          toolchain: str = "zig", lang: str = "en",
          on_progress: Callable[[str], None] | None = None,
          reference: bool = False) -> GradeReport:
    """Build and boot every test run of `ex`; score its checks. Learner mistakes never raise.

    The learner's copy in `workspace` is graded; with none there the grade is 0 and the report
    says where it looked. `reference=True` grades the built-in component instead."""
    if workspace is None and not reference:
        raise WorkbenchError(_("grading {name}: no workspace given").format(name=ex.name),
                             hint=_("name the workspace, or ask for the built-in reference"))
    out_dir = _fresh_out_dir(ex, workspace, out_dir)
    submission = None
    if not reference:
        submission = find_submission(Path(workspace), ex.component, ex.files)
        if not submission.found:
            return _no_submission(ex, submission, out_dir, lang)
    say = on_progress or (lambda text: None)
    cat, graded, source = grading_catalogue(ex, None if reference else workspace)
    tests = _TestRuns()
    for run in ex.runs.values():
        if any(c.run == run.name for c in ex.checks):
            _build_and_boot(ex, run, cat, out_dir, toolchain, say, tests)
    outcomes = [_score(ex, check, tests, out_dir, lang) for check in ex.checks]
    report = GradeReport(ex.name, ex.component, graded, source, outcomes, tests.build_errors,
                         tests.info, out_dir, submission)
    atomic_write_text(out_dir / "grade.json", json.dumps(report.to_dict(), indent=2) + "\n")
    return report


def _no_submission(ex: Exercise, submission: Submission, out_dir: Path, lang: str) -> GradeReport:
    """Nothing to grade: every check scores 0 with the reason; nothing is built or booted."""
    why = submission.message()
    outcomes = [CheckOutcome(c.name, c.points, 0, False, c.run, [why], None,
                             text_in(c.description, lang, ""))
                for c in ex.checks]
    report = GradeReport(ex.name, ex.component, "nothing", submission.looked_for, outcomes,
                         out_dir=out_dir, submission=submission)
    atomic_write_text(out_dir / "grade.json", json.dumps(report.to_dict(), indent=2) + "\n")
    return report


def _fresh_out_dir(ex: Exercise, workspace: Path | None, out_dir: Path | None) -> Path:
    """The folder for this grading's builds and transcripts, without the last one's transcripts."""
    if out_dir is None:
        base = Path(workspace) / ".grade" if workspace is not None else home_dir() / "grades"
        out_dir = base / ex.name
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.transcript.txt"):
        old.unlink()
    return out_dir


def _build_and_boot(ex: Exercise, run: TestRun, cat: Catalogue, out_dir: Path, toolchain: str,
                    say: Callable[[str], None], tests: _TestRuns) -> None:
    """Build one test kernel and boot it (as an appliance its clients talk to, if it forwards
    ports); what happened goes into `tests`."""
    # imported here: the build and QEMU machinery add 22 ms to the TUI's first frame, which
    # lists the exercises without grading one
    from workbench.core.builder.pipeline import build
    from workbench.core.run.qemu import boot_image_sync

    say(_("build {run}").format(run=run.name))
    try:
        res = resolve(run_recipe(ex, run), cat)
        built = build(res, out_dir / "build" / run.name, toolchain)
    except BuildError as e:
        tests.build_errors[run.name] = e.to_dict()
        tests.results[run.name] = e
        return
    say(_("boot  {run}").format(run=run.name))
    if run.forwards:
        checks = [c for c in ex.checks if c.run == run.name]
        pcap = _dump_file(out_dir, run, checks)
        if pcap is not None and pcap.exists():
            pcap.unlink()
        result, answers, trouble = _serve_and_ask(run, built.image, checks,
                                                  run.timeout * timeout_scale(), pcap)
        tests.answers.update(answers)
        if pcap is not None:
            _add_wire_problems(run, checks, pcap, tests)
        if trouble:
            tests.troubles[run.name] = trouble
    else:
        result = boot_image_sync(built.image, machine=run.machine,
                                 timeout=run.timeout * timeout_scale())
    tests.results[run.name] = result
    if result is not None:
        tests.info[run.name] = run_info(result, built.loadable_bytes)


def run_recipe(ex: Exercise, run: TestRun) -> Recipe:
    """The recipe of one test run: its application, machine, layout, providers and options,
    named after the exercise and the run (each run builds into a folder of its own)."""
    return Recipe(name=f"grade-{ex.name}-{run.name}", application=run.application,
                  summary=f"test run '{run.name}' of exercise {ex.name}",
                  machine=run.machine, layout=run.layout, providers=dict(run.providers),
                  options={k: dict(v) for k, v in run.options.items()},
                  path=ex.directory / "exercise.toml")


def _dump_file(out_dir: Path, run: TestRun, checks: list[GradeCheck]) -> Path | None:
    """Where QEMU dumps the run's frames, when a check of the run judges the wire."""
    return out_dir / "build" / f"{run.name}.pcap" if any(c.wire for c in checks) else None


def run_info(result, image_bytes: int) -> dict:
    """What grade.json keeps of a run that booted: its status and timings, the image's size."""
    return {"status": result.status, "ready_ms": result.ready_ms,
            "duration_ms": round(result.duration_ms, 1), "image_bytes": image_bytes}


def _add_wire_problems(run: TestRun, checks: list[GradeCheck], pcap: Path,
                       tests: _TestRuns) -> None:
    """Each wire check's verdict on the dumped frames, added to its client's answers."""
    port = next(g for p, g in run.forwards if p == "udp")
    problems, listing = udp_checksum_problems(pcap, port)
    for check in checks:
        if "udp-checksums" in check.wire:
            before, text = tests.answers.get(check.name, ([], ""))
            tests.answers[check.name] = (before + problems,
                                         text + "\n--- UDP datagrams sent (QEMU's dump) ---\n" + listing)


def _score(ex: Exercise, check: GradeCheck, tests: _TestRuns, out_dir: Path,
           lang: str) -> CheckOutcome:
    """One check's outcome; a failed check keeps its transcript in a file."""
    problems, transcript_text = _check_problems(check, tests)
    passed = not problems
    transcript = None
    if not passed:
        transcript = out_dir / f"{_slug(check.name)}.transcript.txt"
        header = f"exercise {ex.name}, check '{check.name}' (run '{check.run}')\n"
        header += "".join(_("problem: {problem}").format(problem=p) + "\n" for p in problems)
        atomic_write_text(transcript, header + "\n" + transcript_text)
    desc = text_in(check.description, lang, "")
    return CheckOutcome(check.name, check.points, check.points if passed else 0,
                        passed, check.run, problems, transcript, desc)


def _check_problems(check: GradeCheck, tests: _TestRuns) -> tuple[list[str], str]:
    """(what is wrong, the transcript to keep) for one check, from its run's result."""
    r = tests.results.get(check.run)
    problems: list[str] = []
    if isinstance(r, BuildError):
        problems.append(_("the test kernel '{run}' did not build: {error} (see above)").format(
            run=check.run, error=r.message))
        return problems, r.output
    if r is None:
        problems.append(tests.troubles.get(check.run) or _(
            "the test kernel '{run}' did not run").format(run=check.run))
        return problems, ""
    if check.client and check.run in tests.troubles:
        problems.append(tests.troubles[check.run])
    telemetry = "\n".join(rec.raw for rec in r.telemetry)
    console = r.console.replace("\r\n", "\n")
    # the test kernel's own words about a check first: they say most about what went wrong
    mismatches = sorted(check.expect.mismatches(r), key=lambda m: m.kind != "telemetry")
    problems.extend(_describe_mismatch(m, r) for m in mismatches)
    client_problems, client_text = tests.answers.get(check.name, ([], ""))
    if (check.client or check.wire) and check.run not in tests.troubles:
        problems.extend(client_problems)
    transcript_text = (f"status: {r.status}\n\n--- console ---\n{console}\n"
                       f"--- telemetry ---\n{telemetry}\n")
    if check.client or check.wire:
        transcript_text += f"--- {check.client or 'wire'} client ---\n{client_text}\n"
    return problems, transcript_text


def format_report(report: GradeReport) -> str:
    """The text a learner reads: one line per check, the compiler's words on a build error."""
    lines = [_("grading {exercise} ({graded}: {source})").format(
        exercise=report.exercise, graded=_(report.graded), source=report.source)]
    if report.submission is not None and not report.submission.found:
        lines.append(report.submission.message())
    shown: set[str] = set()
    for run, err in report.build_errors.items():
        key = json.dumps(err.get("diagnostics"), sort_keys=True)
        if key in shown:
            continue
        shown.add(key)
        lines.append("\n" + _("build of test kernel '{run}' failed: {error}").format(
            run=run, error=err["error"]))
        for d in err.get("diagnostics", []):
            if d["severity"] == "note":
                continue
            lines.append(f"  {d['file']}:{d['line']}:{d['column']}: {d['severity']}: {d['message']}")
            if d.get("source_line"):
                lines.append(f"    {d['line']:>4} | {d['source_line']}")
        if not err.get("diagnostics") and err.get("hint"):
            lines.append("  " + err["hint"].replace("\n", "\n  "))
    lines.append("")
    width = max((len(c.name) for c in report.checks), default=10)
    for c in report.checks:
        mark = "PASS" if c.passed else "FAIL"
        lines.append(f"  {mark}  {c.name:<{width}}  {c.earned:>2}/{c.points}")
        if not c.passed and report.graded != "nothing":  # its one reason is said above
            for p in c.problems[:3]:
                lines.append(f"          {p}")
            if c.transcript:
                lines.append("          " + _("transcript: {path}").format(path=c.transcript))
    lines.append("\n" + _("score: {score}/{total}").format(score=report.score, total=report.total)
                 + ("  — " + _("full marks") if report.full_marks else ""))
    return "\n".join(lines)
