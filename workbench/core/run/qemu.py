"""Booting an image in QEMU: one run, its console, telemetry, exit status and timings.

How a run is wired (every channel is a unix socket this module listens on; QEMU connects to each
one as a client while it starts, so nothing the guest says can be lost):

    guest port 0x3f8 (16550 UART) ──► console socket   → RunEvent("console"), RunResult.console
    guest port 0xe9  (debugcon)   ──► telemetry socket → Record per line,  RunResult.telemetry
    guest port 0xf4  (debug-exit) ──► QEMU's exit code: 33 success, 35 failure, 37 panic
    QMP socket (qemu.qmp)         ──► pause/resume/quit, and the reason QEMU shut down

QEMU starts paused (`-S`); the run resumes it once QMP is ready, so even a guest that dies in
its first instruction cannot beat the event listener. Every chunk is stamped with the host clock
on arrival, relative to the moment QEMU was spawned: `first_output_ms` is the first console
byte, `ready_ms` the telemetry record `ready`.

No QEMU may outlive its run. QEMU runs in its own session (a Ctrl-C in the terminal reaches only
the workbench), is killed as a process group on every path out of a run (normal end, watchdog,
exception, cancellation), is tied to its parent with PR_SET_PDEATHSIG on Linux (so it dies even
if the workbench is killed with SIGKILL), and an atexit hook kills whatever is left.
"""

from __future__ import annotations

import asyncio
import atexit
import codecs
import ctypes
import inspect as _inspect
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from qemu.qmp import QMPClient, QMPError
from qemu.qmp.events import EventListener

from workbench.core.model.errors import WorkbenchError
from workbench.core.model.tools import find_qemu
from workbench.core.run.hostsockets import widen
from workbench.core.run.machines import get_machine
from workbench.core.run.passt import Passt, choose_net
from workbench.core.run.status import EXIT_STATUS, STATUSES  # noqa: F401  (STATUSES: re-exported)
from workbench.core.run.telemetry import LineSplitter, Record, parse_record
from workbench.i18n import N_, _

EXCEPTION_NAMES = {  # English in a run's report; shown through _()
    0: N_("divide error"), 1: N_("debug"), 2: N_("non-maskable interrupt"), 3: N_("breakpoint"),
    4: N_("overflow"), 5: N_("bound range exceeded"), 6: N_("invalid opcode"),
    7: N_("device not available"), 8: N_("double fault"), 9: N_("coprocessor segment overrun"),
    10: N_("invalid TSS"), 11: N_("segment not present"), 12: N_("stack-segment fault"),
    13: N_("general protection fault"), 14: N_("page fault"),
    16: N_("x87 floating-point error"), 17: N_("alignment check"), 18: N_("machine check"),
    19: N_("SIMD floating-point error"), 20: N_("virtualization exception"),
    21: N_("control protection exception"),
}

# qemu.qmp logs a warning when QEMU hangs up, which is how every run ends; the run reports
# the outcome itself.
logging.getLogger("qemu.qmp").setLevel(logging.CRITICAL)


# --------------------------------------------------------------------------- forwards

@dataclass(frozen=True)
class Forward:
    """A host port on 127.0.0.1 forwarded to a guest port (QEMU user networking)."""

    proto: str
    host_port: int
    guest_port: int

    def hostfwd(self) -> str:
        return f"hostfwd={self.proto}:127.0.0.1:{self.host_port}-:{self.guest_port}"

    def __str__(self) -> str:
        return f"{self.proto}:{self.host_port}:{self.guest_port}"

    def to_dict(self) -> dict:
        return {"proto": self.proto, "host": "127.0.0.1", "host_port": self.host_port,
                "guest_port": self.guest_port}


_FORWARD = re.compile(r"(?:(tcp|udp):)?(\d{1,5}):(\d{1,5})\Z")


