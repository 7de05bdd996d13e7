"""Tabs that follow the learner's keys, not a focus that has already moved on.

Textual's `TabbedContent` shows the tab of any widget that takes the focus, so that a focus
moved by code never lands on a hidden screen. It learns of the focus two messages later
(the widget's `DescendantFocus`, then its pane's `TabPane.Focused`). A learner who presses
two screen keys quickly (4, then 6) can be faster than that: the late message for screen 4
arrives after screen 6 is shown, and the tabs switch back to 4 — the key looks ignored.
`ScreenTabs` acts on that message only while the focus is still inside the pane it names.
"""

from __future__ import annotations

from textual.widgets import TabbedContent, TabPane


class ScreenTabs(TabbedContent):
    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        focused = self.screen.focused
        if focused is None or event.tab_pane not in focused.ancestors_with_self:
            event.stop()
            event.prevent_default()  # the base class would show that pane's tab again
            return
        # still focused there: Textual's own handler (the next in line) shows its tab
