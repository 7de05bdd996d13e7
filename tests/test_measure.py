"""Measuring a recipe in every buildable layout: real builds, real QEMU, the real CLI."""

from __future__ import annotations

import json

import pytest

from workbench.core.layouts.model import model_layouts
from workbench.core.model.recipe import find_recipe, load_recipe
from workbench.core.model.resolve import resolve
from workbench.core.run.measure import crossing_rounds, measure_layouts, with_layout

from .conftest import learner_builds_and_boots, run_cli

qemu = pytest.mark.qemu


def test_the_layout_is_changed_on_a_copy():
    recipe = load_recipe(find_recipe("hello"))
    text = recipe.to_toml()
    mono = with_layout(recipe, "monolithic")
    assert mono.layout == "monolithic" and recipe.layout == "libos"
    assert recipe.to_toml() == text
    mono.options.setdefault("hello", {})["greeting"] = "changed"
    assert recipe.to_toml() == text  # a deep copy: nothing of the learner's recipe is shared


@qemu
def test_hello_in_both_layouts_and_the_cost_of_a_crossing(catalogue, tmp_path):
    steps = []
    comp = measure_layouts(load_recipe(find_recipe("hello")), tmp_path, catalogue,
                           on_progress=lambda what, done, total: steps.append((done, total)))
    lib, mono, micro = (comp.layouts[n] for n in ("libos", "monolithic", "microkernel"))
    for m in (lib, mono, micro):
        assert m.buildable and m.status == "success", m
        assert m.ready_ms is not None and 0 < m.ready_ms < 30000
        assert 0 < m.privileged_bytes <= m.loadable_bytes + 64  # + a few bytes of alignment
    # the library OS is one domain: everything it loads runs in ring 0
    assert lib.user_bytes == 0
    assert lib.privileged_bytes > 0.9 * lib.loadable_bytes
    # the monolithic image carries the boundary: stubs, entry path, dispatcher, a second libc
    assert mono.loadable_bytes > lib.loadable_bytes
    assert 0 < mono.user_bytes < mono.privileged_bytes
    # hello's own code is so small that the kernel, with the entry path and the dispatcher,
    # is bigger than the whole library OS: a boundary is not free in bytes either
    assert mono.privileged_bytes > lib.privileged_bytes
    # the microkernel moves the drivers out of ring 0: three servers and the application are
    # user-mode domains, each with its stubs (and its server loop)
    assert micro.user_bytes > mono.user_bytes
    assert micro.loadable_bytes > mono.loadable_bytes

    cost = comp.crossing
    assert cost is not None and comp.crossing_error is None
    assert cost.samples["libos"] and cost.samples["monolithic"]
    assert cost.cycles_per_call("monolithic") > cost.cycles_per_call("libos")
    assert cost.ratio > 1 and cost.crossing_cycles > 0
    # in the microkernel the call is a message to the clock server and back: two traps and
    # two switches of address space, dearer than the monolithic kernel's one trap
    assert cost.samples["microkernel"]
    assert cost.cycles_per_call("microkernel") > cost.cycles_per_call("monolithic")
    assert cost.ratio_to_baseline("microkernel") > cost.ratio
    assert steps[0] == (0, 12) and steps[-1] == (12, 12)

    # the numbers reach the layout model as data, one row set per layout
    res = resolve(load_recipe(find_recipe("hello")), catalogue)
    models = {m.layout: m for m in model_layouts(res, None, comp.measured())}
    for name in ("libos", "monolithic", "microkernel"):
        rows = models[name].measured
        assert rows["status"] == "success"
        assert {"image", "privileged bytes", "boot to ready", "cycles per crossing"} <= set(rows)
        assert rows["cycles per crossing"] == f"{cost.cycles_per_call(name):g}"
    assert "×" in models["monolithic"].measured["crossing vs libos"]
    assert "×" in models["microkernel"].measured["crossing vs libos"]


@qemu
def test_selftest_monolithic_runs_less_code_privileged(catalogue, tmp_path):
    comp = measure_layouts(load_recipe(find_recipe("selftest")), tmp_path, catalogue,
                           crossing=False)
    lib, mono, micro = (comp.layouts[n] for n in ("libos", "monolithic", "microkernel"))
    assert lib.status == mono.status == "success"
    # malloc returns a pointer into the allocator server's memory: no microkernel build
    assert not micro.buildable and "malloc" in micro.reason and "pointer" in micro.reason
    # selftest and its copy of libc move to ring 3: the kernel domain shrinks
    assert mono.privileged_bytes < lib.privileged_bytes
    assert mono.user_bytes > 2048
    assert comp.crossing is None and "cycles per crossing" not in comp.measured()["libos"]


