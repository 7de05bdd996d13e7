"""What the resolution included and why — or, when it fails, what is missing or conflicting."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from workbench.core.model.errors import WorkbenchError

from ..i18n import _, reason
from ..messages import ComponentSelected


def error_text(err: WorkbenchError) -> Text:
    text = Text("✗ ", style="bold red")
    text.append(err.message, "bold red")
    where = err.where()
    if where:
        text.append("\n  " + _("at {where}").format(where=where), "red")
    for d in err.details:
        text.append(f"\n  {d}", "red")
    if err.hint:
        text.append("\n  " + _("hint: {hint}").format(hint=err.hint), "yellow")
    return text


class ResolutionView(OptionList):
    """One entry per included component: its name, layer and size, why it is there and the
    chain of requirements that pulled it in. In a narrow terminal an entry is its first line
    only (at 80 columns the three lines let one component show at a time); moving through the
    list then shows each one's reason and chain in the component's details above it."""

    DEFAULT_CSS = """
    ResolutionView { height: 1fr; min-height: 4; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._session = None
        self._compact: bool | None = None

    def _is_compact(self) -> bool:
        """Whether the app's width falls in its "-narrow" breakpoint (the app's table decides;
        the screen's class may not be set yet when the first resolution is shown)."""
        width = self.app.size.width
        classes = [name for edge, name in sorted(self.app.HORIZONTAL_BREAKPOINTS or ())
                   if width >= edge]
        return bool(classes) and classes[-1] == "-narrow"

    def on_resize(self) -> None:
        if self._session is not None and self._is_compact() != self._compact:
            self.refresh_from(self._session)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self._compact and self.has_focus and event.option.id and event.option.id != "__error__":
            self.post_message(ComponentSelected(event.option.id))

    def refresh_from(self, session) -> None:
        self._session, self._compact = session, self._is_compact()
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        self.clear_options()
        res = session.resolution
        if res is None:
            if session.error is not None:
                self.add_option(Option(error_text(session.error), id="__error__", disabled=True))
            return
        for w in res.warnings:
            self.add_option(Option(Text("⚠ " + w, style="yellow"), disabled=True))
        for c in res.components:
            inc = res.included[c.name]
            t = Text()
            t.append(f"{c.name}", "bold")
            t.append(f" [{c.layer}] ", "dim")
            t.append(_("{n} lines").format(n=session.lines_of(c.name)), "dim")
            if not self._compact:
                t.append(f"\n  {reason(inc)}", "")
                t.append(f"\n  {' → '.join(inc.chain)}", "dim italic")
            self.add_option(Option(t, id=c.name))
        if highlighted:
            try:
                self.highlighted = self.get_option_index(highlighted)
            except OptionDoesNotExist:
                pass  # the component highlighted before is no longer included

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and event.option.id != "__error__":
            self.post_message(ComponentSelected(event.option.id))
