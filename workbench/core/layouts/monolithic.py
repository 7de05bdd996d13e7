"""The monolithic kernel: the application alone in ring 3, every other component one kernel.

A call from the application into the kernel is a *trap* (a system call); calls inside the
kernel are plain calls. The glue that makes this work is generated from the interface
descriptions.

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
`Monolithic.place` places it) is compiled a second time with a generated header, `wb_user.h`,
that renames every interface function it defines or calls: `console_write` becomes
`user_console_write` (a stub), `printf` becomes `user_printf` (the user copy of libc),
`app_main` becomes `user_app_main`. So one link holds both domains without a clash, and the
kernel's `app_main` (in `syscall-x86`) can start the process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.builder.linkscript import (
    DISCARD,
    SPECIAL,
    kernel_sections,
    place_sections,
    script_header,
    section_name,
)
from workbench.core.layouts.base import (
    Domain,
    DomainBuild,
    Layout,
    LayoutBuild,
    ObjectGroup,
    libraries,
    link_libraries,
)
from workbench.core.layouts.common import (
    MAX_ARGS,
    SYSCALL6_C,
    check_references,
    from_register,
    image_symbols,
    is_noreturn,
    is_pointer,
    register_problem,
    rename_header_text,
    stub_c,
    to_register,
    user_start_c,
)
from workbench.core.model.catalogue import Component, FunctionSpec, Interface
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.files import write_if_changed
from workbench.i18n import N_, _

if TYPE_CHECKING:
    from workbench.core.builder.objects import ObjectPlan
    from workbench.core.model.resolve import Resolution

GLUE_COMPONENT = "syscall-x86"  # the kernel side of the boundary: entry path, user mode
SYS_EXIT = 0
# The build maps user pages with small pages in this many MiB (syscall-x86/user_pages.c).
USER_LIMIT = 8 * 1024 * 1024


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
class MonolithicPlan(LayoutBuild):
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

    def object_groups(self) -> list[ObjectGroup]:
        return [ObjectGroup(self.kernel_components),
                ObjectGroup(self.user_components, DomainBuild(
                    "user", self.user_header, self.user_stubs, self.glue_component))]

    def linker_script(self, entry: str | None) -> str:
        return monolithic_linker_script(self.kernel_components, self.user_owners, entry)

    def check_references(self, groups: list[list[ObjectPlan]]) -> None:
        kernel, user = groups
        check_references(user, kernel, _("the user domain"), MONOLITHIC_REFERENCE_HINT,
                         N_("a kernel symbol"))

    def check_extent(self, image: Path) -> None:
        """The user domain must end where syscall-x86 can still map it with small pages."""
        end = image_symbols(image, ["__user_end"]).get("__user_end")
        if end is not None and end > USER_LIMIT:
            raise WorkbenchError(
                _("the user domain ends at {end}, beyond the first {mib} MiB that the monolithic "
                  "layout maps with small pages").format(end=f"{end:#x}", mib=USER_LIMIT >> 20),
                file=image,
                hint=_("make the heap or the stacks smaller (heap_kib, user_stack_kib)"))


def check_crossable(iface: Interface, fn: FunctionSpec) -> None:
    """Raise a WorkbenchError naming the interface file when `fn` cannot be a system call."""
    problems = []
    if len(fn.params) > MAX_ARGS:
        problems.append(_("it has {count} parameters; a system call carries at most {most} in "
                          "registers").format(count=len(fn.params), most=MAX_ARGS))
    for _name, t in fn.params:
        p = register_problem(t)
        if p and p not in problems:
            problems.append(p)
    if fn.returns.strip() != "void":
        p = register_problem(fn.returns)
        if p:
            problems.append(_("its result: {problem}").format(problem=p))
    if problems:
        raise WorkbenchError(
            _("function {function} of interface '{interface}' cannot cross into the kernel: "
              "{problems}").format(function=fn.name, interface=iface.name,
                                   problems="; ".join(problems)),
            file=iface.path, key="functions",
            hint=_("in the monolithic layout every crossing interface the application requires "
                   "becomes system calls; mark a pure library `crossing = false`, or give the "
                   "function a fixed list of integer and pointer parameters"),
        )


def user_domain(res: Resolution) -> tuple[list[str], list[str]]:
    """(components, libraries) of the application's domain, as `Monolithic.place` places it."""
    app = next(d for d in MONOLITHIC.place(res) if d.role == "application")
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
        if not iface.crossing:  # a library the user domain lacks: place() links it in
            continue
        for fn in iface.functions:
            check_crossable(iface, fn)
            result.append(Syscall(number, name, fn))
            number += 1
    return result


