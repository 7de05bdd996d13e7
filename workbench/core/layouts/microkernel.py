"""The microkernel: a tiny privileged kernel, every service a user-mode server reached by IPC.

`Microkernel.place` places the components: the `boot` and `cpu` layers (with
`microkernel-x86`) in ring 0, every other component a ring-3 *server* in an address space of
its own, the application one more ring-3 domain, and a copy of each library
(`crossing = false`) in every domain that uses it. This module makes that placement buildable:

- each user domain is compiled with a rename header (`glue/<tag>/wb_<tag>.h`) that gives
  every interface function it defines or calls a name of its own (`user_printf`,
  `srv_serial_16550_console_write`), so one link holds them all;
- each call from one domain to an interface provided by another becomes a **stub** with the
  function's own prototype: a system call in a user domain (`glue/<tag>/mk_stubs.c`), a call
  of `mk_call()` in the kernel (`generated/microkernel-x86/mk_kernel_stubs.c`);
- each server gets a generated **loop** (in its `mk_stubs.c`): wait for a request, call the
  real function, reply;
- the kernel gets the **tables** (`generated/microkernel-x86/mk_tables.c`): the domains with
  their pages, entry points and stacks, and what each call number means, argument by argument
  (a value, a buffer and the argument that holds its length, a string), so the kernel can
  copy what a server could not otherwise see.

What cannot cross between address spaces is refused at build time with the function's name:
pointers the server would write through or return, functions to call back, va_lists.
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
    base_type,
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

MK_COMPONENT = "microkernel-x86"
KERNEL_LAYERS = ("boot", "cpu")  # what stays privileged: address spaces, interrupts, IPC
SYS_EXIT, SYS_REPLY_WAIT, FIRST_CALL = 0, 1, 2
ARG_VALUE, ARG_BUFFER, ARG_STRING = 0, 1, 2
PAGE = 4096
HUGE_PAGE = 2 * 1024 * 1024  # addrspace-x86 maps one 2 MiB page of small pages per domain
_BYTES = {"char", "signed char", "unsigned char", "void", "uint8_t", "int8_t"}
_SIZES = {"size_t", "uint32_t", "uint64_t", "unsigned", "unsigned int", "unsigned long", "int"}


@dataclass
class MkDomain:
    """A ring-3 domain: a server or the application, with its own copies of libraries."""

    tag: str  # "user" for the application, "srv_<component>" for a server
    role: str  # "server" | "application"
    components: list[Component]
    libraries: list[Component]
    renamed: list[str] = field(default_factory=list)
    header: Path | None = None
    stubs: Path | None = None

    @property
    def prefix(self) -> str:
        return self.tag + "_"

    @property
    def members(self) -> list[Component]:
        return self.components + self.libraries


@dataclass
class MkCall:
    """One interface function reached across domains, and how its arguments travel."""

    number: int
    interface: str
    function: FunctionSpec
    server: int  # index into MicrokernelPlan.domains
    fn: int  # its number in that server's loop
    kinds: list[int]
    len_of: list[int]

    def to_dict(self) -> dict:
        return {"number": self.number, "interface": self.interface,
                "function": self.function.name, "server_fn": self.fn,
                "arguments": [("value", "buffer", "string")[k] for k in self.kinds]}


@dataclass
class MicrokernelPlan(LayoutBuild):
    kernel_components: list[Component]
    domains: list[MkDomain]
    glue_component: Component
    calls: list[MkCall]
    app: int  # index of the application's domain
    kernel_stubs: Path
    tables: Path

    def to_dict(self) -> dict:
        return {"kernel": [c.name for c in self.kernel_components],
                "domains": [{"tag": d.tag, "role": d.role,
                             "components": [c.name for c in d.components],
                             "libraries": [c.name for c in d.libraries]} for d in self.domains],
                "calls": [c.to_dict() for c in self.calls]}

    def object_groups(self) -> list[ObjectGroup]:
        """The kernel, then a ring-3 domain per server and one for the application."""
        return [ObjectGroup(self.kernel_components),
                *(ObjectGroup(d.members, DomainBuild(d.tag, d.header, d.stubs,
                                                     self.glue_component))
                  for d in self.domains)]

    def linker_script(self, entry: str | None) -> str:
        return microkernel_linker_script(
            self.kernel_components,
            [(d.tag, [c.name for c in d.members] + [self.glue_component.name])
             for d in self.domains], entry)

    def check_references(self, groups: list[list[ObjectPlan]]) -> None:
        for d, mine in zip(self.domains, groups[1:]):
            others = [p for g in groups if g is not mine for p in g]
            check_references(mine, others, _("domain '{name}'").format(name=d.tag),
                             MICROKERNEL_REFERENCE_HINT, N_("defined in another domain"))

    def check_extent(self, image: Path) -> None:
        """Each domain must lie in one 2 MiB page: addrspace-x86 maps one per tree."""
        names = [f"__dom_{d.tag}_{end}" for d in self.domains for end in ("start", "end")]
        found = image_symbols(image, names)
        for d in self.domains:
            lo, hi = found.get(f"__dom_{d.tag}_start"), found.get(f"__dom_{d.tag}_end")
            if lo is None or hi is None:
                continue
            if lo // HUGE_PAGE != (hi - 1) // HUGE_PAGE:
                raise WorkbenchError(
                    _("domain '{name}' spans {low}..{high}, across a 2 MiB boundary that "
                      "addrspace-x86 cannot map with small pages").format(
                        name=d.tag, low=f"{lo:#x}", high=f"{hi:#x}"), file=image,
                    hint=_("make the stacks smaller (stack_kib of microkernel-x86)"))


def _refuse(iface: Interface, fn: FunctionSpec, why: str) -> WorkbenchError:
    return WorkbenchError(
        _("function {function} of interface '{interface}' cannot be a message between address "
          "spaces: {why}").format(function=fn.name, interface=iface.name, why=why),
        file=iface.path, key="functions",
        hint=_("in the microkernel layout only integers, const buffers followed by their "
               "length (size_t) and const strings cross, copied by the kernel; the library OS "
               "and the monolithic layouts build this recipe"))


def argument_kinds(iface: Interface, fn: FunctionSpec) -> tuple[list[int], list[int]]:
    """How each parameter of `fn` travels: (kinds, len_of). Raises when it cannot."""
    if len(fn.params) > MAX_ARGS:
        raise _refuse(iface, fn, _("it has {count} parameters; a message carries {most} "
                                   "registers").format(count=len(fn.params), most=MAX_ARGS))
    kinds, len_of = [], []
    params = list(fn.params)
    for i, (name, t) in enumerate(params):
        problem = register_problem(t)
        if problem:
            raise _refuse(iface, fn, problem)
        if not is_pointer(t):
            kinds.append(ARG_VALUE)
            len_of.append(0)
            continue
        pointee = t.strip()[:-1].strip()
        if not pointee.startswith("const ") or pointee.count("*"):
            raise _refuse(iface, fn, _("'{name}' ({type}) is memory the server would write to, "
                                       "which lives in another address space").format(
                                         name=name, type=t))
        base = base_type(pointee)
        nxt = params[i + 1] if i + 1 < len(params) else None
        if base in _BYTES and nxt and not is_pointer(nxt[1]) and base_type(nxt[1]) in _SIZES:
            kinds.append(ARG_BUFFER)
            len_of.append(i + 1)
        elif base == "char":
            kinds.append(ARG_STRING)
            len_of.append(0)
        else:
            raise _refuse(iface, fn, _("'{name}' ({type}) points to data of unknown length, so "
                                       "the kernel cannot copy it").format(name=name, type=t))
    ret = fn.returns.strip()
    if ret != "void":
        if is_pointer(ret):
            raise _refuse(iface, fn, _("it returns a pointer into the server's memory, which "
                                       "the caller cannot see"))
        problem = register_problem(ret)
        if problem:
            raise _refuse(iface, fn, _("its result: {problem}").format(problem=problem))
    return kinds, len_of


def _domains(res: Resolution) -> tuple[list[Component], list[MkDomain], int]:
    cat = res.catalogue.components
    kernel: list[Component] = []
    domains: list[MkDomain] = []
    app = -1
    for d in MICROKERNEL.place(res):
        members = [cat[n] for n in d.components]
        libs = [cat[n] for n in d.libraries]
        if d.role == "kernel":
            kernel = members + libs
        elif d.role == "server":
            domains.append(MkDomain("srv_" + d.components[0].replace("-", "_"), "server",
                                    members, libs))
        else:
            app = len(domains)
            domains.append(MkDomain("user", "application", members, libs))
    return kernel, domains, app


def _crossings(res: Resolution, kernel: list[Component], domains: list[MkDomain]
               ) -> tuple[dict[str, list[str]], list[str]]:
    """Which crossing interfaces each domain (tag, or "kernel") calls in another domain."""
    home: dict[str, str] = {c.name: "kernel" for c in kernel}
    for d in domains:
        for c in d.components:
            home[c.name] = d.tag
    ifaces = res.catalogue.interfaces
    wanted: dict[str, list[str]] = {}
    called: list[str] = []
    for tag, members in [("kernel", kernel), *((d.tag, d.members) for d in domains)]:
        names = {c.name for c in members}
        for c in members:
            for iface in c.requires:
                provider = res.providers.get(iface)
                if provider is None or provider in names or not ifaces[iface].crossing:
                    continue
                if iface == "app":  # the kernel's app_main (mk_boot.c) enters the application
                    continue
                if home.get(provider) == "kernel":
                    raise WorkbenchError(
                        _("{name} (in domain {domain}) requires '{interface}', which {provider} "
                          "provides inside the microkernel itself").format(
                            name=c.name, domain=tag, interface=iface, provider=provider),
                        file=c.manifest, key="requires",
                        hint=_("this layout forwards requests only to servers; the library OS "
                               "and the monolithic layouts build this recipe"))
                if iface not in wanted.setdefault(tag, []):
                    wanted[tag].append(iface)
                if iface not in called:
                    called.append(iface)
    return wanted, sorted(called)


def plan_calls(res: Resolution, kernel: list[Component], domains: list[MkDomain]
               ) -> tuple[list[MkCall], dict[str, list[str]]]:
    wanted, called = _crossings(res, kernel, domains)
    server_of = {c.name: i for i, d in enumerate(domains) for c in d.components}
    per_server: dict[int, int] = {}
    calls: list[MkCall] = []
    number = FIRST_CALL
    for name in called:
        iface = res.catalogue.interfaces[name]
        server = server_of[res.providers[name]]
        for fn in iface.functions:
            kinds, len_of = argument_kinds(iface, fn)
            calls.append(MkCall(number, name, fn, server, per_server.get(server, 0), kinds, len_of))
            per_server[server] = per_server.get(server, 0) + 1
            number += 1
    return calls, wanted


# --------------------------------------------------------------------------- generated text

def _stubs_text(res: Resolution, d: MkDomain, index: int, calls: list[MkCall],
                wanted: list[str], include: Path) -> str:
    cat = res.catalogue
    mine = [c for c in calls if c.interface in wanted]
    served = [c for c in calls if c.server == index]
    headers = sorted({cat.interfaces[c.interface].header for c in mine + served})
    out = [
        f"/* Generated by the workbench for recipe {res.recipe.name} (layout microkernel):",
        f" * do not edit. The {d.role} domain '{d.tag}'"
        + (f" ({', '.join(c.name for c in d.components)})" if d.role == "server" else "") + ":",
        " * its stack" + (", its message page and its request loop" if d.role == "server"
                          else " and its start") + ", and a stub per function it calls in",
        " * another domain. wb_" + d.tag + ".h renames each stub to " + d.prefix + "<name>. */",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "",
        '#include "app.h"',
        '#include "config.h"',
        *(f'#include "{h}"' for h in headers),
        "",
        *SYSCALL6_C,
        "",
        "/* The domain's stack: its pages are user-writable in this domain's tree only. */",
        f"uint8_t {d.prefix}stack[CONFIG_MICROKERNEL_X86_STACK_KIB * 1024]",
        '    __attribute__((section(".stack"), aligned(16)));',
    ]
    if d.role == "application":
        out += ["", *user_start_c(SYS_EXIT)]
    else:
        out += [
            "",
            "/* Where the kernel copies the buffers and strings of a request (mk_call.c). */",
            f"uint8_t {d.prefix}message[4096] __attribute__((aligned(4096)));",
            "",
            "/* Reply with `result`, then wait: the next request arrives in the registers of the",
            " * system-call convention (function number in RAX, arguments in RDI ... R9). */",
            "static uint64_t reply_wait(uint64_t result, uint64_t a[6])",
            "{",
            '    register uint64_t r10 __asm__("r10");',
            '    register uint64_t r8 __asm__("r8");',
            '    register uint64_t r9 __asm__("r9");',
            "    uint64_t fn, a0, a1, a2;",
            '    __asm__ volatile("syscall"',
            '                     : "=a"(fn), "=D"(a0), "=S"(a1), "=d"(a2), "=r"(r10), "=r"(r8),',
            '                       "=r"(r9)',
            f'                     : "0"((uint64_t){SYS_REPLY_WAIT}), "1"(result)',
            '                     : "rcx", "r11", "memory");',
            "    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = r10, a[4] = r8, a[5] = r9;",
            "    return fn;",
            "}",
            "",
            "/* The server: the kernel starts it here once; it answers requests forever. */",
            f"void {d.prefix}serve(void)",
            "{",
            "    uint64_t a[6], result = 0;",
            "    for (;;) {",
            "        uint64_t fn = reply_wait(result, a);",
            "        result = 0;",
            "        switch (fn) {",
        ]
        for c in served:
            fn = c.function
            args = ", ".join(from_register(f"a[{i}]", t) for i, (_n, t) in enumerate(fn.params))
            call = f"{fn.name}({args})"
            if fn.returns.strip() == "void":
                out.append(f"        case {c.fn}: {call}; break;")
            else:
                out.append(f"        case {c.fn}: result = {to_register(call, fn.returns)}; "
                           "break;")
        out += ["        default: result = (uint64_t)-1; break;   /* no such function */",
                "        }", "    }", "}"]
    for c in mine:
        out += ["", *stub_c(c.number, c.interface, c.function, "syscall6",
                            is_noreturn(cat.interfaces[c.interface], c.function, include))]
    return "\n".join(out) + "\n"


def _kernel_stubs_text(res: Resolution, calls: list[MkCall], wanted: list[str],
                       include: Path) -> str:
    cat = res.catalogue
    mine = [c for c in calls if c.interface in wanted]
    out = [
        f"/* Generated by the workbench for recipe {res.recipe.name} (layout microkernel):",
        " * do not edit. The kernel's own calls to servers (the boot code's console_init(), a",
        " * panic report's printf): each a stub with the function's prototype that sends the",
        " * request through mk_call(), as a system call from a domain would. */",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "",
        '#include "mk.h"',
        *(f'#include "{h}"' for h in sorted({cat.interfaces[c.interface].header for c in mine})),
        "",
        "static uint64_t kernel_call(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2,",
        "                            uint64_t a3, uint64_t a4, uint64_t a5)",
        "{",
        "    const uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };",
        "    return mk_call(MK_KERNEL, number, a);",
        "}",
    ]
    for c in mine:
        out += ["", *stub_c(c.number, c.interface, c.function, "kernel_call",
                            is_noreturn(cat.interfaces[c.interface], c.function, include))]
    return "\n".join(out) + "\n"


def _tables_text(res: Resolution, domains: list[MkDomain], app: int, calls: list[MkCall]) -> str:
    out = [
        f"/* Generated by the workbench for recipe {res.recipe.name} (layout microkernel):",
        " * do not edit. The domains (their pages come from the linker script) and what every",
        " * call number means, argument by argument (mk.h). */",
        "#include <stdint.h>",
        "",
        '#include "config.h"',
        '#include "mk.h"',
        "",
    ]
    for d in domains:
        t = d.tag
        out += [f"extern uint8_t __dom_{t}_start[], __dom_{t}_data[], __dom_{t}_end[];",
                f"extern uint8_t {d.prefix}stack[];"]
        out.append("extern void user_start(void);" if d.role == "application" else
                   f"extern uint8_t {d.prefix}message[];\nextern void {d.prefix}serve(void);")
    out += ["", "const struct mk_domain mk_domains[] = {"]
    for d in domains:
        t = d.tag
        entry = "user_start" if d.role == "application" else f"{d.prefix}serve"
        message = "0" if d.role == "application" else f"{d.prefix}message"
        out.append(f'    {{ "{t}", (uint64_t)__dom_{t}_start, (uint64_t)__dom_{t}_data, '
                   f"(uint64_t)__dom_{t}_end, (uint64_t){entry},\n"
                   f"      (uint64_t)({d.prefix}stack + CONFIG_MICROKERNEL_X86_STACK_KIB * 1024), "
                   f"{message}, {1 if d.role == 'server' else 0} }},")
    out += ["};", f"const int mk_domain_count = {len(domains)};", f"const int mk_app = {app};",
            "", "const struct mk_target mk_targets[] = {"]
    for c in calls:
        kinds = ", ".join(str(k) for k in c.kinds) or "0"
        lens = ", ".join(str(k) for k in c.len_of) or "0"
        out.append(f'    [{c.number}] = {{ "{c.function.name}", {c.server}, {c.fn}, '
                   f"{len(c.kinds)}, {{ {kinds} }}, {{ {lens} }} }},")
    out += ["};",
            "const uint64_t mk_target_count = sizeof mk_targets / sizeof mk_targets[0];", ""]
    return "\n".join(out)


def prepare_microkernel(res: Resolution, out: Path, include: Path) -> MicrokernelPlan:
    """Split the resolution into the microkernel's domains and write the generated glue."""
    cat = res.catalogue
    if MK_COMPONENT not in cat.components:
        raise WorkbenchError(_("the {layout} layout needs the component '{name}', which the "
                               "catalogue lacks").format(layout="microkernel", name=MK_COMPONENT),
                             file=res.recipe.path, key="layout")
    glue = cat.components[MK_COMPONENT]
    kernel, domains, app = _domains(res)
    if glue not in kernel:
        raise WorkbenchError(_("the resolution of a {layout} recipe lacks '{name}'").format(
                                 layout="microkernel", name=MK_COMPONENT),
                             file=res.recipe.path, key="layout")
    # what cannot cross at all is the first thing to say: more domains would not help it
    calls, wanted = plan_calls(res, kernel, domains)
    limit = int(res.options.get(MK_COMPONENT, {}).get("max_domains", 8))
    trees = int(res.options.get("addrspace-x86", {}).get("trees", 8))
    if len(domains) > min(limit, trees):
        raise WorkbenchError(
            _("this recipe needs {count} domains (servers and the application); the image "
              "allows {most}").format(count=len(domains), most=min(limit, trees)),
            file=res.recipe.path, key="options",
            hint=_("raise the options max_domains of microkernel-x86 and trees of "
                   "addrspace-x86"))
    for d in domains:
        names = ["app_main"] if d.role == "application" else []
        for c in calls:
            if c.interface in wanted.get(d.tag, []) or domains[c.server] is d:
                names.append(c.function.name)
        for lib in d.libraries:
            for iface in lib.provides:
                names += [fn.name for fn in cat.interfaces[iface].functions]
        d.renamed = list(dict.fromkeys(names))
        d.header = out / "glue" / d.tag / f"wb_{d.tag}.h"
        d.stubs = out / "glue" / d.tag / "mk_stubs.c"
        clash = sorted(set(d.renamed) & {"user_start", "reply_wait"})
        if clash:
            raise WorkbenchError(_("interface function names clash with the glue: {names}").format(
                names=", ".join(clash)))
        write_if_changed(d.header, rename_header_text(res, d.tag, d.renamed))
        write_if_changed(d.stubs, _stubs_text(res, d, domains.index(d), calls,
                                               wanted.get(d.tag, []), include))
    gen = out / "generated" / MK_COMPONENT
    kernel_stubs, tables = gen / "mk_kernel_stubs.c", gen / "mk_tables.c"
    write_if_changed(kernel_stubs, _kernel_stubs_text(res, calls, wanted.get("kernel", []),
                                                       include))
    write_if_changed(tables, _tables_text(res, domains, app, calls))
    return MicrokernelPlan(kernel, domains, glue, calls, app, kernel_stubs, tables)


