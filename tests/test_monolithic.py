"""The monolithic layout: generated system-call glue, two domains in one image, ring 3 in QEMU."""

from __future__ import annotations

import re

import pytest

from workbench.core.builder.pipeline import build
from workbench.core.inspect.image import inspect_image
from workbench.core.layouts import monolithic
from workbench.core.model.catalogue import FunctionSpec, Interface, kernels_dir, load_catalogue
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.recipe import Recipe, load_recipe
from workbench.core.model.resolve import resolve
from workbench.core.run.qemu import boot_image_sync

from .conftest import RECIPES, workspace_app

STUB = re.compile(r"^(?P<ret>[^\n(]*?)\b(?P<name>\w+)\((?P<args>[^)]*)\)\n\{", re.M)
TABLE_ENTRY = re.compile(r"^\s+\[(\d+)\] = (\w+),$", re.M)


def _arity(args: str) -> int:
    return 0 if args.strip() == "void" else args.count(",") + 1


@pytest.mark.parametrize("name", ["hello-monolithic", "selftest-monolithic"])
def test_glue_matches_the_interface_descriptions(catalogue, tmp_path, name):
    res = resolve(load_recipe(RECIPES / f"{name}.toml"), catalogue)
    plan = monolithic.prepare_monolithic(res, tmp_path, kernels_dir() / "include")
    crossing = monolithic.crossing_interfaces(res)
    # exactly the interfaces the application (and its libc copy) reach in the kernel
    app = catalogue.components[res.recipe.application]
    assert set(app.requires) - {"libc"} <= set(crossing)
    assert "libc" not in crossing and all(catalogue.interfaces[i].crossing for i in crossing)

    wanted = {f.name: len(f.params) for i in crossing for f in catalogue.interfaces[i].functions}
    stubs = {m["name"]: _arity(m["args"]) for m in STUB.finditer(plan.user_stubs.read_text())}
    stubs.pop("user_start"), stubs.pop("syscall6")  # the process's start, the one helper
    assert stubs == wanted

    table = plan.kernel_table.read_text()
    entries = {int(n): fn for n, fn in TABLE_ENTRY.findall(table)}
    assert entries[0] == "sys_exit"
    assert sorted(entries) == list(range(len(wanted) + 1))
    for call in plan.syscalls:
        assert entries[call.number] == f"sys_{call.name}"
        # the kernel wrapper calls the real function with as many arguments as described
        body = table.split(f"static uint64_t sys_{call.name}(", 1)[1].split("\n}", 1)[0]
        args = re.search(rf"\b{call.name}\((.*)\);", body)[1]
        assert len(re.findall(r"\ba\d\b", args)) == call.arity

    header = plan.user_header.read_text()
    for fn in [*wanted, "app_main"]:
        assert f"#define {fn} user_{fn}\n" in header
    if "libc-mini" in [c.name for c in plan.user_components]:
        assert "#define printf user_printf\n" in header


def test_varargs_and_structs_cannot_cross():
    iface = Interface(name="log", crossing=True)
    with pytest.raises(WorkbenchError, match="printf_like.*variadic"):
        monolithic.check_crossable(iface, FunctionSpec("printf_like", "int",
                                                 [("fmt", "const char *"), ("", "...")]))
    with pytest.raises(WorkbenchError, match="does not fit in a register"):
        monolithic.check_crossable(iface, FunctionSpec("by_value", "void", [("s", "struct big")]))
    with pytest.raises(WorkbenchError, match="call back"):
        monolithic.check_crossable(iface, FunctionSpec("bind", "int", [("h", "udp_handler_fn")]))
    monolithic.check_crossable(iface, FunctionSpec("ok", "size_t", [("p", "const void *"),
                                                              ("n", "uint64_t")]))


