"""Telemetry records: the machine-readable channel beside the console.

The guest writes one record per line to the QEMU debug console (port 0xe9):

    kind key=value key=value ...

for example `phase name=cpu`, `ready app=hello`, `panic vector=14 error=0x2 rip=0x1004a2 cr2=0x0`.
Values contain no spaces. Keeping these off the serial console means the console stays readable
for humans while the workbench still learns exactly when the boot reached each phase.

A guest can write anything to that port, so parsing never raises: a line that does not follow the
format comes back as a record of kind "malformed" carrying the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_KIND = re.compile(r"[a-z][a-z0-9_-]*\Z")
_KEY = re.compile(r"[a-z][a-z0-9_.-]*\Z")

MALFORMED = "malformed"


@dataclass
class Record:
    kind: str
    fields: dict[str, str] = field(default_factory=dict)
    t_ms: float = 0.0  # host time since QEMU started when the line arrived
    raw: str = ""

    def get_int(self, key: str, default: int | None = None) -> int | None:
        """A field read as an integer (decimal or 0x-hex); `default` if absent or not a number."""
        value = self.fields.get(key)
        if value is None:
            return default
        try:
            return int(value, 0)
        except ValueError:
            return default

    def to_dict(self) -> dict:
        return {"kind": self.kind, "fields": dict(self.fields), "t_ms": round(self.t_ms, 3),
                "raw": self.raw}


def parse_record(line: str, t_ms: float = 0.0) -> Record | None:
    """One telemetry line as a Record; None for a blank line; kind "malformed" when invalid."""
    raw = line.rstrip("\r\n")
    text = raw.strip()
    if not text:
        return None
    words = text.split()
    kind = words[0]
    if not _KIND.match(kind):
        return Record(MALFORMED, {}, t_ms, raw)
    fields: dict[str, str] = {}
    for word in words[1:]:
        key, eq, value = word.partition("=")
        if not eq or not _KEY.match(key):
            return Record(MALFORMED, {}, t_ms, raw)
        fields[key] = value
    return Record(kind, fields, t_ms, raw)


class LineSplitter:
    """Turns a byte stream into complete text lines; keeps the unfinished tail for later."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> list[str]:
        self._pending += data
        *lines, self._pending = self._pending.split(b"\n")
        return [ln.decode("utf-8", errors="replace") for ln in lines]

    def flush(self) -> list[str]:
        rest, self._pending = self._pending, b""
        return [rest.decode("utf-8", errors="replace")] if rest else []
