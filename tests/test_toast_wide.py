"""A toast's Japanese is drawn whole over the edges of the widgets under it.

On the Run screen at 80 columns, the right pane's edge (column 50) runs under a toast: the
full frame cut the toast's line there and a partial redraw started there, and either way the
double-width character across the edge was lost ("ゲストは[動]いていません")."""

from __future__ import annotations

from textual.geometry import Region
from textual.widgets._toast import Toast

from tests.pilot import async_test
from workbench.tui.app import WorkbenchApp

MESSAGE = "ゲストが動いていません。r で起動してください。"


@async_test
async def test_a_japanese_toast_over_a_pane_edge_keeps_every_character():
    app = WorkbenchApp()
    app.prebuild_after = None
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("5")
        await app.ready_pane("run")
        app.notify(MESSAGE, timeout=30)
        await pilot.pause(0.5)
        comp = app.screen._compositor
        toast = next(region for widget, (region, _clip) in comp.visible_widgets.items()
                     if isinstance(widget, Toast))
        edges = {x for y in range(toast.y, toast.bottom) for x in range(toast.x + 1, toast.right)
                 if any(r.x == x or r.right == x for w, (r, _c) in comp.visible_widgets.items()
                        if not isinstance(w, Toast) and r.y <= y < r.bottom)}
        assert edges, "a widget's edge runs under the toast (else this proves nothing)"
        rows = comp.render_full_update().strips
        drawn = "".join("".join(s.text for s in row if s is not None)[toast.x:toast.right]
                        for row in rows[toast.y:toast.bottom])
        assert MESSAGE.replace(" ", "") in drawn.replace(" ", "").replace("▌", ""), drawn

        # a change under the toast redraws the toast from its left edge, not from the change
        comp._dirty_regions.add(Region(min(edges), toast.y + 1, 5, 1))
        update = comp.render_partial_update()
        starts = {y: x1 for y, x1, _x2 in update.spans}
        assert starts[toast.y + 1] <= toast.x, update.spans
