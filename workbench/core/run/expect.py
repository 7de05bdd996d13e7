"""What a boot is expected to show, and how a real run differed from it.

Lesson steps and graded exercises both judge a run the same way: its final status, regular
expressions that must (or must not) match the console, and regular expressions that must match
a telemetry record. This module reads those expectations from a TOML table (errors name the
file, key and line) and lists the mismatches of a run; each caller words them for its reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.core.model.manifest import Table
from workbench.core.run.status import STATUSES

if TYPE_CHECKING:  # reading expectations must not load the QEMU machinery
    from workbench.core.run.qemu import RunResult

# A run can be expected to end in any status but "error" (the workbench itself failed).
EXPECTABLE_STATUSES = tuple(s for s in STATUSES if s != "error")
KEYS = ("status", "console", "not_console", "telemetry")


@dataclass(frozen=True)
class Mismatch:
    kind: str  # "status" | "console" | "not_console" | "telemetry"
    expected: str  # the expected status, or the pattern
    actual: str = ""  # the run's status (for kind "status")


@dataclass(frozen=True)
class Expectation:
    status: str | None = None
    console: tuple[str, ...] = ()
    not_console: tuple[str, ...] = ()
    telemetry: tuple[str, ...] = ()

    @classmethod
    def from_table(cls, t: Table) -> Expectation:
        """Read the keys named in KEYS from `t` (the caller's check_keys allows them)."""
        status = t.get("status", str, None)
        if status is not None and status not in EXPECTABLE_STATUSES:
            raise t.error("status", f"unknown run status '{status}'",
                          hint="valid: " + ", ".join(EXPECTABLE_STATUSES))
        lists = {}
        for key in ("console", "not_console", "telemetry"):
            lists[key] = tuple(t.get_str_list(key))
            for rx in lists[key]:
                try:
                    re.compile(rx)
                except re.error as e:
                    raise t.error(key, f"bad regular expression {rx!r}: {e}") from None
        return cls(status, lists["console"], lists["not_console"], lists["telemetry"])

    def __bool__(self) -> bool:
        return bool(self.status or self.console or self.not_console or self.telemetry)

    def mismatches(self, run: RunResult, extra_console: str = "") -> list[Mismatch]:
        """Everything about `run` that differs from the expectation, in a stable order.

        The console is matched with line ends normalised ("\\r\\n" → "\\n"), so `$` works in a
        multi-line pattern; a pattern that itself mentions \\r sees the raw bytes instead.
        `extra_console` (e.g. what a host-side client received) is matched as if printed."""
        raw = run.console + ("\n" + extra_console if extra_console else "")
        console = raw.replace("\r\n", "\n")
        telemetry = "\n".join(r.raw for r in run.telemetry)
        found: list[Mismatch] = []
        if self.status and run.status != self.status:
            found.append(Mismatch("status", self.status, run.status))
        for rx in self.console:
            if not re.search(rx, raw if "\\r" in rx else console, re.M):
                found.append(Mismatch("console", rx))
        for rx in self.not_console:
            if re.search(rx, raw if "\\r" in rx else console, re.M):
                found.append(Mismatch("not_console", rx))
        for rx in self.telemetry:
            if not re.search(rx, telemetry, re.M):
                found.append(Mismatch("telemetry", rx))
        return found
