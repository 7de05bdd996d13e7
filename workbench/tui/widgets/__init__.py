"""Widgets more than one screen uses: the source pane (with its lexers) and the totals bar."""
