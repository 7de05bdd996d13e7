"""Runs in real QEMU: exit codes, telemetry, watchdog, triple faults, input, and no leftover QEMU.

Two kinds of images are booted:
- the real recipes (hello, fault, hang) built by the workbench, as a learner would;
- tiny scratch kernels assembled here, each doing one thing the runner must recognise (print
  and exit with a chosen code, hang, triple-fault, echo the serial input), so the runner's
  mechanics are tested even while a component is being rewritten.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from workbench.core.model.errors import ToolMissing, WorkbenchError
from workbench.core.run.qemu import (
    EXIT_STATUS,
    Forward,
    QemuRun,
    RunEvent,
    boot_image,
    boot_image_sync,
    panic_from_record,
    parse_forward,
)
from workbench.core.run.telemetry import parse_record

REPO = Path(__file__).resolve().parents[1]
RECIPES = REPO / "kernels" / "recipes"

# --------------------------------------------------------------------------- helpers

SCRATCH_SOURCE = textwrap.dedent(r"""
        .section .note.Xen, "a"
        .p2align 2
        .long 4, 4, 18              /* PVH entry note */
        .asciz "Xen"
        .long _start

        .section .text.scratch, "ax"
        .code32
        .globl _start
_start:
        mov $msg, %esi              /* greeting on the serial console */
1:      lodsb
        test %al, %al
        jz 2f
        mov $0x3f8, %dx
        out %al, %dx
        jmp 1b
2:      mov $tel, %esi              /* records on the debugcon telemetry port */
3:      lodsb
        test %al, %al
        jz 4f
        out %al, $0xe9
        jmp 3b
4:
#if defined(MODE_HANG)
5:      hlt
        jmp 5b
#elif defined(MODE_TRIPLE)
        lidt idt0                   /* an empty IDT: the breakpoint faults, then double-faults */
        int3
#elif defined(MODE_ECHO)
6:      mov $0x3fd, %dx             /* wait for a received byte (LSR bit 0) */
        in %dx, %al
        test $1, %al
        jz 6b
        mov $0x3f8, %dx
        in %dx, %al
        out %al, %dx
        cmp $'q', %al
        jne 6b
        mov $0x10, %al
        out %al, $0xf4
#else
        mov $EXITVAL, %al
        out %al, $0xf4
#endif
7:      hlt
        jmp 7b

        .section .rodata.scratch, "a"
msg:    .asciz "hello from scratch\n"
tel:    .ascii "phase name=boot\n"
        .ascii "ready app=scratch\n"
        .ascii "this is not a record\n"
#if defined(PANIC_RECORD)
        .ascii "panic vector=14 error=0x2 rip=0x100123 cr2=0xdead000\n"
#endif
        .byte 0
        .p2align 3
idt0:   .word 0
        .long 0
""")

SCRATCH_SCRIPT = textwrap.dedent("""
ENTRY(_start)
PHDRS { text PT_LOAD FLAGS(5); note PT_NOTE; }
SECTIONS {
  . = 1M;
  .text.scratch : { KEEP(*(.text.scratch)) } :text
  .rodata.scratch : { *(.rodata.scratch) } :text
  .note.scratch : { KEEP(*(.note.Xen)) } :text :note
}
""")

SCRATCH_VARIANTS = {
    "success": ["-DEXITVAL=0x10"],
    "failure": ["-DEXITVAL=0x11"],
    "panic": ["-DEXITVAL=0x12", "-DPANIC_RECORD"],
    "hang": ["-DMODE_HANG"],
    "triple": ["-DMODE_TRIPLE"],
    "echo": ["-DMODE_ECHO"],
}


@pytest.fixture(scope="session")
def scratch(tmp_path_factory):
    """scratch("hang") -> path of a scratch kernel built with the workbench toolchain."""
    from workbench.core.builder.toolchain import get_toolchain

    out = tmp_path_factory.mktemp("scratch-kernels")
    src, script = out / "scratch.S", out / "scratch.ld"
    src.write_text(SCRATCH_SOURCE)
    script.write_text(SCRATCH_SCRIPT)
    tc = get_toolchain("zig")
    built = {}

    def get(name: str) -> Path:
        if name not in built:
            obj, image = out / f"{name}.o", out / f"{name}.elf"
            tc.compile(src, obj, SCRATCH_VARIANTS[name])
            tc.link([obj], script, image)
            built[name] = image
        return built[name]

    return get


@pytest.fixture(scope="session")
def real_image(tmp_path_factory):
    """real_image("hello") -> the image of kernels/recipes/hello.toml, built by the workbench."""
    from workbench.core.builder.pipeline import build_recipe

    out = tmp_path_factory.mktemp("real-images")
    built = {}

    def get(name: str) -> Path:
        recipe = RECIPES / f"{name}.toml"
        if name not in built:
            built[name] = Path(build_recipe(recipe, out / name).image)
        return built[name]

    return get


def qemu_processes(marker: str | None = None) -> list[int]:
    """QEMU processes that are ours: children of this process, or mentioning `marker`.

    Read from /proc (no extra dependency). Other people's QEMUs on the same machine are not
    counted, so the check is exact even on a shared host.
    """
    me = str(os.getpid())
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes()
            status = (d / "status").read_text()
        except OSError:
            continue
        if b"qemu-system" not in cmd.split(b"\0")[0]:
            continue
        if "\nState:\tZ" in status:
            continue
        ppid = next((ln.split()[1] for ln in status.splitlines() if ln.startswith("PPid:")), "")
        if ppid == me or (marker is not None and marker.encode() in cmd):
            found.append(int(d.name))
    return found


def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


async def wait_async(predicate, timeout: float = 10.0) -> bool:
    """wait_for inside a running event loop (the run's own tasks keep going meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


def running_guest(pids: list[int]) -> bool:
    """Some QEMU of `pids` has spent CPU time: it is past start-up and running the guest."""
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[11]) + int(fields[12]) > 0:  # utime + stime, in clock ticks
            return True
    return False


