"""The Linux baseline: `boot RECIPE --os linux` (through `run.py`) and `baseline RECIPE`."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from workbench.core.model.errors import WorkbenchError
from workbench.i18n import _

from .common import pad, print_json, resolution_for


def check_linux_options(args) -> None:
    """--kernel and --initrd belong to the Linux guest."""
    if args.os != "linux" and (args.kernel or args.initrd):
        raise WorkbenchError(_("--kernel and --initrd are the Linux guest's files"),
                             key="--kernel" if args.kernel else "--initrd",
                             hint=_("add --os linux to boot the Linux baseline"))


def boot_linux(args, forwards, on_event):
    """`boot RECIPE --os linux`: the recipe's service in a Linux guest, like a unikernel."""
    from workbench.core.baseline.guest import boot_guest_sync, prepare_guest  # QEMU's machinery

    res = resolution_for(argparse.Namespace(recipe=args.target, workspace=args.workspace))
    quiet = args.json

    def progress(what: str) -> None:
        if not quiet:
            print(f"  {what}", file=sys.stderr)

    guest = prepare_guest(res, args.kernel, args.initrd, on_progress=progress)
    if args.machine:
        guest = dataclasses.replace(guest, machine=args.machine)
    if not quiet:
        print(_("recipe {recipe} as a Linux guest: kernel {kernel}, initramfs {initrd} ({size} "
                "bytes)").format(recipe=res.recipe.name, kernel=guest.kernel, initrd=guest.initrd,
                                 size=f"{guest.image_bytes:,}"), file=sys.stderr)
        if guest.service and guest.service.proto and not any(
                f.guest_port == guest.service.port for f in forwards):
            print("  " + _("(no forward to guest port {port}: ready is the guest's own record, not "
                           "a client's answer)").format(port=guest.service.port), file=sys.stderr)
    return boot_guest_sync(res, guest, forwards, args.timeout, on_event)


def add_linux_options(parser) -> None:
    """The options `boot` takes for the Linux guest."""
    parser.add_argument("--os", choices=["unikernel", "linux"], default="unikernel",
                        help=_("boot the recipe as a unikernel (default) or its Linux baseline"))
    parser.add_argument("--kernel", metavar="FILE", help=_("the Linux guest's kernel (bzImage)"))
    parser.add_argument("--initrd", metavar="FILE", help=_("the Linux guest's initramfs"))


# --------------------------------------------------------------------------- baseline

def reading(data: dict, key: str, better: str) -> str:
    """One line saying what a row shows."""
    from workbench.core.baseline.measure import figure  # QEMU's machinery

    ratio = data["ratios"].get(key)
    if ratio is None:
        if data["unikernel"][key] == 0 and data["linux"][key]:
            return _("the unikernel: none measured, Linux {figure}").format(
                figure=figure(data["linux"][key]))
        return _("not measured for this recipe")
    if ratio >= 1:
        return _("the unikernel: {ratio}× {better}").format(ratio=f"{ratio:,.1f}", better=_(better))
    return _("Linux: {ratio}× {better}").format(ratio=f"{1 / ratio:,.1f}", better=_(better))


def baseline_table(data: dict) -> str:
    """Our figures, the paper's beside them, and under each row what it says."""
    from rich.cells import cell_len

    from workbench.core.baseline.measure import ROWS, figure  # QEMU's machinery

    lines = [_("{recipe} ({application}) on {machine}, medians of {runs} interleaved runs").format(
        recipe=data["recipe"], application=data["application"], machine=data["machine"],
        runs=data["runs"]), ""]
    head = (f"{pad(_('measure'), 30)} {pad(_('unikernel'), 10, '>')} {pad('Linux', 12, '>')} "
            f"{pad(_('ratio'), 8, '>')}  " + _("the paper's DNS appliance (unikernel vs Linux)"))
    lines += [head, "-" * cell_len(head)]
    for key, label, unit, better in ROWS:
        ratio = data["ratios"].get(key)
        shown_ratio = f"{ratio:,.1f}×" if ratio else "—"
        paper = data["paper"].get(key)
        lines.append(f"{pad(f'{_(label)} ({unit})', 30)} {figure(data['unikernel'][key]):>10} "
                     f"{figure(data['linux'][key]):>12} {shown_ratio:>8}  "
                     f"{_(paper) if paper else ''}".rstrip())
        lines.append(f"{'':30} → {reading(data, key, better)}")
    return "\n".join(lines)


def cmd_baseline(args) -> int:
    from workbench.core.baseline.measure import measure_recipe  # QEMU's machinery
    from workbench.core.baseline.record import save_result

    res = resolution_for(argparse.Namespace(recipe=args.recipe, workspace=args.workspace))

    def progress(what: str, done: int, total: int) -> None:
        if not args.json:
            count = f"[{done + 1}/{total}] " if total > 1 and done < total else ""
            print(f"  {count}{what}", file=sys.stderr)

    result = measure_recipe(res, Path(args.out) if args.out else None, args.toolchain,
                            runs=args.runs, kernel=args.kernel, initrd=args.initrd,
                            timeout=args.timeout, memory_search=not args.no_memory_search,
                            on_progress=progress)
    data = result.to_dict()
    saved = save_result(data)  # what lesson 14 checks
    if args.json:
        print_json(data)
    else:
        print(baseline_table(data))
        print("\n" + _("saved to {path}").format(path=saved), file=sys.stderr)
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("baseline", help=_("the recipe as a unikernel and as a Linux guest, "
                                          "measured side by side"))
    s.add_argument("recipe", metavar="RECIPE")
    s.add_argument("--runs", type=int, default=3, help=_("interleaved runs (medians are shown)"))
    s.add_argument("--timeout", type=float, default=120.0,
                   help=_("seconds a guest may take to answer its first client"))
    s.add_argument("--no-memory-search", action="store_true",
                   help=_("skip the search for the least guest memory (it boots each system "
                          "several times)"))
    s.add_argument("--kernel", metavar="FILE", help=_("the Linux guest's kernel (bzImage)"))
    s.add_argument("--initrd", metavar="FILE", help=_("the Linux guest's initramfs"))
    s.add_argument("--out")
    s.add_argument("--toolchain", default="zig")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_baseline)
