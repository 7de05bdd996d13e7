"""Text fields that a learner can always get out of, and the footer line that says so.

While a text field has the focus every printable key types into it, so the screens' one-key
bindings (b, r, 1–6, ?) do not fire. The footer is replaced by a line naming the field and the
two ways out ("editing greeting — Enter keeps, Esc leaves"): Escape always leaves the field,
and what Enter does is the field's own (an option keeps the value and leaves; the guest's
input line sends the line and stays).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from ..i18n import N_, _
from ..pane import Pane


@dataclass
class FieldEditing(Message):
    """A text field got (`hint` is its footer line) or lost (`hint` is None) the focus."""

    hint: str | None


def field_hint(name: str, enter: str) -> str:
    return _("editing {name} — {enter}, Esc leaves · keys type into the field").format(name=name, enter=enter)


def leave_field(field: Widget) -> None:
    """Move the focus out of `field`: to the nearest focusable container around it, else to
    where work on its screen starts, else nowhere (then the screen's keys work again)."""
    for node in field.ancestors:
        if isinstance(node, Widget) and node.focusable and node is not field:
            node.focus()
            return
        if isinstance(node, Pane):
            node.focus_default()
            # the screen's focus, not `has_focus`: that changes only when the blur arrives
            if field.screen.focused is field:
                field.screen.set_focus(None)
            return
    field.screen.set_focus(None)


class FieldInput(Input):
    """A one-line field with a name for the footer; Escape leaves it."""

    BINDINGS = [Binding("escape", "leave", N_("Leave the field (Enter keeps an option, leaves)"),
                        show=False, id="field-leave"),
                # as in other programs (Textual's ctrl+a goes to the start; Home still does):
                # a learner replacing the greeting selects it all, then types
                Binding("ctrl+a", "select_all", N_("Select all"), show=False,
                        id="field-select-all")]

    def __init__(self, value: str = "", *, field_name: str, enter: str | None = None,
                 **kw) -> None:
        kw.setdefault("select_on_focus", False)  # Tab in, then a key, must not replace it all
        super().__init__(value, **kw)
        self.field_name = field_name
        self.enter = enter or _("Enter keeps")

    @property
    def hint(self) -> str:
        return field_hint(self.field_name, self.enter)

    def _on_focus(self, event) -> None:
        super()._on_focus(event)
        self.post_message(FieldEditing(self.hint))

    def _on_blur(self, event) -> None:
        super()._on_blur(event)
        self.post_message(FieldEditing(None))

    def action_leave(self) -> None:
        leave_field(self)


class FieldHint(Static):
    """The footer's stand-in while a text field has the focus: one row, so what does not fit
    goes from the end, a clause at a time (" · keys type into the field" first), never cut
    in the middle of a word."""

    DEFAULT_CSS = """
    FieldHint { dock: bottom; height: 1; background: $panel; color: $text; padding: 0 1;
                display: none; }
    """

    def render(self):
        text = str(super().render())
        room = self.content_region.width or self.app.size.width - 2
        while cell_len(text) > room and " · " in text:
            text = text.rsplit(" · ", 1)[0]
        return text