@qemu
def test_dns_cannot_be_monolithic_and_says_why(catalogue, tmp_path):
    comp = measure_layouts(load_recipe(find_recipe("dns")), tmp_path, catalogue,
                           crossing=False)
    mono = comp.layouts["monolithic"]
    assert not mono.buildable and mono.status is None
    assert "udp_bind" in mono.reason and "call back" in mono.reason
    assert comp.measured()["monolithic"]["status"].startswith("not buildable: ")
    # the library OS is an appliance: measured up to its ready record, then stopped
    lib = comp.layouts["libos"]
    assert lib.buildable and lib.ready_ms is not None and lib.status == "stopped"
    assert "ready" in comp.measured()["libos"]["status"]


@qemu
def test_cli_compare_json(tmp_path):
    r = run_cli("compare", "hello", "--json", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["recipe"] == "hello"
    layouts = data["layouts"]
    assert {layouts[n]["status"] for n in ("libos", "monolithic", "microkernel")} == {"success"}
    assert data["crossing"]["monolithic_over_libos"] > 1
    assert data["crossing"]["microkernel_over_libos"] > data["crossing"]["monolithic_over_libos"]
    assert data["crossing"]["layouts"]["microkernel"]["application"] == "crossing-bench"
    assert data["models"]["microkernel"]["counts"]["ipc"] >= 1
    assert layouts["monolithic"]["cycles_per_crossing"] > layouts["libos"]["cycles_per_crossing"]
    assert data["models"]["monolithic"]["counts"]["trap"] >= 1
    assert data["models"]["libos"]["measured"]["status"] == "success"


@qemu
def test_cli_compare_table(tmp_path):
    r = run_cli("compare", "dns", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert "not buildable: function udp_bind" in r.stdout
    assert "message to a server and back" in r.stdout
    assert all(len(line) <= 80 for line in r.stdout.splitlines())


def test_crossing_rounds_skip_the_warm_up():
    from workbench.core.run.qemu import RunResult
    from workbench.core.run.telemetry import parse_record

    lines = ["ready app=crossing-bench",
             "bench name=crossing round=1 calls=10 cycles_per_call=900 loop_cycles=9",
             "bench name=crossing round=2 calls=10 cycles_per_call=300 loop_cycles=4",
             "bench name=other round=3 cycles_per_call=1",
             "bench name=crossing round=3 calls=10 cycles_per_call=310 loop_cycles=5"]
    run = RunResult("success", 0, "", [parse_record(x) for x in lines], None, None, 0.0, None, [])
    assert crossing_rounds(run) == [(300, 4), (310, 5)]


@qemu
def test_the_layout_steps_of_lesson_11_pass_on_real_boots(tmp_path, monkeypatch):
    """The lesson's boot steps on the two real layouts: ring 3 passes selftest, an I/O
    instruction faults there, and the learner's library-OS copy of the same app may use it."""
    from workbench.core.learn import lessons as L
    from workbench.core.learn.progress import Progress
    from workbench.core.model.recipe import recipes_dir

    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))
    les = L.find_lesson("11")
    ws = tmp_path / "ws"
    p = Progress(tmp_path / "p.json")
    out = tmp_path / "out"
    for sid, recipe in (("selftest-in-ring-3", "selftest-monolithic"),
                        ("gp-in-ring-3", "privileged-monolithic")):
        # the steps judge the learner's own boot: none yet, then the one they made
        _, result = L.check_step(les, p, step_id=sid, workspace=ws, lang="en")
        assert result.status == "fail" and f"not booted {recipe}" in result.message, result
        learner_builds_and_boots(recipes_dir() / f"{recipe}.toml", ws, out)
        _, result = L.check_step(les, p, step_id=sid, workspace=ws, lang="en")
        assert result.passed, (sid, result.message, result.details)
    # without the learner's own copy the step fails and says how to start it
    _, result = L.check_step(les, p, step_id="same-app-in-ring-0", workspace=ws, lang="en")
    assert result.status == "fail" and "privileged-libos" in result.message, result
    # the copy left in the monolithic layout faults, which is not what the step asks for
    text = (recipes_dir() / "privileged-monolithic.toml").read_text()
    copy = ws / "privileged-libos.toml"
    copy.write_text(text.replace("privileged-monolithic", "privileged-libos"))
    learner_builds_and_boots(copy, ws, out)
    _, result = L.check_step(les, p, step_id="same-app-in-ring-0", workspace=ws, lang="en")
    assert result.status == "fail"
    copy.write_text(text.replace("privileged-monolithic", "privileged-libos")
                    .replace('layout = "monolithic"', 'layout = "libos"'))
    learner_builds_and_boots(copy, ws, out)
    _, result = L.check_step(les, p, step_id="same-app-in-ring-0", workspace=ws, lang="en")
    assert result.passed, (result.message, result.details)
