"""Glue for the monolithic layout, generated from the interface descriptions.

Components meet only at interfaces, and every interface is described in a machine-readable
file (`kernels/interfaces/*.toml`). That is what lets the workbench lay the same components
out in another way without touching them: in the monolithic layout the application runs in
ring 3 and the rest in ring 0, and at each interface the application requires across that
boundary the workbench generates

- a **user-side stub** per function, with the interface's exact prototype, that puts a
  system-call number and the arguments in registers and executes `syscall`
  (`glue/user/syscall_stubs.c` in the build folder);
- a **kernel-side wrapper** per function that turns the six register-sized arguments back
  into typed ones and calls the real function, and the **dispatcher table** from numbers to
  wrappers (`generated/syscall-x86/syscall_table.c`), which the hand-written entry path of
  the `syscall-x86` component indexes.

The user domain (the application and its own copy of every `crossing = false` library, as
`layouts.py` models it) is compiled a second time with a generated header, `wb_user.h`, that
renames every interface function it defines or calls: `console_write` becomes
`user_console_write` (a stub), `printf` becomes `user_printf` (the user copy of libc),
`app_main` becomes `user_app_main`. So one link holds both domains without a clash, and the
kernel's `app_main` (in `syscall-x86`) can start the process.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.layouts.model import model_layout
from workbench.core.model.catalogue import Component, FunctionSpec, Interface
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.files import write_if_changed
from workbench.core.model.resolve import Resolution

GLUE_COMPONENT = "syscall-x86"  # the kernel side of the boundary: entry path, user mode
SYS_EXIT = 0
MAX_ARGS = 6  # rdi rsi rdx r10 r8 r9
# The build maps user pages with small pages in this many MiB (syscall-x86/user_pages.c).
USER_LIMIT = 8 * 1024 * 1024

_INTEGERS = {
    "char", "signed char", "unsigned char", "short", "unsigned short", "int", "unsigned",
    "unsigned int", "long", "unsigned long", "long long", "unsigned long long", "bool",
    "_Bool", "size_t", "ssize_t", "ptrdiff_t", "intptr_t", "uintptr_t",
    *(f"{s}int{n}_t" for s in ("", "u") for n in (8, 16, 32, 64)),
}


@dataclass
class Syscall:
    """One function of a crossing interface, and the number it is called by."""

    number: int
    interface: str
    function: FunctionSpec

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def arity(self) -> int:
        return len(self.function.params)

    def to_dict(self) -> dict:
        return {"number": self.number, "interface": self.interface, "function": self.name,
                "arity": self.arity, "prototype": self.function.prototype()}


@dataclass
class MonolithicPlan:
    """What the build needs to know about the two domains of a monolithic image."""

    kernel_components: list[Component]
    user_components: list[Component]  # the application, then its library copies
    glue_component: Component
    syscalls: list[Syscall]
    renamed: list[str]  # every name wb_user.h renames in the user domain
    user_header: Path  # glue/user/wb_user.h
    user_stubs: Path  # glue/user/syscall_stubs.c
    kernel_table: Path  # generated/syscall-x86/syscall_table.c
    user_owners: list[str] = field(default_factory=list)  # owners of user-domain sections

    def to_dict(self) -> dict:
        return {"kernel": [c.name for c in self.kernel_components],
                "user": [c.name for c in self.user_components],
                "syscalls": [s.to_dict() for s in self.syscalls]}


def base_type(t: str) -> str:
    t = " ".join(t.replace("const ", " ").replace("volatile ", " ").split())
    return t


def is_pointer(t: str) -> bool:
    return t.strip().endswith("*")


def register_problem(t: str) -> str | None:
    """Why a value of C type `t` cannot travel in one 64-bit register, or None."""
    if t == "...":
        return "it is variadic (its arguments cannot be counted, so they cannot be put in " \
               "registers by a generated stub)"
    if t.strip() == "va_list":
        return "it takes a va_list (a pointer into the caller's stack frame, meaningless " \
               "once copied to another domain)"
    if is_pointer(t) or base_type(t) in _INTEGERS:
        return None
    if "(*" in t or base_type(t).endswith("_fn"):
        return f"type '{t}' is a function to call back: one protection domain would have to " \
               "run code of another on its behalf (an upcall), which the generated glue " \
               "does not do"
    return f"type '{t}' does not fit in a register (only integers and pointers cross)"


def check_crossable(iface: Interface, fn: FunctionSpec) -> None:
    """Raise a WorkbenchError naming the interface file when `fn` cannot be a system call."""
    problems = []
    if len(fn.params) > MAX_ARGS:
        problems.append(f"it has {len(fn.params)} parameters; a system call carries at most "
                        f"{MAX_ARGS} in registers")
    for _name, t in fn.params:
        p = register_problem(t)
        if p and p not in problems:
            problems.append(p)
    if fn.returns.strip() != "void":
        p = register_problem(fn.returns)
        if p:
            problems.append("its result: " + p)
    if problems:
        raise WorkbenchError(
            f"function {fn.name} of interface '{iface.name}' cannot cross into the kernel: "
            + "; ".join(problems),
            file=iface.path, key="functions",
            hint="in the monolithic layout every crossing interface the application requires "
                 "becomes system calls; mark a pure library `crossing = false`, or give the "
                 "function a fixed list of integer and pointer parameters",
        )


def user_domain(res: Resolution) -> tuple[list[str], list[str]]:
    """(components, libraries) of the application's domain, as layouts.py models it."""
    model = model_layout(res, "monolithic")
    app = next(d for d in model.domains if d.role == "application")
    return list(app.components), list(app.libraries)


