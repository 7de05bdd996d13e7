"""The footer, fitted to the terminal's width.

Textual's footer lists the keys of the focused widget first and the app's last, in one row with
the palette key docked at the right edge. At 80 columns the row ran on under the palette key:
the last keys (Help, the screen numbers) were cut, and with wide characters the palette key's
own label was overwritten ("^p パ  ット"). This footer leaves out the app's least needed keys,
in the order given, until the row fits; they still work, and Help (?) and the palette list them.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterLabel

GROUP_LABELS = "<group-labels>"  # in `left_out`: the groups' labels are left out


class FittedFooter(Footer):
    def __init__(self, spare: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.spare = spare  # actions whose keys may be left out, the first first
        self.left_out: set[str] = set()
        self._refit_pending = False
        self._shown: tuple | None = None  # the _signature() of the row as composed last

    def _widths(self) -> tuple[dict[str, int], int, int]:
        """The cells each action's key takes in the row, the palette key's, and the groups'
        labels' ("screens" after 1 2 3 4 5 6)."""
        app = self.app
        widths: dict[str, int] = {}
        groups: dict[object, int] = {}
        palette = 0
        for _node, binding, _enabled, _tip in self.screen.active_bindings.values():
            shown = cell_len(app.get_key_display(binding))
            if binding.action == "command_palette":
                palette = shown + cell_len(binding.description) + 3  # border, space, padding
            elif not binding.show or binding.action in widths:
                continue
            elif binding.group is not None and binding.group.compact:
                if binding.group not in groups:  # the group's label, padding and margin
                    groups[binding.group] = cell_len(binding.group.description) + 2
                groups[binding.group] += shown
                widths[binding.action] = 0
            else:
                widths[binding.action] = shown + cell_len(binding.description) + 2
        widths["<groups>"] = sum(groups.values())
        return widths, palette, sum(cell_len(group.description) + 1 for group in groups)

    def _leave_out(self) -> set[str]:
        widths, palette, labels = self._widths()
        room = self.app.size.width - palette
        need = sum(widths.values())
        out: set[str] = set()
        for action in self.spare:
            if need <= room:
                break
            if action in widths:
                out.add(action)
                need -= widths[action]
        if need > room and labels:  # the last thing left out: a group's label, its keys stay
            out.add(GROUP_LABELS)
        return out

    def _signature(self) -> tuple:
        """What the row shows: the width and every active key with its label and state."""
        return (self.app.size.width, tuple(
            (binding.key, binding.description, binding.action, binding.show, enabled)
            for _node, binding, enabled, _tip in self.screen.active_bindings.values()))

    def bindings_changed(self, screen) -> None:
        """Textual rebuilds the whole row each time any widget asks to refresh its keys, which
        a screen switch does several times over; rebuild once per refresh, and only when
        what the row shows has changed."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._schedule_refit()

    def on_resize(self, event: events.Resize) -> None:
        self._schedule_refit()  # the width is part of the signature: rebuilt if it changed

    def _schedule_refit(self) -> None:
        if not self._refit_pending:
            self._refit_pending = True
            # The first row at once (the first frames would show an empty footer); later ones
            # once the refresh under way is done, so that a burst of changes rebuilds it once.
            (self.call_later if self._shown is None else self.call_after_refresh)(self._refit)

    async def _refit(self) -> None:
        self._refit_pending = False
        if self.is_attached and self._signature() != self._shown:
            await self.recompose()

    def compose(self):
        ready = self.is_attached and getattr(self, "_bindings_ready", False)
        self._shown = self._signature() if ready else None  # None: no keys shown yet
        self.left_out = self._leave_out() if self.is_attached else set()
        for widget in super().compose():
            if getattr(widget, "action", None) in self.left_out:
                continue
            if isinstance(widget, FooterLabel) and GROUP_LABELS in self.left_out:
                continue
            yield widget
