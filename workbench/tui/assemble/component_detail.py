"""Summary of one component: what it provides and requires, and why it is (or is not) here."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..i18n import _, language, reason


class ComponentDetail(Static):
    DEFAULT_CSS = """
    ComponentDetail { height: auto; padding: 0 1; }
    """

    def show(self, session, name: str | None) -> None:
        cat = session.catalogue
        comp = cat.components.get(name) if cat and name else None
        if comp is None:
            self.update(Text(_("Select a component in the catalogue."), style="dim"))
            return
        t = Text()
        t.append(comp.name, "bold")
        t.append(f"  [{comp.layer}]", "dim")
        if comp.origin != "built-in":
            t.append("  " + _("(your workspace)"), "italic cyan")
        t.append("\n" + comp.text("summary", language()))
        t.append("\n" + _("provides") + " ", "dim")
        t.append(", ".join(comp.provides) or "—")
        t.append("   " + _("requires") + " ", "dim")
        t.append(", ".join(comp.requires) or "—")
        res = session.resolution
        if res is not None and comp.name in res.included:
            inc = res.included[comp.name]
            t.append("\n" + _("✓ included:") + " ", "green")
            t.append(reason(inc))
            t.append("\n  " + " → ".join(inc.chain), "dim italic")
        elif res is not None:
            t.append("\n" + _("· not in this image"), "dim")
            for iface in comp.provides:
                chosen = res.providers.get(iface)
                if chosen and chosen != comp.name:
                    t.append(" " + _("— '{iface}' comes from {chosen}").format(iface=iface, chosen=chosen), "dim")
                    break
        self.update(t)
