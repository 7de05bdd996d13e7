"""The C toolchain: compile one freestanding object, link objects with a linker script.

Two toolchains give the same result:
- `zig` (default): clang + lld shipped by the `ziglang` pip package, so a learner on any OS gets
  a cross-compiler to x86-64 bare metal with `pip install` alone;
- `gcc`: the system's gcc and GNU ld (on an x86-64 Linux host).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from workbench.core.model.errors import ToolMissing, WorkbenchError
from workbench.i18n import _

TOOLCHAINS = ("zig", "gcc")

# Why each flag: no hosted C library, no stack protector (no TLS canary), no red zone (an
# interrupt would clobber it), no SSE/x87 (the FPU is not set up and interrupt handlers must not
# touch vector registers; zig's clang needs the explicit -mno-sse* besides
# -mgeneral-regs-only, or varargs prologues save xmm registers), absolute addresses, one section per function and per object so the
# linker can drop what nothing references.
COMMON_CFLAGS = [
    "-ffreestanding", "-fno-stack-protector", "-fno-pic", "-fno-pie", "-mno-red-zone",
    "-mgeneral-regs-only", "-mno-mmx", "-mno-sse", "-mno-sse2", "-mcmodel=small", "-Os", "-g", "-std=c11", "-Wall", "-Wextra",
    "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-fno-builtin",
    "-ffunction-sections", "-fdata-sections", "-fdiagnostics-color=never",
]
COMMON_LDFLAGS = ["-nostdlib", "-static", "--gc-sections", "--print-gc-sections",
                  "-z", "max-page-size=4096", "--no-dynamic-linker", "--build-id=none"]


@dataclass
class Diagnostic:
    file: str
    line: int
    column: int
    severity: str
    message: str
    source_line: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"
        if self.source_line:
            text += f"\n      {self.line} | {self.source_line}"
        return text

    def to_dict(self) -> dict:
        return self.__dict__.copy()


class BuildError(WorkbenchError):
    """A compile or link failed; `diagnostics` point at the source lines."""

    def __init__(self, message, file=None, diagnostics=None, output="", hint=None):
        super().__init__(message, file=file, hint=hint)
        self.diagnostics: list[Diagnostic] = diagnostics or []
        self.output = output
        self.details = [str(d) for d in self.diagnostics if d.severity != "note"][:12]

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["diagnostics"] = [x.to_dict() for x in self.diagnostics]
        return d


_DIAG = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>fatal error|error|warning|note): (?P<msg>.*)$")


def parse_diagnostics(output: str) -> list[Diagnostic]:
    diags = []
    for ln in output.splitlines():
        m = _DIAG.match(ln.strip())
        if not m:
            continue
        d = Diagnostic(m["file"], int(m["line"]), int(m["col"]), m["sev"].replace("fatal ", ""), m["msg"])
        try:
            lines = Path(d.file).read_text(errors="replace").splitlines()
            d.source_line = lines[d.line - 1].rstrip() if 0 < d.line <= len(lines) else ""
        except OSError:
            pass
        diags.append(d)
    return diags


@dataclass
class Toolchain:
    name: str
    cc: list[str]
    ld: list[str]
    cflags: list[str] = field(default_factory=list)
    ldflags: list[str] = field(default_factory=list)

    @property
    def identity(self) -> str:
        """Part of every cache key: a different compiler version must recompile."""
        return _version(tuple(self.cc))

    def compile(self, source: Path, obj: Path, flags: list[str]) -> str:
        """Compile one file; return warnings text; raise BuildError with diagnostics on failure."""
        cmd = [*self.cc, *self.cflags, *flags, "-c", str(source), "-o", str(obj)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        out = (proc.stdout + proc.stderr).strip()
        if proc.returncode != 0:
            diags = parse_diagnostics(out)
            raise BuildError(_("compiling {file} failed").format(file=source.name), file=source,
                             diagnostics=diags, output=out)
        return out

    def link(self, objects: list[Path], script: Path, out: Path) -> str:
        cmd = [*self.ld, *self.ldflags, "-T", str(script), "-o", str(out), *map(str, objects)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        text = (proc.stdout + proc.stderr).strip()
        if proc.returncode != 0:
            raise BuildError(_("linking failed"), file=script, output=text,
                             hint="\n".join(text.splitlines()[:12]))
        return text


@cache
def _version(cc: tuple[str, ...]) -> str:
    try:
        out = subprocess.run([*cc, "--version"], capture_output=True, text=True).stdout
    except OSError:
        out = ""
    return hashlib.sha256(out.encode()).hexdigest()[:16]


def _zig_binary() -> Path | None:
    try:
        import ziglang
    except ImportError:
        return None
    p = Path(ziglang.__file__).parent / "zig"
    return p if p.exists() else None


def get_toolchain(name: str = "zig") -> Toolchain:
    if name not in TOOLCHAINS:
        raise WorkbenchError(_("unknown toolchain '{name}'").format(name=name), key="--toolchain",
                             hint=_("valid toolchains: {names}").format(names=", ".join(TOOLCHAINS)))
    if name == "zig":
        zig = _zig_binary()
        if zig is None:
            raise ToolMissing(_("the zig toolchain is not installed"),
                              hint=_("pip install ziglang   (or use --toolchain gcc)"))
        return Toolchain(
            "zig",
            cc=[str(zig), "cc", "-target", "x86_64-freestanding-none"],
            ld=[str(zig), "ld.lld"],
            cflags=COMMON_CFLAGS,
            ldflags=COMMON_LDFLAGS,
        )
    gcc, ld = shutil.which("gcc"), shutil.which("ld")
    if not gcc or not ld:
        raise ToolMissing(_("gcc and GNU ld are not installed"),
                          hint=_("Debian/Ubuntu: sudo apt-get install gcc binutils   (or use "
                                 "--toolchain zig)"))
    return Toolchain("gcc", cc=[gcc, "-m64"], ld=[ld, "-m", "elf_x86_64"],
                     cflags=[*COMMON_CFLAGS, "-fno-omit-frame-pointer"], ldflags=COMMON_LDFLAGS)
