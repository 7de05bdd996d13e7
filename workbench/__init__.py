"""Unikernel Workbench: assemble, inspect and boot library operating systems."""

__version__ = "0.1.0"
