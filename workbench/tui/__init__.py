"""The workbench's terminal UI (Textual): six screens over the core API."""
