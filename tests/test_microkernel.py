"""The microkernel layout: drivers as ring-3 servers in their own address spaces, calls as
messages through the kernel. Real builds, real QEMU."""

from __future__ import annotations

import pytest

from workbench.core.builder.pipeline import build
from workbench.core.inspect.image import inspect_image
from workbench.core.layouts.microkernel import ARG_BUFFER, ARG_STRING, ARG_VALUE, argument_kinds
from workbench.core.model.catalogue import FunctionSpec, Interface, load_catalogue
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.recipe import Recipe
from workbench.core.model.resolve import resolve
from workbench.core.run.qemu import boot_image_sync

from .conftest import workspace_app

qemu = pytest.mark.qemu
SERVERS = ("power-isa-exit", "telemetry-debugcon", "serial-16550")


def test_how_arguments_travel_between_address_spaces():
    iface = Interface(name="console", crossing=True)
    write = FunctionSpec("console_write", "void", [("buf", "const char *"), ("len", "size_t")])
    assert argument_kinds(iface, write) == ([ARG_BUFFER, ARG_VALUE], [1, 0])
    record = FunctionSpec("telemetry_write", "void", [("line", "const char *")])
    assert argument_kinds(iface, record) == ([ARG_STRING], [0])
    refused = {
        "returns a pointer": FunctionSpec("malloc", "void *", [("n", "size_t")]),
        "write to": FunctionSpec("fill", "void", [("out", "char *"), ("n", "size_t")]),
        "unknown length": FunctionSpec("put", "void", [("s", "const struct big *")]),
        "call back": FunctionSpec("bind", "int", [("h", "udp_handler_fn")]),
        "variadic": FunctionSpec("log", "int", [("fmt", "const char *"), ("", "...")]),
    }
    for words, fn in refused.items():
        with pytest.raises(WorkbenchError, match=words):
            argument_kinds(iface, fn)


def test_resolution_adds_the_microkernel_with_its_reason(catalogue):
    res = resolve(Recipe(name="x", application="hello", layout="microkernel"), catalogue)
    assert {"microkernel-x86", "addrspace-x86"} <= set(res.names)
    assert "syscall-x86" not in res.names
    inc = res.included["microkernel-x86"]
    assert inc.chain == ["image", "microkernel-x86"] and "microkernel layout" in inc.reason


@qemu
def test_hello_as_a_microkernel(built):
    result = built("hello-microkernel")
    run = boot_image_sync(result.image, timeout=20)
    assert run.status == "success", run.console
    assert "Hello from a unikernel!" in run.console
    raw = [r.raw for r in run.telemetry]
    assert "phase name=user servers=3" in raw  # the drivers are servers now
    assert "process exit=0 ring=3" in raw
    # every server and the application live on user pages of their own
    info = inspect_image(result.image)
    user_owners = {r.owner for r in info.image_regions() if r.domain == "user"}
    assert set(SERVERS) | {"hello"} <= user_owners
    kernel_owners = {r.owner for r in info.image_regions() if r.domain == "kernel"}
    assert not set(SERVERS) & kernel_owners, "no driver code is left in ring 0"
    assert {"boot-pvh", "cpu-x86", "microkernel-x86"} <= kernel_owners


@qemu
def test_requests_nest_and_a_panic_reaches_the_console_server(catalogue, tmp_path):
    # crossing-bench asks the clock server, whose calibration writes telemetry: a request
    # made while another one is being served
    bench = build(resolve(Recipe(name="mk-bench", application="crossing-bench",
                                 layout="microkernel",
                                 options={"crossing-bench": {"calls": 100, "rounds": 2}}),
                          catalogue), tmp_path / "bench", "zig")
    run = boot_image_sync(bench.image, timeout=30)
    assert run.status == "success", run.console
    assert "crossing-bench: done" in run.console
    assert [r for r in run.telemetry if r.kind == "bench"]
    # a page fault in the application: the kernel's panic report is printed by the console
    # server and the power server ends the run
    fault = build(resolve(Recipe(name="mk-fault", application="fault", layout="microkernel"),
                          catalogue), tmp_path / "fault", "zig")
    run = boot_image_sync(fault.image, timeout=20)
    assert run.status == "panic" and run.panic["vector"] == 14, run.console
    assert "PANIC: CPU exception 14" in run.console


