"""Inspection: what was built — the address-space map of an image and the dependency graph."""
