"""The core: catalogue, resolution, build, inspection and run.

Nothing in this package imports UI code; the CLI and the TUI are views over it.
"""
