"""A network appliance booted in the background: build a recipe, boot it in QEMU with port
forwards on 127.0.0.1, wait for its `ready` record, let real clients talk to it, stop it.

Used by lesson checks, the network tests, `benchmarks/net.py` and `scripts/fuzz_net.py`. The
run goes through the workbench's own runner (`QemuRun`) on a private event loop in a thread, so
the same guarantees hold: QEMU is killed on every path out, including a failing test.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path

from workbench.core.model.errors import WorkbenchError
from workbench.core.run.qemu import Forward, QemuRun, RunEvent, RunResult
from workbench.i18n import _


def free_port(proto: str) -> int:
    """A port on 127.0.0.1 that nothing uses right now, chosen by the kernel: for "udp", "tcp",
    or "both" (free for both at once, for a server that listens on both, as DNS servers do:
    a port free for UDP may be another program's TCP port)."""
    kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
    while True:
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            if proto != "both":
                return port
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                try:
                    u.bind(("127.0.0.1", port))
                except OSError:
                    continue  # taken for UDP: ask the kernel for another
                return port


class Appliance:
    """One booted image with forwards [(proto, guest_port)] to free host ports."""

    def __init__(self, image: Path, forwards: list[tuple[str, int]], machine: str = "microvm",
                 watchdog: float = 600.0, extra_args: list[str] | None = None,
                 memory_mb: int = 128, net: str | None = None, widen_forwards: bool = True):
        self.image = Path(image)
        self.forwards = [Forward(proto, free_port(proto), guest) for proto, guest in forwards]
        self.machine = machine
        self.watchdog = watchdog
        self.extra_args = list(extra_args or [])
        self.net = net  # "user", "passt", or None for the run's default (see passt.py)
        self.memory_mb = memory_mb
        self.widen_forwards = widen_forwards  # False: the host sockets as the back-end made them
        self.network_notes: list[str] = []  # what hostsockets.widen did
        self._run: QemuRun | None = None
        self.ready = threading.Event()
        self.ready_ms: float | None = None
        self.records: list[str] = []
        self.result: RunResult | None = None
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ended = threading.Event()

    def port(self, proto: str, guest_port: int) -> int:
        for f in self.forwards:
            if f.proto == proto and f.guest_port == guest_port:
                return f.host_port
        raise KeyError(f"no {proto} forward to guest port {guest_port}")

    def _on_event(self, event: RunEvent) -> None:
        if event.kind == "network":
            self.network_notes.append(event.text)
        if event.kind == "telemetry" and event.record is not None:
            self.records.append(event.record.raw)
            if event.record.kind == "ready":
                self.ready_ms = event.t_ms
                self.ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        run = QemuRun(self.image, machine=self.machine, timeout=self.watchdog,
                      forwards=self.forwards, network=not self.extra_args,
                      on_event=self._on_event, extra_args=self.extra_args,
                      memory_mb=self.memory_mb, net=self.net,
                      widen_forwards=self.widen_forwards)
        self._run = run
        async with run:
            stop = asyncio.create_task(self._stop.wait())
            done = asyncio.create_task(run.wait())
            await asyncio.wait({stop, done}, return_when=asyncio.FIRST_COMPLETED)
            if done.done():
                self.result = done.result()
                stop.cancel()
            else:
                self.result = await run.stop()
                done.cancel()

    def _thread_main(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to the caller of start()/stop()
            self.error = exc
        finally:
            self._ended.set()
            self.ready.set()  # never leave start() waiting on a run that is over

    def start(self, ready_timeout: float = 30.0) -> "Appliance":
        self._thread = threading.Thread(target=self._thread_main, name="appliance", daemon=True)
        self._thread.start()
        if not self.ready.wait(ready_timeout) or self._ended.is_set():
            self.stop()
            detail = self.error or (self.result and (self.result.status, self.result.console[-500:]))
            raise WorkbenchError(_("{image} did not become ready within {seconds} s").format(
                                     image=self.image.name, seconds=f"{ready_timeout:g}"),
                                 file=self.image, details=[str(detail)])
        return self

    @property
    def pid(self) -> int | None:
        """QEMU's process id while it runs (to read its memory and CPU time)."""
        proc = getattr(self._run, "_proc", None)
        return proc.pid if proc is not None and proc.returncode is None else None

    def alive(self) -> bool:
        return not self._ended.is_set()

    def stop(self) -> RunResult | None:
        if self._loop is not None and self._stop is not None and not self._ended.is_set():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(15.0)
        return self.result

    def __enter__(self) -> "Appliance":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

