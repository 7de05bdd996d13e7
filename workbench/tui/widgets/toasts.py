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
    """App mixin: `notify` as Textual's, with fewer toasts that stay for less time."""

    MAX_TOASTS = MAX_TOASTS

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
