"""Runs: `boot` a recipe or an image in QEMU."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.core.model.errors import WorkbenchError
from workbench.i18n import _

from .baseline import add_linux_options, boot_linux, check_linux_options
from .common import build_image, note_learner_build, note_learner_run, print_json, resolution_for


def cmd_boot(args) -> int:
    from workbench.core.run.qemu import boot_image_sync, parse_forward  # +31 ms on every command

    forwards = [parse_forward(f) for f in args.forward or []]
    target = Path(args.target)
    machine = args.machine
    network = False
    check_linux_options(args)
    if args.os == "linux":
        image = None  # boot_linux prepares the kernel and the initramfs
    elif target.suffix == ".elf":
        if not target.is_file():
            raise WorkbenchError(_("image not found"), file=target,
                                 hint=_("build one with: workbench build RECIPE --out DIR"))
        image = target
    else:
        res = resolution_for(argparse.Namespace(recipe=args.target, workspace=args.workspace))
        result = build_image(argparse.Namespace(out=args.out, toolchain=args.toolchain, json=args.json), res)
        note_learner_build(args, result)  # a lesson step may judge the learner's own build and run
        image = result.image
        if not args.json:
            print(_("recipe {recipe}: layout {layout}, image {image}").format(
                recipe=res.recipe.name, layout=res.recipe.layout, image=image), file=sys.stderr)
        machine = machine or res.recipe.machine
        network = "netdev" in res.providers
    if not args.json:
        for f in forwards:
            print(_("forwarding {proto} 127.0.0.1:{host_port} -> guest port {guest_port}").format(
                proto=f.proto, host_port=f.host_port, guest_port=f.guest_port), file=sys.stderr)

    def on_event(ev):
        if args.json:
            return
        if ev.kind == "console":
            sys.stdout.write(ev.text)
            sys.stdout.flush()
        elif ev.kind == "network":  # the forwards' host sockets, widened (core/run/hostsockets.py)
            print(ev.text, file=sys.stderr)

    if image is None:
        result = boot_linux(args, forwards, on_event)
    else:
        result = boot_image_sync(image, machine=machine or "microvm", timeout=args.timeout,
                                 forwards=forwards, network=network or bool(forwards),
                                 net=args.net,
                                 on_event=on_event)
    if image is not None and target.suffix != ".elf":
        note_learner_run(args, res.recipe, result)
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"\n--- {_(result.status)}"
              + ("  " + _("first output {ms} ms").format(ms=f"{result.first_output_ms:.1f}")
                 if result.first_output_ms else "")
              + ("  " + _("ready {ms} ms").format(ms=f"{result.ready_ms:.1f}")
                 if result.ready_ms else "")
              + "  " + _("total {ms} ms").format(ms=f"{result.duration_ms:.1f}"), file=sys.stderr)
        if result.error:
            print(_("error: {error}").format(error=result.error), file=sys.stderr)
        if result.panic:
            print("panic: " + ", ".join(f"{k}={v:#x}" if isinstance(v, int) and k != "vector"
                                        else f"{k}={v}" for k, v in result.panic.items()),
                  file=sys.stderr)
    return 0 if result.status == "success" else 1


def add_commands(sub) -> None:
    s = sub.add_parser("boot", help=_("boot a recipe (building it first) or an image in QEMU"))
    s.add_argument("target", metavar="RECIPE_OR_IMAGE")
    s.add_argument("--timeout", type=float, default=10.0,
                   help=_("seconds before the watchdog stops it"))
    s.add_argument("--machine", choices=["microvm", "pc"], default=None)
    s.add_argument("--forward", action="append", metavar="PROTO:HOSTPORT:GUESTPORT",
                   help=_("forward 127.0.0.1:HOSTPORT to the guest (repeatable), e.g. "
                          "udp:5353:53"))
    s.add_argument("--net", choices=["auto", "user", "passt"], default=None,
                   help=_("network back-end: QEMU's user networking (slirp) or passt "
                          "(default: auto)"))
    s.add_argument("--out")
    s.add_argument("--toolchain", default="zig")
    s.add_argument("--json", action="store_true")
    add_linux_options(s)
    s.set_defaults(fn=cmd_boot)
