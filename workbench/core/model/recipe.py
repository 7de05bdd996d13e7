"""Recipes: what to build — the application, chosen providers, option values, layout, machine."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core import layouts
from workbench.core.layouts import DEFAULT_LAYOUT
from workbench.core.model.catalogue import kernels_dir
from workbench.core.model.errors import WorkbenchError, did_you_mean
from workbench.core.model.files import atomic_write_text
from workbench.core.model.manifest import Table, find_line, read_toml, toml_value
from workbench.core.model.paths import SAFE_NAME, SAFE_NAME_RULE
from workbench.i18n import N_, _

LAYOUTS = layouts.names()  # the layout registry's, the default first
MACHINE_NAMES = ("microvm", "pc")


@dataclass
class Recipe:
    name: str
    application: str
    summary: str = ""
    layout: str = DEFAULT_LAYOUT
    machine: str = "microvm"
    providers: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None
    text: str = ""

    def line_of(self, section: str | None, key: str | None) -> int | None:
        return find_line(self.text, section, key) if self.text else None

    def error(self, message: str, section: str | None = None, key: str | None = None,
              hint: str | None = None) -> WorkbenchError:
        dotted = ".".join(x for x in (section, key) if x) or None
        return WorkbenchError(message, file=self.path, key=dotted,
                              line=self.line_of(section, key), hint=hint)

    def to_toml(self) -> str:
        out = [f'name = "{self.name}"']
        if self.summary:
            out.append(f"summary = {toml_value(self.summary)}")
        out += [f'application = "{self.application}"', f'layout = "{self.layout}"',
                f'machine = "{self.machine}"']
        if self.providers:
            out += ["", "[providers]"]
            out += [f'{k} = "{v}"' for k, v in sorted(self.providers.items())]
        for comp, values in sorted(self.options.items()):
            if not values:
                continue
            out += ["", f"[options.{comp}]"]
            out += [f"{k} = {toml_value(v)}" for k, v in sorted(values.items())]
        return "\n".join(out) + "\n"

    def resolve_path(self, value: str) -> Path:
        """An option of type path is relative to the recipe file."""
        p = Path(value)
        if not p.is_absolute() and self.path is not None:
            p = self.path.parent / p
        return p


def load_recipe(path: str | Path) -> Recipe:
    path = Path(path)
    if path.suffix != ".toml" and not path.exists() and Path(f"{path}.toml").exists():
        path = Path(f"{path}.toml")
    data, text = read_toml(path, N_("recipe"))
    t = Table(data, path, text)
    t.check_keys({"name", "summary", "application", "layout", "machine", "providers", "options"})
    layout = t.get("layout", str, DEFAULT_LAYOUT)
    if layout not in LAYOUTS:
        near = did_you_mean(layout, LAYOUTS)
        raise t.error("layout", _("unknown layout '{name}'").format(name=layout)
                      + (f" — {near}" if near else ""),
                      hint=_("valid layouts: {names}").format(names=", ".join(LAYOUTS)))
    machine = t.get("machine", str, "microvm")
    if machine not in MACHINE_NAMES:
        near = did_you_mean(machine, MACHINE_NAMES)
        raise t.error("machine", _("unknown machine '{name}'").format(name=machine)
                      + (f" — {near}" if near else ""),
                      hint=_("valid machines: {names}").format(names=", ".join(MACHINE_NAMES)))
    providers = t.sub("providers")
    for k, v in providers.data.items():
        if not isinstance(v, str):
            raise providers.error(
                k, _("the provider of '{interface}' must be one component name (a string), "
                     "not {value}").format(interface=k, value=repr(v)),
                hint=_('choose one, e.g. {interface} = "name"').format(interface=k))
    options = t.sub("options")
    opts: dict[str, dict[str, Any]] = {}
    for comp, values in options.data.items():
        if not isinstance(values, dict):
            raise options.error(comp, _("options for '{component}' must be a table "
                                        "[options.{component}]").format(component=comp))
        opts[comp] = dict(values)
    name = t.get("name", str, path.stem)
    if not SAFE_NAME.fullmatch(name):
        raise t.error("name", _("{name} cannot be a recipe name: it names the image "
                                "file").format(name=repr(name)),
                      hint=_("a recipe name is {rule}").format(rule=_(SAFE_NAME_RULE)))
    return Recipe(
        name=name,
        summary=t.get("summary", str, ""),
        application=t.get("application", str, what=N_("the application component, e.g. \"hello\"")),
        layout=layout,
        machine=machine,
        providers=dict(providers.data),
        options=opts,
        path=path,
        text=text,
    )


def save_recipe(recipe: Recipe, path: str | Path) -> Path:
    """Write atomically: a crash mid-write never leaves a half-written recipe behind."""
    path = Path(path)
    atomic_write_text(path, recipe.to_toml())
    recipe.path = path
    recipe.text = path.read_text(encoding="utf-8")
    return path


def recipes_dir() -> Path:
    return kernels_dir() / "recipes"


def find_recipe(name_or_path: str | Path) -> Path:
    """A path to a recipe file, or the name of a built-in recipe ("hello")."""
    p = Path(name_or_path)
    if p.exists() or p.suffix == ".toml" or "/" in str(name_or_path):
        return p
    builtin = recipes_dir() / f"{name_or_path}.toml"
    if builtin.exists():
        return builtin
    names = sorted(q.stem for q in recipes_dir().glob("*.toml"))
    near = did_you_mean(str(name_or_path), names)
    raise WorkbenchError(
        _("no recipe file '{name}' and no built-in recipe of that name").format(
            name=name_or_path) + (f" — {near}" if near else ""),
        hint=_("built-in recipes: {names}").format(names=", ".join(names)),
    )
