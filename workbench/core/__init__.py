"""The core: model → layouts → build → inspect → run, and learn on top (one folder each).

Nothing in this package imports UI code; the CLI and the TUI are views over it.
"""
