"""What every screen of the workbench is: a pane in one of the app's tabs.

A pane is told about the session (`refresh_from`) when the recipe, the resolution or the last
build changes, and takes the focus when its tab is shown (`focus_default`). The app keeps no
per-screen table of what to refresh or focus: it asks each pane.

`Pane` is a mixin, not a widget, listed first: `class GraphPane(Pane, Vertical)`. Textual takes
a widget's CSS type names from its chain of widget base classes, which skips the mixin, so each
pane keeps the container it is built on (a `Vertical`, a `VerticalScroll`) with that
container's style and keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.css.query import NoMatches
from textual.widget import Widget

if TYPE_CHECKING:
    from .session import Session


class Pane:
    """A screen of the workbench: shown in a tab, refreshed from the session, focused on view."""

    FOCUS: str | None = None
    """The selector of the widget to focus when the pane is shown (None: the pane itself)."""

    @classmethod
    def for_session(cls, session: Session, **kwargs) -> Pane:
        """The pane for the app's session (panes that need more than the id override this)."""
        return cls(**kwargs)

    def refresh_from(self, session: Session) -> None:
        """Show what changed in the session (the recipe, its resolution, the last build)."""

    def is_shown(self) -> bool:
        """Whether this pane is on view: its tab, and every container above it, displayed."""
        return all(node.display for node in self.ancestors_with_self if isinstance(node, Widget))

    def focus_default(self) -> None:
        """Put the focus where work on this screen starts, if the screen is still on view."""
        if not self.is_shown():
            return
        try:
            target = self.query_one(self.FOCUS) if self.FOCUS else self
        except NoMatches:
            return
        # At once, not as Widget.focus() does it (later): a screen key pressed in between may
        # have shown another screen, and a focus landing in a hidden one switches back to it.
        self.screen.set_focus(target)