MICROKERNEL_REFERENCE_HINT = N_(
    "in the microkernel layout a domain reaches the others only through the interfaces its "
    "components require; add the interface to 'requires', or, for a call the compiler "
    "generated itself (memcpy, memset), require 'libc'")


def microkernel_linker_script(kernel: list[Component], domains: list[tuple[str, list[str]]],
                              entry: str | None) -> str:
    """The kernel's sections, then each ring-3 domain's, every domain on pages of its own.

    A domain (objects named `<tag>.<component>__*.o`) gets three segments and the symbols
    `__dom_<tag>_start` (code and constants, read-only for it), `__dom_<tag>_data` (data,
    bss and its stack, writable) and `__dom_<tag>_end`, from which microkernel-x86 builds the
    domain's page-table tree. Output sections are named `.<kind>.<component>.<tag>`.
    """
    names = [c.name for c in kernel]
    phdrs = ["  text   PT_LOAD FLAGS(5);   /* kernel r-x */",
             "  rodata PT_LOAD FLAGS(4);   /* kernel r-- */",
             "  data   PT_LOAD FLAGS(6);   /* kernel rw- */"]
    for tag, _members in domains:
        phdrs += [f"  {tag}_t PT_LOAD FLAGS(5);", f"  {tag}_r PT_LOAD FLAGS(4);",
                  f"  {tag}_d PT_LOAD FLAGS(6);"]
    out = script_header(" (layout microkernel)", [*phdrs, "  note   PT_NOTE;"], entry)
    out += kernel_sections(names, ("text", "rodata", "data"), SPECIAL)
    for tag, owners in domains:
        place = {"section": lambda kind, comp, tag=tag: f"{section_name(kind, comp)}.{tag}",
                 "files": lambda name, tag=tag: f"*/{tag}.{name}__*.o"}
        out += ["", f"  /* Domain {tag}: nothing of another domain shares a page with it. */",
                "  . = ALIGN(4096);", f"  __dom_{tag}_start = .;",
                *place_sections("text", owners, f"{tag}_t", **place),
                *place_sections("rodata", owners, f"{tag}_r", **place),
                "  . = ALIGN(4096);", f"  __dom_{tag}_data = .;",
                *place_sections("data", owners, f"{tag}_d", **place),
                *place_sections("bss", owners, f"{tag}_d", noload=True, **place),
                *place_sections("stack", owners, f"{tag}_d", inputs=".stack .stack.*",
                                noload=True, align=16, **place),
                "  . = ALIGN(4096);", f"  __dom_{tag}_end = .;"]
    out += ["  . = ALIGN(4096);", "  __image_end = .;", DISCARD, "}", ""]
    return "\n".join(out)


