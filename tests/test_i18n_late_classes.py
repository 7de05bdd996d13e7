"""Screens are imported when first built, after the language was chosen: their keys are
translated all the same (the Lessons screen's footer had stayed English in Japanese)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widget import Widget

from workbench.tui import i18n


def test_a_widget_class_made_after_the_language_is_chosen_has_translated_keys():
    i18n.use_language("ja")
    try:
        class MadeLater(Widget):
            BINDINGS = [Binding("c", "check", i18n.N_("Check step"))]

        shown = {b.description for b in MadeLater._merged_bindings.key_to_bindings["c"]}
        assert shown == {i18n._("Check step")} and shown != {"Check step"}
    finally:
        i18n.use_language("en")
    assert {b.description for b in MadeLater._merged_bindings.key_to_bindings["c"]} == {"Check step"}


def test_the_lessons_screen_built_late_shows_its_keys_in_japanese(monkeypatch):
    monkeypatch.setenv("WB_LANG", "ja")  # the app chooses its language as it starts
    import asyncio

    from workbench.tui.app import WorkbenchApp

    async def run() -> str:
        i18n.use_language("ja")
        app = WorkbenchApp()
        app.prebuild_after = None
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("6")
            await app.ready_pane("lessons")
            await pilot.pause()
            return " ".join(binding.description
                            for _node, binding, _on, _tip in app.screen.active_bindings.values())

    try:
        keys = asyncio.run(run())
    finally:
        i18n.use_language("en")
    assert "チェック" in keys and "Check step" not in keys
