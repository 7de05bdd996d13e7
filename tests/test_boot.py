"""Every built-in recipe boots in real QEMU with the verdict it promises (CLI and API)."""

from __future__ import annotations

import json
import re

import pytest

from workbench.core.run.qemu import boot_image_sync

from .conftest import qemu_pids, run_cli

pytestmark = pytest.mark.qemu


@pytest.mark.parametrize("toolchain", ["zig", "gcc"])
def test_selftest_passes(built, toolchain):
    result = boot_image_sync(built("selftest", toolchain).image, timeout=20)
    assert result.status == "success", result.console
    assert "selftest: PASS" in result.console
    assert "FAIL" not in result.console
    assert result.ready_ms is not None and result.first_output_ms is not None
    assert [r.kind for r in result.telemetry].count("ready") == 1


def test_selftest_passes_with_the_bump_allocator(catalogue, tmp_path):
    from workbench.core.builder.pipeline import build
    from workbench.core.model.recipe import load_recipe
    from workbench.core.model.resolve import resolve

    from .conftest import RECIPES

    recipe = load_recipe(RECIPES / "selftest.toml")
    recipe.providers["alloc"] = "alloc-bump"
    image = build(resolve(recipe, catalogue), tmp_path).image
    result = boot_image_sync(image, timeout=20)
    assert result.status == "success", result.console
    assert "selftest: PASS" in result.console


def test_hello_on_the_pc_machine(built):
    result = boot_image_sync(built("hello-pc").image, machine="pc", timeout=20)
    assert result.status == "success", result.console
    assert "Hello" in result.console


@pytest.mark.parametrize("recipe,status", [("hello", "success"), ("fault", "panic"), ("hang", "timeout")])
def test_cli_boot_json(recipe, status, tmp_path):
    proc = run_cli("boot", recipe, "--out", str(tmp_path), "--timeout", "3", "--json")
    data = json.loads(proc.stdout)
    assert data["status"] == status
    assert set(data) >= {"status", "console", "first_output_ms", "ready_ms"}
    assert data["ready_ms"] is not None
    assert proc.returncode == (0 if status == "success" else 1)
    if recipe == "fault":
        assert data["panic"]["vector"] == 14 and data["panic"]["cr2"] == 0x7F0000001000
        assert re.search(r"page.fault", data["console"], re.I)
    assert qemu_pids(mentioning=str(tmp_path)) == []
