"""The recipe's layout, and for each interface with more than one provider, the provider
this recipe uses."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Label, Select

from workbench.core.layouts import DEFAULT_LAYOUT
from workbench.core.layouts.model import LAYOUT_ORDER, LAYOUT_TITLES

from ..i18n import _
from ..messages import LayoutChosen, ProviderChosen


class ProviderPicker(Vertical):
    DEFAULT_CSS = """
    ProviderPicker { height: auto; }
    ProviderPicker > .provider-row, ProviderPicker > .layout-row { height: auto; }
    ProviderPicker .provider-iface { width: 12; padding: 0 1; }
    ProviderPicker Select { width: 1fr; }
    ProviderPicker .provider-unused { color: $text-muted; }
    ProviderPicker > Label { width: 1fr; }  /* wraps in a narrow column rather than being cut */
    ProviderPicker .provider-note { width: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, layout: str = DEFAULT_LAYOUT, **kw) -> None:
        super().__init__(**kw)
        self._layout_value = layout  # the select starts on the recipe's own layout
        self._rows: tuple = ()
        self._chosen: dict[str, str | None] = {}

    def compose(self) -> ComposeResult:
        yield Horizontal(
            Label(_("layout"), classes="provider-iface"),
            Select([(_(LAYOUT_TITLES[name]), name) for name in LAYOUT_ORDER],
                   value=self._layout_value,
                   allow_blank=False, id="recipe-layout", compact=True),
            classes="layout-row")
        yield Label(_("[b]Providers[/b] [dim](interface → component)[/dim]"))
        # the session's rows are made with the picker (mounted afterwards, they held the first
        # frame back); refresh_from then finds them in place
        session = getattr(self.app, "session", None)
        if session is not None and session.catalogue is not None:
            yield from self._new_rows(session, session.choices())

    @staticmethod
    def _used(session, rows) -> set[str]:
        """The interfaces the image uses (unknown while the recipe does not resolve: then all,
        and no notes)."""
        return set(session.resolution.providers) if session.resolution else {r[0] for r in rows}

    @staticmethod
    def _shape(rows) -> tuple:
        return tuple((iface, tuple(provs)) for iface, provs, _chosen in rows)

    def _new_rows(self, session, rows):
        """A row for each of `rows` (`session.choices()`: the interfaces with more than one
        provider); remembers their shape and choices."""
        used = self._used(session, rows)
        self._rows = self._shape(rows)
        self._chosen = {iface: chosen for iface, _provs, chosen in rows}
        for iface, provs, chosen in rows:
            label = Label(iface, classes="provider-iface", name=iface)
            sel = Select([(p, p) for p in provs], value=chosen if chosen in provs else Select.BLANK,
                         allow_blank=chosen not in provs, id=f"provider-{iface}", compact=True)
            note = Label("" if iface in used else _("(unused)"), classes="provider-note",
                         name=iface)
            yield Horizontal(label, sel, note, classes="provider-row")

    def refresh_from(self, session) -> None:
        if session.recipe is not None:
            layout = self.query_one("#recipe-layout", Select)
            if layout.value != session.recipe.layout:
                layout.value = session.recipe.layout
        rows = session.choices()
        used = self._used(session, rows)
        self._chosen = {iface: chosen for iface, _provs, chosen in rows}
        if self._shape(rows) != self._rows:
            for old in self.query(".provider-row"):
                old.remove()
            self.mount_all(list(self._new_rows(session, rows)))
        for iface, provs, chosen in rows:
            try:
                sel = self.query_one(f"#provider-{iface}", Select)
            except NoMatches:
                continue
            if chosen in provs and sel.value != chosen:
                sel.value = chosen
        for lbl in self.query(".provider-iface"):
            lbl.set_class(lbl.name not in used, "provider-unused")
        # an interface nothing in this image requires is offered all the same (the choice
        # holds once something needs it), and says so
        for note in self.query(".provider-note").results(Label):
            note.update("" if note.name in used else _("(unused)"))

    @on(Select.Changed, "#recipe-layout")
    def _layout(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is not Select.BLANK:
            self.post_message(LayoutChosen(str(event.value)))

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        if not event.select.id or not event.select.id.startswith("provider-"):
            return
        event.stop()
        iface = event.select.id.removeprefix("provider-")
        value = event.value
        if value is Select.BLANK or value == self._chosen.get(iface):
            return
        self._chosen[iface] = str(value)
        self.post_message(ProviderChosen(iface, str(value)))