def crossing_interfaces(res: Resolution) -> list[str]:
    """Interfaces the user domain requires whose provider lives in the kernel, sorted."""
    comps, libs = user_domain(res)
    members = set(comps) | set(libs)
    cat = res.catalogue
    wanted: set[str] = set()
    for name in members:
        for iface in cat.components[name].requires:
            provider = res.providers.get(iface)
            if provider is None or provider in members:
                continue
            wanted.add(iface)
    return sorted(wanted)


def syscalls(res: Resolution) -> list[Syscall]:
    """The numbered system calls: 0 is exit, then each crossing interface's functions in order."""
    cat = res.catalogue
    result: list[Syscall] = []
    number = SYS_EXIT + 1
    for name in crossing_interfaces(res):
        iface = cat.interfaces[name]
        if not iface.crossing:  # a library the user domain lacks: layouts.py links it in
            continue
        for fn in iface.functions:
            check_crossable(iface, fn)
            result.append(Syscall(number, name, fn))
            number += 1
    return result


def _args(fn: FunctionSpec) -> str:
    return ", ".join(t if t == "..." else f"{t}{n}" if t.endswith("*") else f"{t} {n}"
                     for n, t in fn.params) or "void"


def to_register(name: str, t: str) -> str:
    return f"(uint64_t)(uintptr_t){name}" if is_pointer(t) else f"(uint64_t){name}"


def from_register(expr: str, t: str) -> str:
    return f"({t})(uintptr_t){expr}" if is_pointer(t) else f"({t}){expr}"


def is_noreturn(iface: Interface, fn: FunctionSpec, include: Path) -> bool:
    header = include / iface.header
    try:
        text = header.read_text()
    except OSError:
        return False
    return re.search(rf"_Noreturn[^;]*\b{re.escape(fn.name)}\s*\(", text) is not None


def _headers(res: Resolution, calls: list[Syscall]) -> list[str]:
    return sorted({res.catalogue.interfaces[s.interface].header for s in calls})