def test_a_call_into_the_kernel_outside_the_interfaces_is_a_build_error(tmp_path):
    ws = tmp_path / "ws"
    workspace_app(ws, "sneaky", '#include "console.h"\nint app_main(void)\n'
                  '{ console_write("x", 1); return 0; }\n', requires=("telemetry",),
                  summary="calls console_write without requiring console")
    cat = load_catalogue(workspace=ws)
    res = resolve(Recipe(name="sneaky", application="sneaky", layout="monolithic"), cat)
    with pytest.raises(WorkbenchError, match="console_write") as info:
        build(res, tmp_path / "out")
    assert any("kernel symbol" in d for d in info.value.details)
    # the same application is fine as a library OS: one domain, the symbol is right there
    res = resolve(Recipe(name="sneaky", application="sneaky", layout="libos"), cat)
    assert "syscall-x86" not in res.names
    assert build(res, tmp_path / "out-libos").image.is_file()


def test_the_address_space_map_shows_the_user_domain(built):
    result = built("selftest-monolithic")
    info = inspect_image(result.image)
    user = [r for r in info.image_regions() if r.domain == "user"]
    kernel = [r for r in info.image_regions() if r.domain == "kernel"]
    owners = {(r.owner, r.kind) for r in user}
    assert {("selftest", "code"), ("libc-mini", "code"), ("syscall-x86", "stack"),
            ("alloc-freelist", "heap")} <= owners
    assert ("libc-mini", "code") in {(r.owner, r.kind) for r in kernel}  # the kernel's copy
    assert min(r.start for r in user) >= max(r.end for r in kernel if r.kind != "device")
    assert all(r.start % 4096 == 0 for r in user if r.name in (".text.selftest.user",))
    assert all(r.to_dict()["domain"] in ("user", "kernel") for r in info.regions)
    assert "syscall-x86" in result.components and result.recipe.layout == "monolithic"
    assert result.to_dict()["layout"] == "monolithic"


qemu = pytest.mark.qemu  # these boot QEMU


def _verdict(console: str) -> list[str]:
    return [ln for ln in console.splitlines() if ln.strip()]


@qemu
@pytest.mark.parametrize("toolchain", ["zig", "gcc"])
@pytest.mark.parametrize("app", ["hello", "selftest"])
def test_boots_in_ring_3_with_the_libos_verdict(built, app, toolchain):
    mono = boot_image_sync(built(f"{app}-monolithic", toolchain).image, timeout=20)
    assert mono.status == "success", mono.console
    libos = boot_image_sync(built(app, toolchain).image, timeout=20)
    assert libos.status == "success"
    if app == "hello":
        assert _verdict(mono.console) == _verdict(libos.console)
    else:
        checks = [re.sub(r":.*", "", ln) for ln in _verdict(mono.console)]
        assert checks == [re.sub(r":.*", "", ln) for ln in _verdict(libos.console)]
        assert "selftest: PASS" in mono.console
    # the user side read its own CS: the low two bits are the ring it ran in
    process = [r for r in mono.telemetry if r.kind == "process"]
    assert len(process) == 1 and process[0].get_int("ring") == 3
    assert process[0].get_int("exit") == 0
    assert "process" not in {r.kind for r in libos.telemetry}


@qemu
def test_a_privileged_instruction_in_user_mode_is_a_general_protection_fault(built):
    result = boot_image_sync(built("privileged-monolithic").image, timeout=20)
    assert result.status == "panic", result.console
    assert result.panic["vector"] == 13
    assert re.search(r"cs\s+0x0023", result.console)  # user code segment, ring 3
    ring = [r for r in result.telemetry if r.kind == "ring"]
    assert ring and ring[0].get_int("ring") == 3
    assert "the CPU allowed it" not in result.console


@qemu
def test_the_same_application_as_a_library_os_may_use_io_instructions(catalogue, tmp_path):
    res = resolve(Recipe(name="privileged", application="privileged"), catalogue)
    result = boot_image_sync(build(res, tmp_path).image, timeout=20)
    assert result.status == "success", result.console
    assert "ring 0" in result.console and "the CPU allowed it" in result.console


def test_the_layout_is_the_reason_for_the_glue_component(catalogue):
    res = resolve(Recipe(name="x", application="hello", layout="monolithic"), catalogue)
    inc = res.included["syscall-x86"]
    assert inc.chain == ["image", "syscall-x86"] and "monolithic layout" in inc.reason
    # and what it requires is resolved like any other requirement
    for iface in catalogue.components["syscall-x86"].requires:
        assert iface in res.providers
    assert "syscall-x86" not in resolve(Recipe(name="x", application="hello"), catalogue).names