def parse_forward(text: str, option: str = "--forward") -> Forward:
    """'udp:5353:53' (proto:host_port:guest_port; proto defaults to tcp) as a Forward."""
    m = _FORWARD.match(text.strip().lower())
    problem = None
    if not m:
        problem = _("{text} is not a port forward").format(text=repr(text))
    else:
        proto, host, guest = m.group(1) or "tcp", int(m.group(2)), int(m.group(3))
        for port in (host, guest):
            if not 1 <= port <= 65535:
                problem = _("port {port} in {text} is outside 1-65535").format(
                    port=port, text=repr(text))
        if problem is None:
            return Forward(proto, host, guest)
    raise WorkbenchError(
        problem,
        key=option,
        details=[_("valid form: [tcp|udp:]HOST_PORT:GUEST_PORT, e.g. udp:5353:53 or "
                   "tcp:8080:80"),
                 _("the host side is always bound to 127.0.0.1")],
    )


# --------------------------------------------------------------------------- events, results

@dataclass
class RunEvent:
    kind: str  # started | console | telemetry | status | network | exited
    t_ms: float
    text: str = ""
    record: Record | None = None


@dataclass
class RunResult:
    status: str
    exit_code: int | None
    console: str
    telemetry: list[Record]
    first_output_ms: float | None
    ready_ms: float | None
    duration_ms: float
    panic: dict | None
    command: list[str]
    forwards: list[Forward] = field(default_factory=list)
    image: str = ""
    machine: str = ""
    shutdown_reason: str | None = None
    stderr: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "success"

    def records(self, kind: str) -> list[Record]:
        return [r for r in self.telemetry if r.kind == kind]

    def to_dict(self) -> dict:
        def ms(v: float | None) -> float | None:
            return None if v is None else round(v, 3)

        return {
            "status": self.status,
            "exit_code": self.exit_code,
            "image": self.image,
            "machine": self.machine,
            "console": self.console,
            "telemetry": [r.to_dict() for r in self.telemetry],
            "first_output_ms": ms(self.first_output_ms),
            "ready_ms": ms(self.ready_ms),
            "duration_ms": ms(self.duration_ms),
            "panic": self.panic,
            "shutdown_reason": self.shutdown_reason,
            "command": list(self.command),
            "forwards": [f.to_dict() for f in self.forwards],
            "stderr": self.stderr,
            "error": self.error,
        }


def panic_from_record(record: Record) -> dict:
    """The `panic` telemetry record as a dict: vector, name, error code, rip, cr2 (ints)."""
    vector = record.get_int("vector")
    info: dict[str, Any] = {
        "vector": vector,
        "name": record.fields.get("name", "").replace("-", " ")
        or EXCEPTION_NAMES.get(vector if vector is not None else -1, "panic"),
        "error": record.get_int("error"),
        "rip": record.get_int("rip"),
        "cr2": record.get_int("cr2"),
    }
    for key, value in record.fields.items():
        if key not in info:
            info[key] = value
    return info


# --------------------------------------------------------------------------- process safety

_LIVE_PGIDS: set[int] = set()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


@atexit.register
def _kill_leftovers() -> None:
    for pid in list(_LIVE_PGIDS):
        _kill_group(pid)
    _LIVE_PGIDS.clear()