def rename_header_text(res: Resolution, tag: str, renamed: list[str]) -> str:
    """The header included first in every file of ring-3 domain `tag` (monolithic: `user`;
    microkernel: `user` and each `srv_<component>`): it renames every name in `renamed`."""
    prefix = tag + "_"
    lines = [
        f"/* Generated by the workbench for recipe {res.recipe.name} (layout {res.recipe.layout}):",
        f" * do not edit. Included first in every file of domain '{tag}' (-include).",
        " *",
        " * The domain is linked into the same image as the kernel (and the other domains), so",
        " * its copies of interface functions need names of their own: in domain 'user',",
        " * user_console_write is the stub that crosses to the console's provider, user_printf",
        " * the domain's own copy of libc, user_app_main the application. */",
        "#pragma once",
        f"#define WB_DOMAIN_{tag.upper()} 1",
        "",
    ]
    lines += [f"#define {name} {prefix}{name}" for name in renamed]
    return "\n".join(lines) + "\n"


def user_stubs_text(res: Resolution, calls: list[Syscall], include: Path) -> str:
    cat = res.catalogue
    out = [
        f"/* Generated by the workbench from kernels/interfaces/*.toml for recipe "
        f"{res.recipe.name}:",
        " * do not edit. The user side of every crossing interface: one stub per function, with",
        " * the interface's own prototype (the header is included, so the compiler checks it),",
        " * that turns the call into a system call. wb_user.h renames each stub to user_<name>. */",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "",
        '#include "app.h"',
        '#include "config.h"',
        '#include "syscall_x86.h"',
        *(f'#include "{h}"' for h in _headers(res, calls)),
        "",
        *SYSCALL6_C,
        "",
        "/* The process's stack: in the user domain, so the user bit is set on its pages. */",
        "uint8_t user_stack[CONFIG_SYSCALL_X86_USER_STACK_KIB * 1024]",
        '    __attribute__((section(".stack"), aligned(16)));',
        "",
        *user_start_c(SYS_EXIT),
    ]
    for s in calls:
        out += ["", *stub_c(s.number, s.interface, s.function, "syscall6",
                            is_noreturn(cat.interfaces[s.interface], s.function, include))]
    return "\n".join(out) + "\n"


SYSCALL6_C = [
    "/*",
    " * The system-call convention (the one Linux uses): number in RAX, arguments in RDI, RSI,",
    " * RDX, R10, R8, R9, result in RAX. The CPU overwrites RCX (return address) and R11",
    " * (flags); the kernel keeps every other register.",
    " */",
    "static inline uint64_t syscall6(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2,",
    "                                uint64_t a3, uint64_t a4, uint64_t a5)",
    "{",
    '    register uint64_t r10 __asm__("r10") = a3;',
    '    register uint64_t r8 __asm__("r8") = a4;',
    '    register uint64_t r9 __asm__("r9") = a5;',
    "    uint64_t result;",
    '    __asm__ volatile("syscall"',
    '                     : "=a"(result)',
    '                     : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)',
    '                     : "rcx", "r11", "memory");',
    "    return result;",
    "}",
]


def user_start_c(exit_number: int) -> list[str]:
    """The application domain's first function: run app_main, then the exit system call."""
    return [
        "/* The first function of the process, entered in ring 3 by iretq (cpu_enter_user). */",
        "void user_start(void)",
        "{",
        "    int status = app_main();       /* the application's own: user_app_main */",
        "    uint16_t cs;",
        '    __asm__ volatile("mov %%cs, %0" : "=r"(cs));',
        "    /* Tell the kernel which ring we ran in (the low two bits of CS), then leave. */",
        f"    syscall6({exit_number}, (uint64_t)status, cs & 3, 0, 0, 0, 0);",
        "    for (;;) {",
        "    }",
        "}",
    ]


def stub_c(number: int, interface: str, fn: FunctionSpec, call6: str, noreturn: bool) -> list[str]:
    """A function with `fn`'s own prototype whose body is `call6(number, six registers)`."""
    regs = [to_register(n, t) for n, t in fn.params] + ["0"] * (MAX_ARGS - len(fn.params))
    call = f"{call6}({number}, {', '.join(regs)})"
    sep = "" if fn.returns.endswith("*") else " "
    out = [f"/* {number}: {interface}.{fn.name} */",
           f"{fn.returns}{sep}{fn.name}({_args(fn)})", "{"]
    if fn.returns.strip() == "void":
        out.append(f"    {call};")
        if noreturn:
            out += ["    for (;;) {      /* declared _Noreturn: the kernel never comes back */",
                    "    }"]
    else:
        out.append(f"    return {from_register(call, fn.returns)};")
    out.append("}")
    return out


