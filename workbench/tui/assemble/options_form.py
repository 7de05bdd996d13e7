"""The options of one component, edited in place and checked against its manifest.

Every keystroke is validated with the manifest's own rule (`OptionSpec.problem`); the message
appears beside the field and only a valid value reaches the recipe.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Input, Label, Select, Static, Switch

from ..i18n import _, language
from ..messages import OptionChanged
from ..widgets.field import FieldInput, leave_field


def parse_value(spec, text: str):
    """The typed value of what was typed, or (None, problem)."""
    if spec.type == "int":
        try:
            return int(text.strip(), 0), None
        except ValueError:
            return None, f"expected {spec.valid_text()}, got {text.strip()!r}"
    return text, None


class OptionsForm(Vertical):
    DEFAULT_CSS = """
    OptionsForm { height: auto; }
    OptionsForm .option-block, OptionsForm .option-row { height: auto; }
    OptionsForm .option-name { width: 16; padding: 0 1; text-wrap: nowrap; }
    OptionsForm Input { width: 16; }
    OptionsForm Input.-text { width: 1fr; max-width: 40; }
    OptionsForm Select { width: 20; }
    OptionsForm .option-error { color: $error; width: 1fr; padding: 0 1 0 2; display: none; }
    OptionsForm .option-doc { color: $text-muted; padding: 0 1 0 2; }
    """
    # The error has a line of its own under the field: beside it, in a narrow pane, it was
    # squeezed to one word per line. The names' column is as wide as the longest name.

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.component: str | None = None
        self.specs: dict = {}
        self.values: dict = {}  # what the form was filled with / last sent

    def compose(self) -> ComposeResult:
        # The first form (the recipe's application) is made with the screen, not mounted into
        # it afterwards: mounted later, its fields held the first frame back.
        session = getattr(self.app, "session", None)
        name = session.recipe.application if session is not None and session.recipe else None
        title = Static("", id="options-title")
        yield title
        if name is not None and session.catalogue is not None:
            self.component = name
            yield from self._fields(session, name, title)

    def show(self, session, name: str | None) -> None:
        """Rebuild the form for component `name` (with the recipe's current values)."""
        if name == self.component and name is not None:
            return
        self.component = name
        for row in self.query(".option-block, .option-doc"):
            row.remove()
        self.mount_all(list(self._fields(session, name, self.query_one("#options-title", Static))))

    def _fields(self, session, name: str | None, title: Static):
        """The form's rows for component `name`; sets its title."""
        cat = session.catalogue
        comp = cat.components.get(name) if cat and name else None
        if comp is None or not comp.options:
            title.update(_("[b]Options[/b] [dim]— none[/dim]") if comp else "")
            self.specs = {}
            return
        title.update(_("[b]Options of {name}[/b]").format(name=comp.name))
        self.specs = dict(comp.options)
        self.values = {}
        name_width = max(len(key) for key in comp.options) + 2
        for key, spec in comp.options.items():
            value = session.option_value(comp.name, key)
            self.values[key] = value
            wid = f"opt-{key}"
            if spec.type == "bool":
                field = Switch(value=bool(value), id=wid)
            elif spec.type == "choice":
                field = Select([(c, c) for c in spec.choices], value=value, allow_blank=False,
                               id=wid, compact=True)
            else:
                field = FieldInput(str(value), field_name=key, id=wid, compact=True,
                                   placeholder=spec.valid_text(),
                                   classes="-text" if spec.type in ("string", "path") else "")
            label = Label(key, classes="option-name")
            label.styles.width = name_width
            yield Vertical(Horizontal(label, field, classes="option-row"),
                           Static("", classes="option-error", id=f"err-{key}", markup=False),
                           classes="option-block")
            doc = spec.text("doc", language()) + "  " + _("({valid}, default {default})").format(
                valid=spec.valid_text(), default=spec.default_text())
            yield Static(doc, classes="option-doc", markup=False)

    def sync_values(self, session) -> None:
        """Reflect values changed elsewhere (e.g. a recipe was opened)."""
        name = self.component
        self.component = None
        self.show(session, name)

    def _error(self, key: str, problem: str | None) -> None:
        try:
            error = self.query_one(f"#err-{key}", Static)
        except NoMatches:
            return  # the form was rebuilt for another component meanwhile
        error.update(f"✗ {problem}" if problem else "")
        error.display = bool(problem)

    def _submit(self, key: str, value) -> None:
        spec = self.specs.get(key)
        if spec is None or self.component is None:
            return
        problem = spec.problem(value)
        self._error(key, problem)
        if problem is None and self.values.get(key, object()) != value:
            self.values[key] = value
            self.post_message(OptionChanged(self.component, key, value))

    def _read(self, field: Input) -> tuple[str, object, str | None] | None:
        """The option a text field edits, the value typed and what is wrong with it, if any."""
        key = (field.id or "").removeprefix("opt-")
        spec = self.specs.get(key)
        if spec is None:
            return None
        value, problem = parse_value(spec, field.value)
        return key, value, problem or spec.problem(value)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        read = self._read(event.input)
        if read is None:
            return
        key, value, problem = read
        if problem:
            self._error(key, problem)
            return
        self._submit(key, value)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        """Enter keeps a valid value and leaves the field; a wrong one keeps the focus."""
        event.stop()
        read = self._read(event.input)
        if read is None:
            return
        key, value, problem = read
        if problem:
            self._error(key, problem)
            self.app.bell()
            return
        self._submit(key, value)
        leave_field(event.input)

    @on(Switch.Changed)
    def _switched(self, event: Switch.Changed) -> None:
        event.stop()
        self._submit((event.switch.id or "").removeprefix("opt-"), bool(event.value))

    @on(Select.Changed)
    def _chose(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.BLANK:
            return
        self._submit((event.select.id or "").removeprefix("opt-"), str(event.value))