@pytest.fixture(autouse=True)
def no_leftover_qemu():
    yield
    assert wait_for(lambda: not qemu_processes(), 3.0), \
        f"QEMU processes left behind: {qemu_processes()}"


# --------------------------------------------------------------------------- no QEMU needed

def test_exit_codes_follow_isa_debug_exit():
    # value written to port 0xf4 -> QEMU exit code (value << 1) | 1
    assert {(v << 1) | 1: s for v, s in [(0x10, "success"), (0x11, "failure"),
                                         (0x12, "panic")]} == EXIT_STATUS


@pytest.mark.parametrize("text,expected", [
    ("udp:5353:53", Forward("udp", 5353, 53)),
    ("tcp:8080:80", Forward("tcp", 8080, 80)),
    ("8080:80", Forward("tcp", 8080, 80)),
    ("UDP:1:65535", Forward("udp", 1, 65535)),
])
def test_parse_forward(text, expected):
    fwd = parse_forward(text)
    assert fwd == expected
    assert fwd.hostfwd().startswith(f"hostfwd={expected.proto}:127.0.0.1:")


@pytest.mark.parametrize("text", ["udp:5353", "sctp:1:2", "udp:0:53", "udp:70000:53", "", "a:b:c"])
def test_parse_forward_rejects_bad_input(text):
    with pytest.raises(WorkbenchError) as info:
        parse_forward(text)
    assert info.value.key == "--forward"
    assert "udp:5353:53" in str(info.value)  # shows the valid form


def test_panic_record_becomes_a_dict():
    record = parse_record("panic vector=14 error=0x2 rip=0x100abc cr2=0x0 msg=oops", 12.5)
    panic = panic_from_record(record)
    assert panic["vector"] == 14
    assert panic["name"] == "page fault"
    assert panic["error"] == 2 and panic["rip"] == 0x100ABC and panic["cr2"] == 0
    assert panic["msg"] == "oops"


def test_missing_qemu_is_a_clear_error(monkeypatch, tmp_path):
    image = tmp_path / "x.elf"
    image.write_bytes(b"\x7fELF")
    monkeypatch.setenv("WB_QEMU", "/nonexistent/qemu-system-x86_64")
    with pytest.raises(ToolMissing) as info:
        boot_image_sync(image)
    text = str(info.value)
    assert "sudo apt-get install qemu-system-x86" in text
    assert "brew install qemu" in text


def test_missing_image_is_a_clear_error(tmp_path):
    with pytest.raises(WorkbenchError) as info:
        boot_image_sync(tmp_path / "nope.elf")
    assert "nope.elf" in str(info.value)


def test_unknown_machine_is_a_clear_error(tmp_path):
    with pytest.raises(WorkbenchError) as info:
        QemuRun(tmp_path / "x.elf", machine="microvn")
    assert "microvm" in str(info.value)


