"""Screen keys pressed quickly: the screen last asked for is the one that stays.

Textual shows the tab of a widget that takes the focus, but learns of that focus two messages
later. Here the Compare screen's widget takes the focus and, before those messages arrive,
the learner asks for the Lessons screen: the late message must not switch back to Compare.
"""

from __future__ import annotations

from textual.widgets import TabbedContent

from workbench.tui.app import WorkbenchApp

from .pilot import async_test, wait_for


def active(app) -> str:
    return app.main.query_one("#tabs", TabbedContent).active


@async_test
async def test_a_late_focus_does_not_switch_back_to_the_screen_left(tmp_path):
    app = WorkbenchApp("hello", build_root=tmp_path / "build")
    async with app.run_test(size=(80, 24)) as pilot:
        for key, sid in (("4", "compare"), ("6", "lessons"), ("1", "assemble")):
            await pilot.press(key)
            await wait_for(pilot, lambda sid=sid: active(app) == sid, what=sid)
        compare = app.pane("compare")
        target = next(w for w in (compare, *compare.query("*")) if w.can_focus)
        # in one go, as two keys handled before the focus messages of the first
        app.screen.set_focus(target)
        app.action_show_screen("lessons")
        for _ in range(5):
            await pilot.pause()
        assert active(app) == "lessons"
        # a focus that does stay where it landed still shows its screen (Textual's own rule)
        app.screen.set_focus(target)
        await wait_for(pilot, lambda: active(app) == "compare", what="the focused screen")


@async_test
async def test_a_screen_switch_rebuilds_the_footer_once_or_twice_and_it_shows_the_screens_keys(
        tmp_path, monkeypatch):
    """Textual rebuilds the footer's whole row whenever any widget refreshes its keys (several
    times a switch); the fitted footer rebuilds only when what the row shows has changed."""
    from workbench.tui.widgets.footer import FittedFooter

    rebuilds = []
    original = FittedFooter.recompose

    async def counting(self):
        rebuilds.append(active(self.app))
        await original(self)

    monkeypatch.setattr(FittedFooter, "recompose", counting)
    app = WorkbenchApp("hello", build_root=tmp_path / "build")
    async with app.run_test(size=(120, 40)) as pilot:
        for key, sid in zip("23456123", ("graph", "memory", "compare", "run", "lessons",
                                         "assemble", "graph", "memory")):
            await pilot.press(key)
            await wait_for(pilot, lambda sid=sid: active(app) == sid, what=sid)
        for _ in range(5):
            await pilot.pause()
        rebuilds.clear()
        for key, sid in zip("4563", ("compare", "run", "lessons", "memory")):
            await pilot.press(key)
            await wait_for(pilot, lambda sid=sid: active(app) == sid, what=sid)
            for _ in range(5):
                await pilot.pause()
        assert 4 <= len(rebuilds) <= 8, rebuilds  # at least once a switch, at most twice
        footer = app.query_one(FittedFooter)
        shown = " ".join(str(getattr(k, "description", "")) for k in footer.children)
        assert "Colour by" in shown, shown  # the Memory screen's own keys are in the row
