"""Runs: an image booted in QEMU — the machine, the console and telemetry streams, the exit status,
appliances reached through port forwards, and measurements across layouts."""