def test_cli_reports_missing_qemu_without_traceback(scratch):
    env = dict(os.environ, WB_QEMU="/nonexistent/qemu")
    proc = subprocess.run([sys.executable, "-m", "workbench", "boot", str(scratch("success"))],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "apt-get install qemu-system-x86" in proc.stderr + proc.stdout


# --------------------------------------------------------------------------- scratch kernels

@pytest.mark.qemu
@pytest.mark.parametrize("variant", ["success", "failure", "panic"])
def test_exit_status_from_the_exit_device(scratch, variant):
    result = boot_image_sync(scratch(variant), timeout=10)
    assert result.status == variant
    assert result.exit_code == {"success": 33, "failure": 35, "panic": 37}[variant]
    assert result.console == "hello from scratch\n"


@pytest.mark.qemu
def test_console_and_telemetry_are_separate_timed_channels(scratch):
    events: list[RunEvent] = []
    result = boot_image_sync(scratch("panic"), timeout=10, on_event=events.append)
    # The console holds only what the guest printed; telemetry only the records.
    assert "ready" not in result.console
    kinds = [r.kind for r in result.telemetry]
    assert kinds[:3] == ["phase", "ready", "malformed"]
    assert result.telemetry[2].raw == "this is not a record"
    assert result.records("ready")[0].fields == {"app": "scratch"}
    # Timings: QEMU start < first console byte <= ready <= exit.
    assert 0 < result.first_output_ms <= result.ready_ms <= result.duration_ms
    assert result.panic == {"vector": 14, "name": "page fault", "error": 2,
                            "rip": 0x100123, "cr2": 0xDEAD000}
    # Events arrive in order, stamped with the same clock.
    assert events[0].kind == "started" and events[-1].kind == "exited"
    assert events[-1].text == "panic"
    stamps = [e.t_ms for e in events]
    assert stamps == sorted(stamps)
    # the console may arrive in chunks of any size: what matters is that, joined, it is whole
    assert "hello" in "".join(e.text for e in events if e.kind == "console")
    assert any(e.kind == "telemetry" and e.record.kind == "ready" for e in events)
    # The result is JSON-ready.
    data = json.loads(json.dumps(result.to_dict()))
    assert data["status"] == "panic" and data["panic"]["cr2"] == 0xDEAD000
    assert data["command"][0].endswith("qemu-system-x86_64")


@pytest.mark.qemu
def test_triple_fault_is_reported_as_such(scratch):
    result = boot_image_sync(scratch("triple"), timeout=10)
    assert result.status == "triple-fault"
    assert result.shutdown_reason == "guest-reset"
    assert result.console == "hello from scratch\n"


@pytest.mark.qemu
def test_watchdog_stops_a_hanging_guest(scratch):
    result = boot_image_sync(scratch("hang"), timeout=0.5)
    assert result.status == "timeout"
    assert result.duration_ms >= 500
    assert result.ready_ms is not None  # it did boot; it just never exited
    assert not qemu_processes()


@pytest.mark.qemu
def test_pc_machine_boots_too(scratch):
    result = boot_image_sync(scratch("success"), machine="pc", timeout=10)
    assert result.status == "success"
    assert result.machine == "pc"
    assert result.console == "hello from scratch\n"


@pytest.mark.qemu
def test_input_pause_resume_and_watchdog_ignores_pauses(scratch):
    async def scenario():
        async with QemuRun(scratch("echo"), timeout=1.0) as run:
            await run.send_input(b"abc")
            await run.pause()
            assert run.paused
            await asyncio.sleep(1.2)  # longer than the timeout: paused time does not count
            status = await run.hmp("info status")
            assert "paused" in status
            await run.resume()
            await run.send_input(b"q")
            return await run.wait()

    result = asyncio.run(scenario())
    assert result.status == "success"
    assert result.console == "hello from scratch\nabcq"


@pytest.mark.qemu
def test_stop_ends_the_run(scratch):
    async def scenario():
        async with QemuRun(scratch("hang"), timeout=30) as run:
            assert await wait_async(lambda: running_guest(qemu_processes())), "QEMU never ran"
            return await run.stop()

    result = asyncio.run(scenario())
    assert result.status == "stopped"
    assert result.duration_ms < 30_000


@pytest.mark.qemu
def test_exception_inside_the_run_kills_qemu(scratch):
    async def scenario():
        async with QemuRun(scratch("hang"), timeout=30):
            assert await wait_async(qemu_processes), "QEMU never started"
            raise RuntimeError("viewer crashed")

    with pytest.raises(RuntimeError):
        asyncio.run(scenario())
    assert wait_for(lambda: not qemu_processes(), 3.0)


@pytest.mark.qemu
def test_cancelled_task_kills_qemu(scratch):
    async def scenario():
        task = asyncio.create_task(boot_image(scratch("hang"), timeout=30))
        assert await wait_async(qemu_processes), "QEMU never started"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert wait_for(lambda: not qemu_processes(), 3.0)


@pytest.mark.qemu
def test_port_forward_is_bound_to_localhost(scratch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def scenario():
        async with QemuRun(scratch("hang"), timeout=30, forwards=[f"tcp:{port}:80"]) as run:
            assert any("hostfwd=tcp:127.0.0.1:" in a for a in run.command)
            assert "virtio-net-device,netdev=net0" in run.command
            # QEMU now owns 127.0.0.1:port, so nobody else can bind it.
            with socket.socket() as s, pytest.raises(OSError):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
                s.bind(("127.0.0.1", port))
            return await run.stop()

    result = asyncio.run(scenario())
    assert result.status == "stopped"
    assert result.forwards == [Forward("tcp", port, 80)]


@pytest.mark.qemu
def test_qemu_startup_failure_is_an_error_status(tmp_path):
    not_a_kernel = tmp_path / "junk.elf"
    not_a_kernel.write_bytes(b"this is not a kernel" * 10)
    result = boot_image_sync(not_a_kernel, timeout=10)
    assert result.status == "error"
    assert result.error  # QEMU's own explanation
    assert result.exit_code not in EXIT_STATUS


# --------------------------------------------------------------------------- signals

RUNNER = textwrap.dedent("""
    import sys
    from workbench.core.run.qemu import boot_image_sync
    print(boot_image_sync(sys.argv[1], timeout=60).status, flush=True)
""")


def _default_signals() -> None:
    # A shell starts background jobs with SIGINT ignored, and Python then installs no
    # KeyboardInterrupt handler: give the child what a terminal gives a program, so the test
    # means the same wherever the suite runs.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_and_signal(argv: list[str], marker: str, sig: int) -> subprocess.Popen:
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_default_signals)
    assert wait_for(lambda: running_guest(qemu_processes(marker)), 20.0), "QEMU never ran the guest"
    proc.send_signal(sig)
    proc.communicate(timeout=20)
    return proc


@pytest.mark.qemu
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_killing_the_parent_leaves_no_qemu(scratch, tmp_path, sig):
    # A private copy, so the marker matches this test's QEMU and nobody else's.
    image = tmp_path / f"hang-{sig.name}.elf"
    image.write_bytes(scratch("hang").read_bytes())
    _start_and_signal([sys.executable, "-c", RUNNER, str(image)], str(image), sig)
    assert wait_for(lambda: not qemu_processes(str(image)), 3.0)


@pytest.mark.qemu
def test_ctrl_c_on_workbench_boot_leaves_no_qemu(scratch, tmp_path):
    image = tmp_path / "hang-cli.elf"
    image.write_bytes(scratch("hang").read_bytes())
    proc = _start_and_signal([sys.executable, "-m", "workbench", "boot", str(image),
                              "--timeout", "60"], str(image), signal.SIGINT)
    assert proc.returncode != 0
    assert wait_for(lambda: not qemu_processes(str(image)), 3.0)


# --------------------------------------------------------------------------- real recipes

@pytest.mark.qemu
def test_hello_greets_and_succeeds(real_image):
    result = boot_image_sync(real_image("hello"), timeout=10)
    assert result.status == "success", result.console + result.stderr
    assert "hello" in result.console.lower()
    assert result.ready_ms is not None
    assert result.first_output_ms <= result.duration_ms


@pytest.mark.qemu
def test_fault_is_a_page_fault_panic(real_image):
    result = boot_image_sync(real_image("fault"), timeout=10)
    assert result.status == "panic", result.console
    assert result.panic is not None
    assert result.panic["vector"] == 14
    assert result.panic["cr2"] is not None
    # the telemetry record carries the faulting address the CPU put in CR2
    record = result.records("panic")[0]
    assert int(record.fields["cr2"], 0) == result.panic["cr2"]


@pytest.mark.qemu
def test_hang_is_stopped_by_the_watchdog(real_image):
    result = boot_image_sync(real_image("hang"), timeout=1.0)
    assert result.status == "timeout"
    assert not qemu_processes()
