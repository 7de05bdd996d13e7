"""Booting the Linux baseline through the workbench's own runner, and asking it real questions.

The guest boots on the recipe's machine with the same devices as a unikernel (console on the
first serial port, telemetry on 0xe9, exit on 0xf4, user networking with forwards on
127.0.0.1). One difference on `microvm`: Linux finds virtio-mmio devices only through the ACPI
tables (the cloud kernel has no command-line probing), so its microvm keeps ACPI on, where a
unikernel probes the transport slots itself.

Ready means the same thing for both systems here: the service answered a real client (a DNS
query through dnspython, an HTTP GET), timed from QEMU's start.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import dns.exception
import dns.message
import dns.query

from workbench.core.baseline.initramfs import build_initramfs
from workbench.core.baseline.kernel import OWN_FILES_HINT, LinuxKernel, fetch_kernel
from workbench.core.baseline.services import Service, service_for
from workbench.core.builder.generators.zonefile import parse_zone
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.resolve import Resolution
from workbench.core.run.qemu import Forward, RunEvent, RunResult, boot_image_sync
from workbench.i18n import _

# quiet: the console at 115200 baud under emulation costs boot time; panic=-1: a panic ends the
# machine (-no-reboot) instead of hanging. Under emulation the guest's TSC ticks at the host's
# rate, and Linux fails to measure it against the PIT when the host is busy (the TSC is then
# dropped and boot crawls on jiffies): the rate is given (tsc_early_khz) and trusted
# (tsc=reliable), as the unikernel trusts its own calibration.
CMDLINE = "console=ttyS0 panic=-1 quiet tsc=reliable tsc_early_khz={khz}"
DEFAULT_TSC_KHZ = 2_000_000
LINUX_MEMORY_MB = 256
ACPI_ON = {"microvm": ["-M", "acpi=on"]}  # merged into the machine's own -M options


@dataclass(frozen=True)
class LinuxGuest:
    """A kernel and an initramfs for one recipe, and how to boot them."""

    kernel: Path
    initrd: Path
    machine: str
    service: Service | None
    memory_mb: int = LINUX_MEMORY_MB

    @property
    def image_bytes(self) -> int:
        return self.kernel.stat().st_size + self.initrd.stat().st_size

    def qemu_args(self) -> list[str]:
        return [*ACPI_ON.get(self.machine, []), "-initrd", str(self.initrd),
                "-append", CMDLINE.format(khz=host_tsc_khz())]


def host_tsc_khz() -> int:
    """The host's TSC rate in kHz (from /proc/cpuinfo), which the emulated TSC follows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu MHz"):
                    return int(float(line.split(":")[1]) * 1000)
    except (OSError, ValueError):
        pass
    return DEFAULT_TSC_KHZ


def _own_file(path: str | None, option: str) -> Path | None:
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        raise WorkbenchError(_("file not found"), file=p, key=option, hint=_(OWN_FILES_HINT))
    return p


def prepare_guest(res: Resolution, kernel: str | None = None, initrd: str | None = None,
                  on_progress=None) -> LinuxGuest:
    """The guest for `res`: Debian's kernel (fetched once) and the recipe's initramfs, or
    the learner's own files (`--kernel`, `--initrd`)."""
    own_kernel, own_initrd = _own_file(kernel, "--kernel"), _own_file(initrd, "--initrd")
    service = service_for(res) if own_initrd is None else None
    fetched: LinuxKernel | None = None
    if own_kernel is None:
        fetched = fetch_kernel(on_progress)
    if own_initrd is None and on_progress:
        on_progress(_("building the initramfs for {application}").format(
            application=res.recipe.application))
    return LinuxGuest(
        kernel=own_kernel or fetched.vmlinuz,
        initrd=own_initrd or build_initramfs(res, fetched),
        machine=res.recipe.machine,
        service=service,
    )


# --------------------------------------------------------------------------- real clients

def question_for(res: Resolution, proto: str) -> dns.message.Message | None:
    """What a DNS client asks the recipe's server (the SOA of its zone); None for HTTP."""
    if proto != "udp":
        return None
    path = res.recipe.resolve_path(str(res.options.get("dns", {}).get("zone", "")))
    return dns.message.make_query(parse_zone(path.read_text(), path).origin, "SOA")


def asks(question: dns.message.Message | None, host_port: int, timeout: float = 0.25) -> bool:
    """One question to the service on 127.0.0.1:host_port (a DNS query, or with None an HTTP
    GET of /); True if it answered correctly."""
    try:
        if question is not None:
            reply = dns.query.udp(question, "127.0.0.1", port=host_port, timeout=timeout)
            return bool(reply.answer)
        conn = http.client.HTTPConnection("127.0.0.1", host_port, timeout=timeout)
        try:
            conn.request("GET", "/")
            return conn.getresponse().status == 200
        finally:
            conn.close()
    except (OSError, dns.exception.DNSException, http.client.HTTPException):
        return False


class AnswerWatch:
    """Asks the service again and again from a thread until it answers; `answered_ms` is
    then the time since `t0` (QEMU's start, monotonic clock), plus `offset_ms`."""

    def __init__(self, res: Resolution, proto: str, host_port: int, deadline_s: float):
        self.question, self.host_port = question_for(res, proto), host_port
        self.deadline_s = deadline_s
        self.answered_ms: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, t0: float, offset_ms: float = 0.0) -> "AnswerWatch":
        def loop() -> None:
            end = t0 + self.deadline_s
            while not self._stop.is_set() and time.monotonic() < end:
                if asks(self.question, self.host_port, timeout=0.05):
                    self.answered_ms = (time.monotonic() - t0) * 1000.0 + offset_ms
                    return
                self._stop.wait(0.002)

        self._thread = threading.Thread(target=loop, name="answer-watch", daemon=True)
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> float | None:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.answered_ms

    def stop(self) -> None:
        self._stop.set()
        self.wait(2.0)



# --------------------------------------------------------------------------- one boot

def service_forward(guest: LinuxGuest, forwards) -> Forward | None:
    """The forward that reaches the guest's service, if the learner asked for one."""
    svc = guest.service
    if svc is None or svc.proto is None:
        return None
    return next((f for f in forwards if f.proto == svc.proto and f.guest_port == svc.port), None)


def boot_guest_sync(res: Resolution, guest: LinuxGuest, forwards=(), timeout: float | None = 60.0,
                    on_event=None, memory_mb: int | None = None) -> RunResult:
    """Boot the guest once, like `boot_image_sync` boots a unikernel (same statuses, same
    signals). With a forward to its service, `ready_ms` is the first answer to a real client;
    otherwise it is the guest's own `ready` record (its socket is open)."""
    forward = service_forward(guest, forwards)
    watch: AnswerWatch | None = None

    def events(ev: RunEvent):
        nonlocal watch
        if ev.kind == "started" and forward is not None:
            watch = AnswerWatch(res, forward.proto, forward.host_port, timeout or 600.0)
            watch.start(time.monotonic(), ev.t_ms)
        return on_event(ev) if on_event else None

    network = bool(forwards) or bool(guest.service and guest.service.network)
    try:
        result = boot_image_sync(guest.kernel, machine=guest.machine, timeout=timeout,
                                 forwards=forwards, network=network,
                                 memory_mb=memory_mb or guest.memory_mb,
                                 extra_args=guest.qemu_args(), on_event=events)
    finally:
        if watch is not None:
            watch.stop()
    if watch is not None and watch.answered_ms is not None:
        result.ready_ms = watch.answered_ms
    return result