def _death_signal_preexec() -> Callable[[], None] | None:
    """A preexec function that makes the child die with its parent (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    PR_SET_PDEATHSIG = 1

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        # The parent may have died between fork and prctl: then nobody would send the signal.
        if os.getppid() != parent:
            os._exit(1)

    return preexec


class _QmpEvents(EventListener):
    """Hands each QMP event to the run as it arrives, in order, instead of queueing it."""

    def __init__(self, handler: Callable[[dict], None]):
        super().__init__()
        self._handler = handler

    async def put(self, event) -> None:  # called by QMPClient for every event
        self._handler(event)


# --------------------------------------------------------------------------- the run

class QemuRun:
    """One QEMU execution of an image. Use as `async with QemuRun(...) as run: await run.wait()`."""

    def __init__(
        self,
        image: str | os.PathLike,
        machine: str | None = "microvm",
        timeout: float | None = 10.0,
        forwards=(),
        network: bool = False,
        memory_mb: int | None = None,  # default: the machine's memory_mib
        on_event: Callable[[RunEvent], Any] | None = None,
        accel: str | None = None,
        extra_args=(),
        start_paused: bool = False,
        net: str | None = None,
        widen_forwards: bool = True,
    ):
        self.image = Path(image)
        self.machine = get_machine(machine)
        self.timeout = timeout if timeout and timeout > 0 else None
        self.forwards = [f if isinstance(f, Forward) else parse_forward(str(f)) for f in forwards]
        self.network = network or bool(self.forwards)
        # The network back-end: "user" (slirp, inside QEMU) or "passt" (a process of its own);
        # see passt.py for what None and "auto" choose, and why.
        self.net = choose_net(net) if self.network else "user"
        self._passt: Passt | None = None
        self._netdev = ""
        # The forwards' host sockets get a crowd-sized backlog and a burst-sized receive buffer
        # once the back-end has opened them (hostsockets.py); what was done, a line each.
        self.widen_forwards = widen_forwards
        self.network_notes: list[str] = []
        self.memory_mb = int(memory_mb or self.machine.memory_mib)
        self.on_event = on_event
        # TCG (pure emulation) by default: the same everywhere, KVM or not. "kvm:tcg" asks for
        # KVM and falls back to TCG; WB_ACCEL sets the default.
        self.accel = accel or os.environ.get("WB_ACCEL") or "tcg"
        self.extra_args = list(extra_args)
        self.start_paused = start_paused
        self.command: list[str] = []

        self._proc: asyncio.subprocess.Process | None = None
        self._t0 = 0.0
        self._dir: str | None = None
        self._servers: list[asyncio.AbstractServer] = []
        self._qmp: QMPClient | None = None
        self._tasks: list[asyncio.Task] = []
        self._callback_tasks: list[asyncio.Task] = []

        self._console_parts: list[str] = []
        self._console_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._console_writer: asyncio.StreamWriter | None = None
        self._console_connected = asyncio.Event()
        self._console_eof = asyncio.Event()
        self._telemetry_eof = asyncio.Event()
        self._telemetry_connected = asyncio.Event()
        self._telemetry: list[Record] = []
        self._first_output_ms: float | None = None
        self._ready_ms: float | None = None
        self._panic: dict | None = None
        self._shutdown_reason: str | None = None
        self._stderr = bytearray()

        self._end_reason: str | None = None  # "timeout" | "stopped", set by us
        self._error: str | None = None
        self._paused = False
        self._state_changed = asyncio.Event()
        self._running_since = 0.0
        self._ran_for = 0.0
        self._result: RunResult | None = None
        self._finished = asyncio.Event()
        self._started = False

    # ---- public API

    def elapsed_ms(self) -> float:
        return (time.monotonic() - self._t0) * 1000.0 if self._t0 else 0.0

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    @property
    def paused(self) -> bool:
        return self._paused

    async def start(self) -> None:
        if self._started:
            raise RuntimeError("a QemuRun can be started only once")
        self._started = True
        qemu = find_qemu()
        if not self.image.is_file():
            raise WorkbenchError(_("image not found"), file=self.image,
                                 hint=_("build it first: workbench build RECIPE"))
        try:
            await self._spawn(qemu)
        except BaseException as exc:
            await self._cleanup()
            if self._result is None:
                self._error = self._error or str(exc) or type(exc).__name__
                self._result = self._make_result(None, self.elapsed_ms())
            self._finished.set()
            raise

    async def send_input(self, data: bytes | str) -> None:
        """Bytes typed on the guest's serial console."""
        if isinstance(data, str):
            data = data.encode()
        if not self._console_connected.is_set():
            await asyncio.wait_for(self._console_connected.wait(), 5.0)
        writer = self._console_writer
        if writer is None or writer.is_closing():
            return
        writer.write(data)
        await writer.drain()

    async def pause(self) -> None:
        """Freeze the guest (its CPU stops; the watchdog stops counting)."""
        if self.running and not self._paused and await self._command("stop"):
            self._set_paused(True)

    async def resume(self) -> None:
        if self.running and self._paused and await self._command("cont"):
            self._set_paused(False)

    async def hmp(self, command: str) -> str:
        """A human monitor command (`info registers`, `info mtree -f`, ...) and its output."""
        if self._qmp is None or not self.running:
            raise WorkbenchError(_("the run has ended; there is no monitor to ask"),
                                 key="monitor")
        try:
            out = await self._qmp.execute("human-monitor-command",
                                          {"command-line": command})
        except QMPError as exc:
            raise WorkbenchError(_("monitor command {command} failed: {error}").format(
                                     command=repr(command), error=exc),
                                 key="monitor") from None
        return str(out)

    async def _command(self, name: str) -> bool:
        """Run a QMP command; False if QEMU went away meanwhile (the run is ending anyway)."""
        if self._qmp is None:
            return False
        try:
            await self._qmp.execute(name)
            return True
        except (QMPError, EOFError, OSError):
            if self.running:
                raise
            return False

    async def stop(self) -> RunResult:
        """Ask QEMU to quit (killing it if it does not) and return the result."""
        if self.running:
            if self._end_reason is None:
                self._end_reason = "stopped"
            if self._qmp is not None and self._qmp.runstate.name == "RUNNING":
                try:
                    await asyncio.wait_for(self._qmp.execute("quit"), 1.0)
                except Exception:
                    pass
            try:
                await asyncio.wait_for(asyncio.shield(self._proc.wait()), 2.0)
            except asyncio.TimeoutError:
                self._kill()
        return await self.wait()

    async def wait(self) -> RunResult:
        """Wait for the run to end (guest exit, watchdog or stop) and return its result."""
        if not self._started:
            await self.start()
        try:
            await self._finished.wait()
        except BaseException:
            # Cancelled or interrupted while waiting: QEMU must not survive us.
            self._kill()
            raise
        assert self._result is not None
        return self._result

    async def close(self) -> None:
        """End the run now if it is still going and free everything it holds."""
        if self.running:
            if self._end_reason is None:
                self._end_reason = "stopped"
            self._kill()
        if self._started and not self._finished.is_set():
            try:
                await asyncio.wait_for(self._finished.wait(), 3.0)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                pass
        await self._cleanup()

    async def __aenter__(self) -> "QemuRun":
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        self._kill_if_running()
        await self.close()

    # ---- starting

    def _build_command(self, qemu: str, sock: dict[str, str]) -> list[str]:
        cmd = [
            qemu,
            *self.machine.qemu_args,
            *[arg for a in self.accel.split(":") if a for arg in ("-accel", a)],
            "-m", f"{self.memory_mb}M",
            "-smp", "1",
            "-nodefaults", "-no-user-config",
            "-display", "none",
            # A triple fault resets the CPU; with -no-reboot the reset becomes a shutdown whose
            # reason (guest-reset) QMP reports, instead of the guest booting again forever.
            "-no-reboot",
            "-S",
            "-chardev", f"socket,id=console,path={sock['console']}",
            "-serial", "chardev:console",
            "-chardev", f"socket,id=telemetry,path={sock['telemetry']}",
            "-device", "isa-debugcon,iobase=0xe9,chardev=telemetry",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-chardev", f"socket,id=qmp,path={sock['qmp']}",
            "-mon", "chardev=qmp,mode=control",
        ]
        if self.network:
            if self._netdev:  # passt, which holds the forwards itself
                netdev = self._netdev
            else:
                netdev = "user,id=net0" + "".join("," + f.hostfwd() for f in self.forwards)
            device = f"{self.machine.net_device},netdev=net0"
            if self.machine.net_device.endswith("-pci"):
                device += ",romfile="  # no PXE option ROM: nothing here boots from the network
            cmd += ["-netdev", netdev, "-device", device]
        cmd += self.extra_args
        cmd += ["-kernel", str(self.image)]
        return cmd

    async def _spawn(self, qemu: str) -> None:
        self._dir = tempfile.mkdtemp(prefix="wb-run-")
        sock = {name: os.path.join(self._dir, name[0] + ".sock")
                for name in ("console", "telemetry", "qmp")}
        self._servers.append(await asyncio.start_unix_server(self._on_console, sock["console"]))
        self._servers.append(
            await asyncio.start_unix_server(self._on_telemetry, sock["telemetry"]))
        self._qmp = QMPClient(f"wb-{self.image.name}")
        self._qmp.register_listener(_QmpEvents(self._on_qmp_event))
        await self._qmp.start_server(sock["qmp"])

        if self.network and self.net == "passt":
            self._passt = Passt(self.forwards, _death_signal_preexec())
            self._netdev = await self._passt.start()
        self.command = self._build_command(qemu, sock)
        self._t0 = time.monotonic()
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *self.command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
                preexec_fn=_death_signal_preexec(),
            )
        except OSError as exc:
            raise WorkbenchError(_("could not start QEMU: {error}").format(error=exc),
                                 file=qemu) from None
        _LIVE_PGIDS.add(self._proc.pid)
        self._emit(RunEvent("started", self.elapsed_ms(), " ".join(self.command)))
        self._tasks.append(asyncio.create_task(self._read_stderr()))

        # QEMU connects to the QMP socket while starting; if it dies first (bad image, port in
        # use), there is nobody to accept and the run ends as an error.
        accept = asyncio.create_task(self._qmp.accept())
        exited = asyncio.create_task(self._proc.wait())
        done, _pending = await asyncio.wait({accept, exited}, timeout=10.0,
                                     return_when=asyncio.FIRST_COMPLETED)
        if accept in done and accept.exception() is None:
            exited.cancel()
            await self._forget_socket_paths()
            self._widen_forwards()
            self._running_since = time.monotonic()
            if self.start_paused:
                self._set_paused(True)
            else:
                try:
                    await self._qmp.execute("cont")
                except (QMPError, EOFError, OSError):
                    # A guest that exits at once can end QEMU before the reply to `cont` is
                    # sent; the supervisor reads the outcome from the exit code.
                    pass
                self._running_since = time.monotonic()
                self._emit(RunEvent("status", self.elapsed_ms(), "running"))
            if self.timeout is not None:
                self._tasks.append(asyncio.create_task(self._watchdog()))
        else:
            accept.cancel()
            exited.cancel()
            if accept in done:
                self._error = _("QMP connection failed: {error}").format(error=accept.exception())
            elif not done:
                self._error = _("QEMU did not connect its monitor within 10 s")
            self._kill()
        self._tasks.append(asyncio.create_task(self._supervise()))

    def _widen_forwards(self) -> None:
        """Before the guest runs: the forwards' host sockets, held by passt or by QEMU, widened."""
        if not (self.forwards and self.widen_forwards):
            return
        holder = self._passt.proc if self._passt is not None else self._proc
        if holder is None or holder.returncode is not None:
            return
        self.network_notes = widen(holder.pid, self.forwards)
        for note in self.network_notes:
            self._emit(RunEvent("network", self.elapsed_ms(), note))

    async def _forget_socket_paths(self) -> None:
        """Remove the socket files as soon as QEMU holds its connections.

        QEMU opens its chardevs in command-line order, so once QMP (the last) is connected the
        console and telemetry connections exist too. After that nothing needs the paths, and
        removing them now means even a workbench killed with SIGKILL leaves nothing in /tmp.
        """
        both = asyncio.gather(self._console_connected.wait(), self._telemetry_connected.wait())
        try:
            await asyncio.wait_for(both, 2.0)
        except asyncio.TimeoutError:
            return  # keep listening; _cleanup removes everything at the end
        for server in self._servers:
            server.close()
        self._servers.clear()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    # ---- channels

    async def _on_console(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        self._console_writer = writer
        self._console_connected.set()
        try:
            while True:
                data = await reader.read(4096)
                if not data:
                    break
                t = self.elapsed_ms()
                if self._first_output_ms is None:
                    self._first_output_ms = t
                text = self._console_decoder.decode(data)
                if text:
                    self._console_parts.append(text)
                    self._emit(RunEvent("console", t, text))
        except (ConnectionError, OSError):
            pass
        finally:
            tail = self._console_decoder.decode(b"", final=True)
            if tail:
                self._console_parts.append(tail)
            self._console_eof.set()
            writer.close()

    async def _on_telemetry(self, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
        lines = LineSplitter()
        self._telemetry_connected.set()
        try:
            while True:
                data = await reader.read(4096)
                if not data:
                    break
                t = self.elapsed_ms()
                for line in lines.feed(data):
                    self._add_record(line, t)
        except (ConnectionError, OSError):
            pass
        finally:
            for line in lines.flush():
                self._add_record(line, self.elapsed_ms())
            self._telemetry_eof.set()
            writer.close()

    def _add_record(self, line: str, t: float) -> None:
        record = parse_record(line, t)
        if record is None:
            return
        self._telemetry.append(record)
        if record.kind == "ready" and self._ready_ms is None:
            self._ready_ms = t
        elif record.kind == "panic" and self._panic is None:
            self._panic = panic_from_record(record)
        self._emit(RunEvent("telemetry", t, record.raw, record))

    def _on_qmp_event(self, event) -> None:
        name = event["event"]
        data = event.get("data", {}) or {}
        t = self.elapsed_ms()
        if name == "SHUTDOWN":
            self._shutdown_reason = data.get("reason", "unknown")
            self._emit(RunEvent("status", t, f"shutdown reason={self._shutdown_reason}"))
        elif name == "GUEST_PANICKED":
            self._emit(RunEvent("status", t, "guest-panicked"))
        elif name == "RESET":
            self._emit(RunEvent("status", t, f"reset reason={data.get('reason', 'unknown')}"))

    async def _read_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        while True:
            chunk = await self._proc.stderr.read(4096)
            if not chunk:
                return
            if len(self._stderr) < 64 * 1024:
                self._stderr += chunk

    # ---- pausing and the watchdog

    def _set_paused(self, paused: bool) -> None:
        now = time.monotonic()
        if paused:
            self._ran_for += now - self._running_since
        else:
            self._running_since = now
        self._paused = paused
        self._state_changed.set()
        self._emit(RunEvent("status", self.elapsed_ms(), "paused" if paused else "running"))

    def _running_time(self) -> float:
        if self._paused:
            return self._ran_for
        return self._ran_for + (time.monotonic() - self._running_since)

    async def _watchdog(self) -> None:
        """Kill QEMU once the guest has run (not counting pauses) for `timeout` seconds."""
        assert self.timeout is not None
        while self.running:
            self._state_changed.clear()
            if self._paused:
                await self._state_changed.wait()
                continue
            remaining = self.timeout - self._running_time()
            if remaining <= 0:
                if self._end_reason is None:
                    self._end_reason = "timeout"
                self._emit(RunEvent("status", self.elapsed_ms(),
                                    _("watchdog: no exit after {seconds} s").format(
                                        seconds=f"{self.timeout:g}")))
                self._kill()
                return
            try:
                await asyncio.wait_for(self._state_changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    # ---- ending

    def _kill(self) -> None:
        if self._proc is not None and self._proc.returncode is None:
            _kill_group(self._proc.pid)

    def _kill_if_running(self) -> None:
        if self.running:
            if self._end_reason is None:
                self._end_reason = "stopped"
            self._kill()

    async def _supervise(self) -> None:
        assert self._proc is not None
        try:
            exit_code = await self._proc.wait()
            duration = self.elapsed_ms()
            _LIVE_PGIDS.discard(self._proc.pid)
            self._state_changed.set()  # wakes the watchdog, which then sees QEMU is gone
            # QEMU is gone, so its ends of the sockets are closed: wait for our readers to
            # reach end-of-file so the last console bytes and QMP events are counted.
            waits = [self._console_eof.wait(), self._telemetry_eof.wait()]
            if self._console_connected.is_set():
                await asyncio.wait([asyncio.create_task(w) for w in waits], timeout=1.0)
            await self._drain_qmp()
            for task in self._tasks:
                if task is not asyncio.current_task() and not task.done():
                    try:
                        await asyncio.wait_for(asyncio.shield(task), 0.5)
                    except (asyncio.TimeoutError, Exception):
                        task.cancel()
            self._result = self._make_result(exit_code, duration)
            self._emit(RunEvent("exited", duration, self._result.status))
            if self._callback_tasks:
                await asyncio.wait(self._callback_tasks, timeout=2.0)
        except BaseException:
            self._kill()
            if self._result is None:
                self._result = self._make_result(None, self.elapsed_ms())
            raise
        finally:
            self._finished.set()

    async def _drain_qmp(self) -> None:
        qmp = self._qmp
        if qmp is None:
            return
        # The reader hands every event to the listener before it sees end-of-file, so once
        # the connection left RUNNING all events (SHUTDOWN in particular) have been handled.
        deadline = time.monotonic() + 1.0
        while qmp.runstate.name == "RUNNING" and time.monotonic() < deadline:
            try:
                await asyncio.wait_for(qmp.runstate_changed(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                break

    def _make_result(self, exit_code: int | None, duration: float) -> RunResult:
        stderr = self._stderr.decode("utf-8", errors="replace").strip()
        error = self._error
        if self._end_reason is not None:
            status = self._end_reason
        elif exit_code in EXIT_STATUS:
            status = EXIT_STATUS[exit_code]
        elif self._shutdown_reason == "guest-reset":
            status = "triple-fault"
        elif self._shutdown_reason == "guest-panic":
            status = "panic"
        else:
            status = "error"
            if stderr:  # QEMU's own reason, not what its early exit did to the monitor
                error = stderr.splitlines()[-1]
            elif error is None and self._shutdown_reason:
                error = _("QEMU shut down ({reason}) without an exit code").format(
                    reason=self._shutdown_reason)
            elif error is None:
                error = _("QEMU exited with code {code}").format(code=exit_code)
        return RunResult(
            status=status,
            exit_code=exit_code,
            console="".join(self._console_parts),
            telemetry=list(self._telemetry),
            first_output_ms=self._first_output_ms,
            ready_ms=self._ready_ms,
            duration_ms=duration,
            panic=self._panic,
            command=list(self.command),
            forwards=list(self.forwards),
            image=str(self.image),
            machine=self.machine.name,
            shutdown_reason=self._shutdown_reason,
            stderr=stderr,
            error=error,
        )

    async def _cleanup(self) -> None:
        self._kill()
        if self._passt is not None:
            await self._passt.stop()
        if self._proc is not None and self._proc.returncode is None:
            try:
                await asyncio.wait_for(self._proc.wait(), 2.0)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                pass
        if self._proc is not None and self._proc.returncode is not None:
            _LIVE_PGIDS.discard(self._proc.pid)
        for task in self._tasks:
            if not task.done():
                task.cancel()
        if self._qmp is not None:
            try:
                await asyncio.wait_for(self._qmp.disconnect(), 1.0)
            except BaseException:
                pass
            self._qmp = None
        for server in self._servers:
            server.close()
        self._servers.clear()
        if self._console_writer is not None:
            self._console_writer.close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    # ---- events

    def _emit(self, event: RunEvent) -> None:
        if self.on_event is None:
            return
        try:
            outcome = self.on_event(event)
        except Exception as exc:  # a broken viewer must not take the run down with it
            logging.getLogger(__name__).warning("run event handler failed: %s", exc)
            return
        if _inspect.isawaitable(outcome):
            self._callback_tasks.append(asyncio.ensure_future(outcome))


# --------------------------------------------------------------------------- helpers

async def boot_image(image, **kw) -> RunResult:
    """Boot `image` once and wait for the end of the run (see QemuRun for the options)."""
    async with QemuRun(image, **kw) as run:
        return await run.wait()


def boot_image_sync(image, **kw) -> RunResult:
    """`boot_image` for code that is not async. SIGTERM ends the run cleanly, like Ctrl-C."""
    async def main() -> RunResult:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        installed = False
        if threading.current_thread() is threading.main_thread():
            try:
                loop.add_signal_handler(signal.SIGTERM, task.cancel)
                installed = True
            except (NotImplementedError, RuntimeError):
                pass
        try:
            return await boot_image(image, **kw)
        finally:
            if installed:
                loop.remove_signal_handler(signal.SIGTERM)

    try:
        return asyncio.run(main())
    except asyncio.CancelledError:
        raise SystemExit(128 + signal.SIGTERM) from None