def kernel_table_text(res: Resolution, calls: list[Syscall]) -> str:
    out = [
        f"/* Generated by the workbench from kernels/interfaces/*.toml for recipe "
        f"{res.recipe.name}:",
        " * do not edit. The kernel side of every crossing interface: a wrapper per function that",
        " * turns register-sized arguments back into typed ones, and the table syscall_entry.S",
        " * indexes with the system-call number.",
        " *",
        " * Pointers arrive as-is. The image is one address space and the kernel may read user",
        " * memory, so the wrappers pass them straight on. A real kernel trusts no pointer from",
        " * user mode: it checks that the whole range lies in user memory (access_ok) and copies",
        " * the bytes in or out (copy_from_user, copy_to_user), so that a process can neither make",
        " * the kernel read or write kernel memory on its behalf nor change the bytes while the",
        " * kernel is using them. */",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "",
        '#include "syscall_x86.h"',
        *(f'#include "{h}"' for h in _headers(res, calls)),
        "",
        "#define UNUSED(...) (void)(__VA_ARGS__)",
    ]
    for s in calls:
        fn = s.function
        params = ", ".join(f"uint64_t a{i}" for i in range(MAX_ARGS))
        args = ", ".join(from_register(f"a{i}", t) for i, (_n, t) in enumerate(fn.params))
        unused = [f"a{i}" for i in range(s.arity, MAX_ARGS)]
        out += ["", f"/* {s.number}: {fn.prototype()} */"]
        for i, (n, t) in enumerate(fn.params):
            if is_pointer(t):
                out.append(f"/*   a{i} = {n}: a user pointer (see above: no access_ok, no copy) */")
        out += [f"static uint64_t sys_{fn.name}({params})", "{"]
        if unused:
            out.append(f"    UNUSED({', '.join(unused)});")
        if fn.returns.strip() == "void":
            out += [f"    {fn.name}({args});", "    return 0;"]
        else:
            out.append(f"    return {to_register(f'{fn.name}({args})', fn.returns)};")
        out.append("}")
    out += ["", "const syscall_fn syscall_table[] = {",
            f"    [{SYS_EXIT}] = sys_exit,"]
    out += [f"    [{s.number}] = sys_{s.name}," for s in calls]
    out += ["};", "const uint64_t syscall_count = sizeof syscall_table / sizeof syscall_table[0];"]
    return "\n".join(out) + "\n"




def prepare_monolithic(res: Resolution, out: Path, include: Path) -> MonolithicPlan:
    """Split the resolution into two domains and write the generated glue into `out`."""
    cat = res.catalogue
    if GLUE_COMPONENT not in cat.components:
        raise WorkbenchError(f"the monolithic layout needs the component '{GLUE_COMPONENT}', "
                             "which the catalogue lacks", file=res.recipe.path, key="layout")
    glue = cat.components[GLUE_COMPONENT]
    comps, libs = user_domain(res)
    app = res.recipe.application
    calls = syscalls(res)
    renamed = ["app_main"]
    for s in calls:
        if s.name not in renamed:
            renamed.append(s.name)
    for lib in libs:
        for iface in cat.components[lib].provides:
            for fn in cat.interfaces[iface].functions:
                if fn.name not in renamed:
                    renamed.append(fn.name)
    clash = sorted(set(renamed) & {"user_start", "user_stack"})
    if clash:
        raise WorkbenchError(f"interface function names clash with the glue: {', '.join(clash)}")
    # The resolution brought the glue component in for this layout, and what it requires.
    kernel = [c for c in res.components if c.name != app and c.name not in comps]
    if glue not in kernel:
        raise WorkbenchError(f"the resolution of a monolithic recipe lacks '{GLUE_COMPONENT}'",
                             file=res.recipe.path, key="layout")
    user = [cat.components[n] for n in comps] + [cat.components[n] for n in libs]

    header = out / "glue" / "user" / "wb_user.h"
    stubs = out / "glue" / "user" / "syscall_stubs.c"
    table = out / "generated" / GLUE_COMPONENT / "syscall_table.c"
    write_if_changed(header, rename_header_text(res, "user", renamed))
    write_if_changed(stubs, user_stubs_text(res, calls, include))
    write_if_changed(table, kernel_table_text(res, calls))
    return MonolithicPlan(kernel, user, glue, calls, renamed, header, stubs, table,
                          user_owners=[c.name for c in user] + [glue.name])


