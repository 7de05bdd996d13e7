"""Widgets more than one screen uses: the source pane (with its lexers), the totals bar and
the text fields with their footer hint."""