def _peek_catalogue(tmp_path):
    ws = tmp_path / "ws"
    workspace_app(
        ws, "peek", summary="reads one byte at an address",
        options='[options.address]\ntype = "int"\ndefault = 0\ndoc = "where to read"\n',
        source=('#include <stdint.h>\n#include "config.h"\n#include "console.h"\n'
                '#include "telemetry.h"\nint app_main(void)\n{\n'
                '    telemetry_write("ready app=peek");\n'
                '    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)CONFIG_PEEK_ADDRESS;\n'
                '    uint8_t b = *p;\n    console_write("read it\\n", 8);\n'
                '    return b == 0x5a;\n}\n'))
    return load_catalogue(workspace=ws)


@qemu
def test_the_application_cannot_read_a_servers_memory(tmp_path):
    cat = _peek_catalogue(tmp_path)
    probe = build(resolve(Recipe(name="probe", application="peek", layout="microkernel"), cat),
                  tmp_path / "probe", "zig")
    info = inspect_image(probe.image)
    target = next(s.addr for r in info.regions for s in r.symbols
                  if s.name == "srv_serial_16550_message")
    results = {}
    for layout in ("libos", "microkernel"):
        recipe = Recipe(name=f"peek-{layout}", application="peek", layout=layout,
                        options={"peek": {"address": target}})
        image = build(resolve(recipe, cat), tmp_path / layout, "zig").image
        results[layout] = boot_image_sync(image, timeout=20)
    # in a library OS every byte is everyone's
    assert results["libos"].status == "success" and "read it" in results["libos"].console
    # in the microkernel the same address is another domain's page: a user-mode page fault
    micro = results["microkernel"]
    assert micro.status == "panic", micro.console
    assert micro.panic["vector"] == 14 and micro.panic["cr2"] == target
    assert micro.panic["error"] & 0x4  # the U bit: the access came from ring 3
    assert "read it" not in micro.console


def test_a_recipe_that_cannot_be_a_microkernel_says_why(catalogue, tmp_path):
    res = resolve(Recipe(name="x", application="selftest", layout="microkernel"), catalogue)
    with pytest.raises(WorkbenchError) as info:
        build(res, tmp_path)
    message = str(info.value)
    assert "malloc" in message and "alloc.toml" in message and "pointer" in message


@qemu
def test_the_kernel_copies_only_the_callers_own_memory(tmp_path):
    """console_write(kernel address, 16) from the application: a library OS prints those 16
    bytes of kernel code; the microkernel refuses to copy memory that is not the caller's."""
    ws = tmp_path / "ws"
    workspace_app(ws, "leak", summary="asks the console to print kernel memory", source=(
        '#include "console.h"\n#include "telemetry.h"\nint app_main(void)\n{\n'
        '    telemetry_write("ready app=leak");\n    console_write("<", 1);\n'
        '    console_write((const char *)0x100018, 16);   /* boot-pvh\'s code */\n'
        '    console_write(">\\n", 2);\n    return 0;\n}\n'))
    cat = load_catalogue(workspace=ws)
    runs = {}
    for layout in ("libos", "microkernel"):
        image = build(resolve(Recipe(name=f"leak-{layout}", application="leak", layout=layout),
                              cat), tmp_path / layout, "zig").image
        runs[layout] = boot_image_sync(image, timeout=20)
        assert runs[layout].status == "success", runs[layout].console
    assert "<>" not in runs["libos"].console  # sixteen bytes of kernel code in between
    assert "<>" in runs["microkernel"].console  # refused: nothing was copied


@qemu
def test_an_application_cannot_pose_as_a_server(tmp_path):
    """SYS_REPLY_WAIT and SYS_EXIT are refused from the wrong caller: the application at top
    level has no request to answer, so the kernel must not "return" to a stale frame."""
    ws = tmp_path / "ws"
    workspace_app(ws, "rogue", summary="replies to nobody", source=(
        '#include <stdint.h>\n#include "console.h"\n#include "telemetry.h"\n'
        'int app_main(void)\n{\n    telemetry_write("ready app=rogue");\n'
        '    uint64_t r;\n'
        '    __asm__ volatile("syscall" : "=a"(r) : "a"((uint64_t)1), "D"((uint64_t)7)\n'
        '                     : "rcx", "r11", "memory");\n'
        '    console_write(r == (uint64_t)-1 ? "refused\\n" : "accepted\\n", r == (uint64_t)-1 ? 8 : 9);\n'
        '    return 0;\n}\n'))
    cat = load_catalogue(workspace=ws)
    image = build(resolve(Recipe(name="rogue", application="rogue", layout="microkernel"), cat),
                  tmp_path / "out", "zig").image
    run = boot_image_sync(image, timeout=20)
    assert run.status == "success", run.console
    assert "refused" in run.console