class Microkernel(Layout):
    name = "microkernel"
    title = N_("Microkernel")
    short_title = N_("microkernel")
    note = N_("A tiny privileged kernel; services are isolated user-mode servers "
              "reached by IPC.")
    crossing = "ipc"
    crossing_words = N_("a message to a server and back")
    component = MK_COMPONENT
    component_reason = N_("the microkernel layout runs every service as a server in its own "
                          "address space: this component carries the messages between them")

    def place(self, res: Resolution) -> list[Domain]:
        """The kernel (the boot and cpu layers), a server per other component, the process."""
        app = res.recipe.application
        libs = libraries(res)
        kernel = Domain(_("microkernel"), "kernel", True,
                        [c.name for c in res.components if c.layer in KERNEL_LAYERS
                         and c.name != app and c.name not in libs])
        domains = [kernel]
        for c in res.components:
            if c.name != app and c.name not in libs and c.name not in kernel.components:
                domains.append(Domain(_("{name} server").format(name=c.name), "server", False,
                                      [c.name]))
        domains.append(Domain(_("{name} process").format(name=app), "application", False, [app]))
        link_libraries(res, domains, libs)
        return domains

    def prepare(self, res: Resolution, out: Path, include: Path) -> MicrokernelPlan:
        return prepare_microkernel(res, out, include)


MICROKERNEL = Microkernel()
