"""The guest's network back-end: QEMU's built-in user-mode network (slirp), or passt.

Both give the guest a private network without privileges — the guest is 10.0.2.15 behind a
gateway 10.0.2.2 — and forward ports from 127.0.0.1 on the host into it. They differ in where
the host-side sockets live:

- `user` (slirp) runs inside QEMU's main loop. Its forwarded TCP port listens with a backlog of
  one connection, and its UDP port has the host's default receive buffer (about 256 small
  datagrams). Left so, a crowd of clients connecting at once waits in the host kernel for SYN
  retries (1 s, 3 s, 7 s, 15 s ...) and a burst of datagrams overflows before QEMU reads it;
  the run widens both once QEMU has opened them (hostsockets.py), and then 300 clients at once
  are answered within a tenth of a second.
- `passt` is a separate process that QEMU talks to over a unix socket (`-netdev stream`). It
  accepts connections as they come and translates them to the guest's TCP itself; its
  forwarded sockets are widened the same way.

`auto` picks user networking. The passt Debian 12 ships (0.0~git20230309) dies with a
segmentation fault on the first forwarded TCP connection under the kernels we run on (6.x):
under gdb, in strlen inside the vfprintf of its message "TCP: index %li: %s" to stderr, right
after the connection enters its hash table; logging to a file instead (`--log-file`) it lives
on but answers no forwarded connection. A short probe does not reproduce the crash reliably,
so it is chosen only when asked for (`--net passt`, or WB_NET=passt); UDP through it works. No newer passt installs on Debian 12:
bookworm-backports carries none, and Debian 13's needs a newer C library (libc6 >= 2.38; 12
has 2.36), which would change the whole system rather than one package.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from workbench.core.model.errors import WorkbenchError, did_you_mean
from workbench.i18n import _

NETS = ("auto", "user", "passt")

# What the kernels' network components are configured for at compile time (net-ipv4 options).
GUEST_ADDRESS = "10.0.2.15"
GUEST_PREFIX = "24"
GATEWAY = "10.0.2.2"


def passt_path() -> str | None:
    return shutil.which("passt")


def choose_net(net: str | None) -> str:
    """`user` or `passt` for the name a user gave (None and "auto": user, see above)."""
    name = net or os.environ.get("WB_NET") or "auto"
    if name not in NETS:
        raise WorkbenchError(_("unknown network back-end {name}").format(name=repr(name)),
                             key="net", hint=did_you_mean(name, NETS),
                             details=[_("valid: {names}").format(names=", ".join(NETS))])
    if name == "auto":
        return "user"
    if name == "passt" and not passt_path():
        raise WorkbenchError(_("the passt network back-end is not installed"),
                             key="net", hint=_("install the passt package, or use --net user"))
    return name


class Passt:
    """One passt process serving one QEMU run, with the run's port forwards."""

    def __init__(self, forwards, preexec=None):
        self.forwards = list(forwards)
        self.preexec = preexec
        self.proc: asyncio.subprocess.Process | None = None
        self._dir: str | None = None
        self.socket = ""

    def command(self) -> list[str]:
        cmd = [passt_path() or "passt", "--foreground", "--quiet", "--one-off",
               "--socket", self.socket, "--address", GUEST_ADDRESS,
               "--netmask", GUEST_PREFIX, "--gateway", GATEWAY]
        for f in self.forwards:
            flag = "-t" if f.proto == "tcp" else "-u"
            cmd += [flag, f"127.0.0.1/{f.host_port}:{f.guest_port}"]
        return cmd

    async def start(self) -> str:
        """Start passt; the -netdev argument that connects QEMU to it."""
        self._dir = tempfile.mkdtemp(prefix="wb-passt-")
        # passt started by root drops to the user nobody before it creates its socket.
        os.chmod(self._dir, 0o733)
        self.socket = os.path.join(self._dir, "passt.sock")
        log = os.path.join(self._dir, "stderr")
        with open(log, "wb") as err_file:  # a file, not a pipe nobody reads while it runs
            self.proc = await asyncio.create_subprocess_exec(
                *self.command(), stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL, stderr=err_file,
                start_new_session=True, preexec_fn=self.preexec)
        for _attempt in range(500):  # up to 5 s
            if Path(self.socket).exists():
                return (f"stream,id=net0,server=off,addr.type=unix,addr.path={self.socket}")
            if self.proc.returncode is not None:
                break
            await asyncio.sleep(0.01)
        err = Path(log).read_bytes()
        await self.stop()
        raise WorkbenchError(_("passt did not start"), hint=_("try --net user"),
                             details=[line for line in err.decode(errors="replace").splitlines()
                                      if "syslog" not in line][-5:])

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            try:
                await asyncio.wait_for(self.proc.wait(), 2.0)
            except asyncio.TimeoutError:
                pass
        self.proc = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
