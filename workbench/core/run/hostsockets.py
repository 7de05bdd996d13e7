"""The host end of the port forwards, made fit for a crowd and a burst.

Whoever holds the forwards — QEMU's user networking (slirp) or passt — opens one socket per
forward on 127.0.0.1 and passes what arrives on into the guest. Two settings of those sockets,
chosen by the back-end and by the host's defaults rather than by us, decide what a crowd or a
burst meets:

- A TCP port listens with a *backlog*: how many connections the kernel completes and holds
  until the back-end accepts them. libslirp asks for one (`listen(s, 1)`). When 300 clients
  connect at once the kernel completes two and drops the other SYNs; each client tries again
  after 1, 3, 7, 15, 31 s, and on a busy host a crowd waits tens of seconds for an answer the
  guest could give in milliseconds (`ss -ltn` shows the backlog as Send-Q).
- A UDP port has a *receive buffer*: `net.core.rmem_default`, 212,992 bytes, about 256 small
  datagrams (each is charged for its bookkeeping too). A burst larger than that, sent faster
  than the back-end's loop reads, is dropped by the host kernel before the back-end sees it;
  `/proc/net/snmp` counts it under Udp RcvbufErrors.

Neither back-end has an option for them. But a socket belongs to the kernel, not to the process
that opened it: `pidfd_getfd` (Linux 5.6) gives the workbench a second descriptor for the
back-end's socket, and through it `listen(4096)` raises the backlog of the socket already
listening, and SO_RCVBUFFORCE (SO_RCVBUF without the right to exceed `net.core.rmem_max`)
enlarges the buffer. The copy is closed at once; the back-end's socket keeps the new settings.
It needs the right to trace the process (the workbench started it, so a user has it unless
the host forbids tracing); where that is refused the run goes on with the sockets as they were
and says so.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket

from workbench.i18n import _

BACKLOG = 4096  # the kernel caps it at net.core.somaxconn (4096 on current kernels)
RECEIVE_BUFFER = 4 << 20  # bytes asked for; the kernel doubles it for its bookkeeping
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # Linux's number; Python lacks the name
_PIDFD_GETFD = 438  # the system call's number on x86-64 and arm64 alike


def _getfd(pidfd: int, fd: int) -> int:
    """Our own descriptor for descriptor `fd` of the process behind `pidfd`."""
    libc = ctypes.CDLL(None, use_errno=True)
    new = libc.syscall(_PIDFD_GETFD, pidfd, fd, 0)
    if new < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return new


def _sockets(pid: int) -> list[int]:
    """The descriptor numbers of process `pid` that are sockets."""
    found = []
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:  # the process has ended, or this is not Linux
        return found
    for name in names:
        try:
            if os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                found.append(int(name))
        except OSError:  # closed since the listing
            continue
    return found


def _widen_one(sock: socket.socket, wanted: set[tuple[str, int]]) -> str | None:
    """Widen `sock` if it is one of the forwards' host sockets; what was done, or None."""
    if sock.family != socket.AF_INET:
        return None
    proto = {socket.SOCK_STREAM: "tcp", socket.SOCK_DGRAM: "udp"}.get(sock.type)
    port = sock.getsockname()[1]
    if (proto, port) not in wanted:
        return None
    if proto == "tcp":
        if not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
            return None  # a connection to the port, not the port itself
        sock.listen(BACKLOG)
        return _("{socket}: listen backlog {backlog}").format(socket=f"tcp 127.0.0.1:{port}",
                                                              backlog=BACKLOG)
    before = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RECEIVE_BUFFER)
    except PermissionError:  # without CAP_NET_ADMIN: as far as net.core.rmem_max allows
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
    after = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    return _("{socket}: receive buffer {before} -> {after} bytes").format(
        socket=f"udp 127.0.0.1:{port}", before=f"{before:,}", after=f"{after:,}")


def _widen_copy(fd: int, wanted: set[tuple[str, int]]) -> str | None:
    """_widen_one on our copy `fd` of a socket, which is closed afterwards whatever happens."""
    try:
        sock = socket.socket(fileno=fd)
    except OSError:  # a kind of socket Python does not know: not one of ours
        os.close(fd)
        return None
    with sock:
        try:
            return _widen_one(sock, wanted)
        except OSError as exc:
            return _("a forward's socket could not be widened: {error}").format(error=exc.strerror)


def widen(pid: int, forwards) -> list[str]:
    """Widen the host sockets that process `pid` holds for `forwards` (objects with `proto` and
    `host_port`): TCP backlogs to BACKLOG, UDP receive buffers to RECEIVE_BUFFER. Returns what
    was done, a line per socket, or why nothing could be."""
    wanted = {(f.proto, f.host_port) for f in forwards}
    if not wanted:
        return []
    if not hasattr(os, "pidfd_open"):
        return [_("forwards left as the back-end opened them: {why}").format(
            why=_("this system has no pidfd_open"))]
    done = []
    try:
        pidfd = os.pidfd_open(pid)
    except OSError as exc:
        return [_("forwards left as the back-end opened them: {why}").format(
            why=f"pidfd_open: {exc.strerror}")]
    try:
        for fd in _sockets(pid):
            try:
                copy = _getfd(pidfd, fd)
            except OSError as exc:
                if exc.errno == errno.EBADF:
                    continue  # closed since the listing
                return done + [_("forwards left as the back-end opened them: {why}").format(
                    why=f"pidfd_getfd: {exc.strerror}")]
            line = _widen_copy(copy, wanted)
            if line:
                done.append(line)
    finally:
        os.close(pidfd)
    return done + [_("{socket}: no such socket in process {pid}").format(
        socket=f"{proto} 127.0.0.1:{port}", pid=pid) for proto, port in sorted(wanted)
                   if not any(line.startswith(f"{proto} 127.0.0.1:{port}:") for line in done)]
