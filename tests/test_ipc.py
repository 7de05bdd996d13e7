"""ipc-bench, the microkernel in miniature: two user-mode address spaces and synchronous IPC
through the kernel, booted in real QEMU."""

from __future__ import annotations

import pytest

from workbench.core.builder.pipeline import build
from workbench.core.inspect.image import inspect_image
from workbench.core.model.recipe import Recipe
from workbench.core.model.resolve import resolve
from workbench.core.run.measure import crossing_rounds
from workbench.core.run.qemu import boot_image_sync

pytestmark = pytest.mark.qemu


def test_every_round_trip_is_answered_right_and_costs_more_than_two_traps(built):
    run = boot_image_sync(built("ipc-bench").image, timeout=60)
    assert run.status == "success", run.console
    records = [r for r in run.telemetry if r.kind == "bench" and r.fields.get("name") == "ipc"]
    assert [r.get_int("round") for r in records] == list(range(1, 8))
    # the server changes RBX, R12 and R15; the client's loop keeps its state in them, so a
    # single leaked register would show up as a wrong reply
    assert all(r.get_int("wrong_replies") == 0 for r in records)
    assert "every reply right" in run.console
    rounds = crossing_rounds(run, "ipc")
    assert len(rounds) == 6  # the warm-up round is left out
    for ipc, trap in rounds:
        # a round trip is two traps (call, reply) plus two address-space switches
        assert trap > 0 and ipc > 2 * trap, (ipc, trap)


def test_the_client_cannot_read_the_servers_memory(catalogue, tmp_path):
    recipe = Recipe(name="trespass", application="ipc-bench",
                    options={"ipc-bench": {"trespass": True, "rounds": 1}})
    result = build(resolve(recipe, catalogue), tmp_path, "zig")
    run = boot_image_sync(result.image, timeout=30)
    assert run.status == "panic", run.console
    info = inspect_image(result.image)
    stack = next(s for r in info.regions for s in r.symbols if s.name == "ipc_server_stack")
    assert run.panic["vector"] == 14 and run.panic["cr2"] == stack.addr
    assert run.panic["error"] & 0x4, "the fault happened in user mode (error code bit U)"
    assert "in user mode" in run.console
    # the address is in the image and the kernel can use it: only the client may not
    assert info.region_at(stack.addr).owner == "ipc-bench"
