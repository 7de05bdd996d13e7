"""Assemble: the catalogue, the providers, options edited in place, the live resolution, source."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label

from workbench.core.layouts import DEFAULT_LAYOUT

from ..i18n import N_, _
from ..pane import Pane
from ..widgets.source_view import SourceView
from .catalogue_tree import CatalogueTree
from .component_detail import ComponentDetail
from .options_form import OptionsForm
from .provider_picker import ProviderPicker
from .resolution_view import ResolutionView


class AssemblePane(Pane, Vertical):
    FOCUS = "#catalogue"
    BINDINGS = [
        Binding("s", "toggle_source", N_("Source"), id="assemble-source"),
    ]

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.component: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="assemble-body"):
            with Vertical(id="assemble-left"):
                yield Label(_("[b]Catalogue[/b] [dim]by layer[/dim]"))
                yield CatalogueTree(id="catalogue")
            with Vertical(id="assemble-middle"):
                # the layout and the providers stay in view; what is below them scrolls
                recipe = getattr(self.app, "session", None) and self.app.session.recipe
                yield ProviderPicker(layout=recipe.layout if recipe else DEFAULT_LAYOUT,
                                     id="providers")
                with VerticalScroll(id="assemble-form"):
                    yield ComponentDetail(id="component-detail")
                    yield OptionsForm(id="options")
                yield Label(_("[b]Resolution[/b] [dim]what is included and why[/dim]"),
                            id="resolution-title")
                yield ResolutionView(id="resolution")
            yield SourceView(id="assemble-source")

    def refresh_from(self, session) -> None:
        if session.catalogue is None:
            return
        self.query_one(CatalogueTree).refresh_from(session)
        self.query_one(ProviderPicker).refresh_from(session)
        self.query_one(ResolutionView).refresh_from(session)
        if self.component is None and session.recipe is not None:
            self.select(session, session.recipe.application)
        else:
            self.query_one(ComponentDetail).show(session, self.component)

    def reload_options(self, session) -> None:
        self.query_one(OptionsForm).sync_values(session)

    def select(self, session, name: str) -> None:
        cat = session.catalogue
        if cat is None or name not in cat.components:
            return
        changed = name != self.component
        self.component = name
        self.query_one(ComponentDetail).show(session, name)
        self.query_one(OptionsForm).show(session, name)
        if changed:
            self.query_one(SourceView).show_files(cat.components[name].files())

    def action_toggle_source(self) -> None:
        self.toggle_class("-show-source")