MONOLITHIC_REFERENCE_HINT = (
    "in the monolithic layout the application reaches the kernel only through the "
    "interfaces it requires (as system calls); add the interface to its 'requires', "
    "or, for a call the compiler generated itself (memcpy, memset), require 'libc'")


def object_symbols(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    """(defined, undefined) global symbols of an object file; read once per file version
    (a warm build, or a microkernel's several domains, ask again for the same objects)."""
    st = Path(path).stat()
    return _object_symbols(str(path), st.st_ino, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=8192)
def _object_symbols(path: str, _ino: int, _mtime: int, _size: int
                    ) -> tuple[frozenset[str], frozenset[str]]:
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection

    defined, undefined = set(), set()
    with open(path, "rb") as f:
        for sec in ELFFile(f).iter_sections():
            if not isinstance(sec, SymbolTableSection):
                continue
            for sym in sec.iter_symbols():
                if not sym.name or sym["st_info"]["bind"] == "STB_LOCAL":
                    continue
                (undefined if sym["st_shndx"] == "SHN_UNDEF" else defined).add(sym.name)
    return frozenset(defined), frozenset(undefined)


def check_user_references(user_plans: list, kernel_plans: list, domain: str = "the user domain",
                          hint: str = MONOLITHIC_REFERENCE_HINT,
                          elsewhere: str = "a kernel symbol") -> None:
    """Every symbol a user-domain object needs must be defined in that domain.

    A user-mode call straight into kernel code would page-fault at run time (the kernel's
    pages are not user-accessible); say so at build time instead, naming the culprit.
    """
    user_defined: set[str] = set()
    needs: dict[str, list[str]] = {}
    for p in user_plans:
        d, u = object_symbols(p.obj)
        user_defined |= d
        for name in u:
            needs.setdefault(name, []).append(f"{p.component} ({p.source.name})")
    missing = {n: who for n, who in needs.items() if n not in user_defined}
    if not missing:
        return
    kernel_defined: set[str] = set()
    for p in kernel_plans:
        kernel_defined |= object_symbols(p.obj)[0]
    details = []
    for name, who in sorted(missing.items()):
        where = elsewhere if name in kernel_defined else "defined nowhere"
        details.append(f"{name} ({where}) used by {', '.join(sorted(set(who)))}")
    raise WorkbenchError(
        f"{domain} refers to symbols it does not contain: " + ", ".join(sorted(missing)),
        details=details, hint=hint)


def check_user_extent(image: Path) -> None:
    """The user domain must end where syscall-x86 can still map it with small pages."""
    from elftools.elf.elffile import ELFFile

    with open(image, "rb") as f:
        symtab = ELFFile(f).get_section_by_name(".symtab")
        ends = symtab.get_symbol_by_name("__user_end") if symtab else None
    if not ends:
        return
    end = ends[0]["st_value"]
    if end > USER_LIMIT:
        raise WorkbenchError(
            f"the user domain ends at {end:#x}, beyond the first {USER_LIMIT >> 20} MiB that "
            "the monolithic layout maps with small pages",
            file=image, hint="make the heap or the stacks smaller (heap_kib, user_stack_kib)")