def _headers(res: Resolution, calls: list[Syscall]) -> list[str]:
    return sorted({res.catalogue.interfaces[s.interface].header for s in calls})


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
        raise WorkbenchError(_("the {layout} layout needs the component '{name}', which the "
                               "catalogue lacks").format(layout="monolithic", name=GLUE_COMPONENT),
                             file=res.recipe.path, key="layout")
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
        raise WorkbenchError(_("interface function names clash with the glue: {names}").format(
            names=", ".join(clash)))
    # The resolution brought the glue component in for this layout, and what it requires.
    kernel = [c for c in res.components if c.name != app and c.name not in comps]
    if glue not in kernel:
        raise WorkbenchError(_("the resolution of a {layout} recipe lacks '{name}'").format(
                                 layout="monolithic", name=GLUE_COMPONENT),
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


MONOLITHIC_REFERENCE_HINT = N_(
    "in the monolithic layout the application reaches the kernel only through the "
    "interfaces it requires (as system calls); add the interface to its 'requires', "
    "or, for a call the compiler generated itself (memcpy, memset), require 'libc'")


def user_section_name(kind: str, component: str) -> str:
    """`.text.libc_mini.user`: the user domain's copy of a component's bytes."""
    return f"{section_name(kind, component)}.user"


def _user_files(name: str) -> str:
    return f"*/user.{name}__*.o"


def monolithic_linker_script(kernel: list[Component], user: list[str], entry: str | None) -> str:
    """Two domains in one image: the kernel's sections, then the user domain's, page aligned.

    The user domain (objects named `user.<component>__*.o`) gets segments of its own and the
    symbols `__user_start`, `__user_rodata_start`, `__user_data_start` and `__user_end`, from
    which the kernel sets the user bit on exactly these pages. The heap belongs to the kernel's
    allocator but is lent to the process (malloc is a system call returning a pointer the
    application writes through), so it lies inside the user domain's writable part.
    """
    names = [c.name for c in kernel]
    out = script_header(" (layout monolithic)", [
        "  text    PT_LOAD FLAGS(5);   /* kernel r-x */",
        "  rodata  PT_LOAD FLAGS(4);   /* kernel r-- */",
        "  data    PT_LOAD FLAGS(6);   /* kernel rw- */",
        "  utext   PT_LOAD FLAGS(5);   /* user r-x */",
        "  urodata PT_LOAD FLAGS(4);   /* user r-- */",
        "  udata   PT_LOAD FLAGS(6);   /* user rw- */",
        "  note    PT_NOTE;"], entry)
    out += kernel_sections(names, ("text", "rodata", "data"),
                           [s for s in SPECIAL if s[0] != "heap"])
    user_place = {"section": user_section_name, "files": _user_files}
    out += ["", "  /* The user domain: nothing of the kernel shares a page with it. */",
            "  . = ALIGN(4096);", "  __user_start = .;",
            *place_sections("text", user, "utext", **user_place)]
    out += ["  . = ALIGN(4096);", "  __user_rodata_start = .;",
            *place_sections("rodata", user, "urodata", **user_place)]
    out += ["  . = ALIGN(4096);", "  __user_data_start = .;",
            *place_sections("data", user, "udata", **user_place),
            *place_sections("bss", user, "udata", noload=True, **user_place),
            *place_sections("stack", user, "udata", inputs=".stack .stack.*", noload=True,
                            align=16, **user_place)]
    out.append("  /* The kernel allocator's heap, lent to the process: user-writable. */")
    out += place_sections("heap", names, "udata", inputs=".heap .heap.*", noload=True, align=4096)
    out += ["  . = ALIGN(4096);", "  __user_end = .;", "  __image_end = .;", DISCARD, "}", ""]
    return "\n".join(out)


class Monolithic(Layout):
    name = "monolithic"
    title = N_("Monolithic kernel")
    short_title = N_("monolithic")
    note = N_("One privileged kernel holds every service; the application traps into it.")
    crossing = "trap"
    crossing_words = N_("a system call")
    component = GLUE_COMPONENT
    component_reason = N_("the monolithic layout runs the application in user mode: "
                          "this component enters it and takes its system calls")

    def place(self, res: Resolution) -> list[Domain]:
        """The kernel (everything but the application and the libraries), then the process."""
        app = res.recipe.application
        libs = libraries(res)
        kernel = Domain(_("kernel"), "kernel", True, [c.name for c in res.components
                                                      if c.name != app and c.name not in libs])
        domains = [kernel, Domain(_("{name} process").format(name=app), "application", False,
                                  [app])]
        link_libraries(res, domains, libs)
        return domains

    def prepare(self, res: Resolution, out: Path, include: Path) -> MonolithicPlan:
        return prepare_monolithic(res, out, include)


MONOLITHIC = Monolithic()
