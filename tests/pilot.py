"""Driving the app with Textual's Pilot: one event loop per test, and waiting for real work
(workers, builds, QEMU) without fixed sleeps."""

from __future__ import annotations

import asyncio
import functools
import time


def async_test(fn):
    """Run an async test function on a fresh event loop (the app needs one per test)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


async def wait_for(pilot, condition, timeout: float = 30.0, what: str = "condition"):
    """Let the app run until `condition()` holds (workers, QEMU) or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
