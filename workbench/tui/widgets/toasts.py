"""Few toasts at a time: a new one replaces the last of its kind, and at most two stay.

Textual stacks every notification until its timeout, so a learner who checks a step three
times, saves and builds gets a column of toasts over the text they are reading. `FewToasts`
is mixed into the app (listed before `App`):

- a toast replaces an earlier one of the same kind: the same title and severity, or the same
  message ("Saved …" then "Saved …" again, "step: fail" then "step: pass");
- at most `MAX_TOASTS` stay; a new one removes the oldest;
- a toast given no timeout stays for a time that follows its severity: information briefly,
  an error long enough to read.

Dialogs that cover the screen (the help) call `app.clear_notifications()` when they open.
"""

from __future__ import annotations

from textual.notifications import Notification, Notify, SeverityLevel

MAX_TOASTS = 2
TIMEOUTS: dict[str, float] = {"information": 4.0, "warning": 7.0, "error": 10.0}


def same_kind(a: Notification, b: Notification) -> bool:
    """Whether `b` says what `a` said again, or the next thing of the same sort."""
    if a.message == b.message:
        return True
    return a.severity == b.severity and a.title == b.title


class FewToasts:
    """App mixin: `notify` as Textual's, with fewer toasts that stay for less time, their wide
    characters drawn whole."""

    MAX_TOASTS = MAX_TOASTS

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        keep_wide_characters_whole()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        if timeout is None:
            timeout = TIMEOUTS.get(severity, TIMEOUTS["information"])
        super().notify(message, title=title, severity=severity, timeout=timeout,  # type: ignore[misc]
                       markup=markup)

    def on_notify(self, event: Notify) -> None:
        """Before the app adds the new toast: drop those it replaces and the oldest over the
        limit (runs on the event loop, so `notify` stays safe to call from a thread)."""
        new = event.notification
        shown = list(self._notifications)  # type: ignore[attr-defined]
        for old in [n for n in shown if same_kind(n, new)]:
            self._unnotify(old, refresh=False)  # type: ignore[attr-defined]
            shown.remove(old)
        shown.sort(key=lambda n: n.raised_at)
        while len(shown) >= self.MAX_TOASTS:
            self._unnotify(shown.pop(0), refresh=False)  # type: ignore[attr-defined]


def keep_wide_characters_whole() -> None:
    """Draw a toast's Japanese whole over the edges of the widgets under it.

    Textual cuts every screen line at every widget's edges, the widgets a toast covers
    included, and draws each piece from the topmost widget there; a cut falling inside a
    double-width character of the toast turned that character into two spaces ("ゲスト
    [が動]いていません"). Under a toast, the pieces all come from the toast, so the cuts
    inside it are dropped: its line is drawn in one piece. And when a widget under a toast
    changes, Textual redraws only the changed part of the screen, which may start in the
    middle of such a character (half of it written over is the whole of it erased, on a
    terminal): a change that touches a toast redraws the toast whole.
    """
    from textual._compositor import Compositor
    from textual.widgets._toast import Toast

    if getattr(Compositor, "_wb_whole_toasts", False):
        return
    cuts_of = Compositor.cuts.fget

    def cuts(self) -> list[list[int]]:
        if self._cuts is not None:
            return self._cuts
        lines = cuts_of(self)
        for widget, (region, clip) in self.visible_widgets.items():
            if not isinstance(widget, Toast):
                continue
            x, y, width, height = region.intersection(clip)
            for row in range(y, min(y + height, len(lines))):
                lines[row] = [cut for cut in lines[row] if not x < cut < x + width]
        self._cuts = lines
        return lines

    update_part = Compositor.render_partial_update

    def render_partial_update(self):
        toasts = [region.intersection(clip) for widget, (region, clip)
                  in self.visible_widgets.items() if isinstance(widget, Toast)]
        changed = self._dirty_regions
        changed.update([toast for toast in toasts if any(toast.overlaps(c) for c in changed)])
        return update_part(self)

    Compositor.cuts = property(cuts)
    Compositor.render_partial_update = render_partial_update
    Compositor._wb_whole_toasts = True
