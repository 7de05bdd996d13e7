"""The catalogue: every component and interface the workbench knows about.

Components live in `kernels/lib/<name>/component.toml`; interfaces in `kernels/interfaces/*.toml`
with their C headers in `kernels/include/`. A learner's workspace may hold components of its
own; a component there overrides the built-in one of the same name (that is how exercises work).
"""

from __future__ import annotations

import importlib.resources
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.model.errors import WorkbenchError, did_you_mean, valid_list
from workbench.core.model.manifest import Table, read_toml, toml_value
from workbench.core.model.paths import figure, is_inside
from workbench.core.model.texts import Translated, lang_table, text_in
from workbench.i18n import N_, _

LAYERS = ("boot", "cpu", "platform", "driver", "memory", "time", "lib", "net", "app")
OPTION_TYPES = ("int", "bool", "string", "choice", "path", "ipv4")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
IPV4 = re.compile(r"(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}")
SOURCE_LIMIT = 4 << 20  # bytes in one source file: a component is read in one sitting
SOURCE_SUFFIXES = (".c", ".S", ".s")
VALID_WORDS = {  # what a valid value of an option type is, where one phrase says it
    "bool": N_("true or false"),
    "path": N_("a path (relative to the recipe file)"),
    "ipv4": N_('an IPv4 address: four numbers from 0 to 255, e.g. "10.0.2.15"'),
    "string": N_("a string"),
}


def shipped_dir(name: str) -> Path:
    """A top-level folder of the project (`kernels`, `lessons`): the package's data in an
    installed wheel (`workbench/_data/<name>`, found through importlib.resources), else the
    folder beside the package in a checkout."""
    packaged = importlib.resources.files("workbench").joinpath("_data", name)
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / name


def kernels_dir() -> Path:
    """The built-in kernels/ folder (WB_KERNELS overrides; see shipped_dir)."""
    env = os.environ.get("WB_KERNELS")
    if env:
        return Path(env)
    return shipped_dir("kernels")


@dataclass
class OptionSpec(Translated):
    """A typed, documented configuration value; it becomes a compile-time constant."""

    name: str
    type: str
    default: Any
    doc: str = ""
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] = ()
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # {"doc": {"en": …, "ja": …}}

    def default_text(self) -> str:
        """The default as a recipe would spell it (true, 16, "text")."""
        return toml_value(self.default)

    def valid_text(self) -> str:
        """What a valid value is, in the workbench's language ("an integer from 4 to 64")."""
        if self.type == "int":
            if self.min is not None and self.max is not None:
                return _("an integer from {low} to {high}").format(low=self.min, high=self.max)
            if self.min is not None:
                return _("an integer of at least {low}").format(low=self.min)
            if self.max is not None:
                return _("an integer of at most {high}").format(high=self.max)
            return _("an integer")
        if self.type == "choice":
            return _("one of {choices}").format(choices=", ".join(f'"{c}"' for c in self.choices))
        return _(VALID_WORDS.get(self.type, VALID_WORDS["string"]))

    def problem(self, value: Any) -> str | None:
        """What is wrong with `value` for this option, or None when it is valid."""
        expected = self.valid_text()
        if self.type == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return _("expected {valid}, got {value}").format(valid=expected, value=repr(value))
            if self.min is not None and value < self.min:
                return _("{value} is below the minimum {low}; expected {valid}").format(
                    value=value, low=self.min, valid=expected)
            if self.max is not None and value > self.max:
                return _("{value} is above the maximum {high}; expected {valid}").format(
                    value=value, high=self.max, valid=expected)
        elif self.type == "bool":
            if not isinstance(value, bool):
                return _("expected {valid}, got {value}").format(valid=expected, value=repr(value))
        elif self.type == "choice":
            if value not in self.choices:
                near = did_you_mean(str(value), self.choices)
                return _("{value} is not a valid choice; expected {valid}").format(
                    value=repr(value), valid=expected) + (f" ({near})" if near else "")
        elif self.type == "ipv4":
            if not isinstance(value, str) or not IPV4.fullmatch(value) or \
                    any(int(part) > 255 for part in value.split(".")):
                return _("{value} is not an IPv4 address; expected {valid}").format(
                    value=repr(value), valid=expected)
        elif self.type in ("string", "path"):
            if not isinstance(value, str):
                return _("expected {valid}, got {value}").format(valid=_(VALID_WORDS["string"]),
                                                                 value=repr(value))
            if '"' in value or "\\" in value or "\n" in value:
                return _("quotes, backslashes and newlines are not allowed in option strings")
        return None


@dataclass
class FunctionSpec(Translated):
    name: str
    returns: str
    params: list[tuple[str, str]]
    doc: str = ""
    texts: dict[str, dict[str, str]] = field(default_factory=dict)

    def prototype(self) -> str:
        args = ", ".join(t if t == "..." else f"{t}{n}" if t.endswith("*") else f"{t} {n}"
                         for n, t in self.params)
        sep = "" if self.returns.endswith("*") else " "
        return f"{self.returns}{sep}{self.name}({args or 'void'});"


@dataclass
class Interface(Translated):
    name: str
    summary: str = ""  # English; text("summary", lang) in another language
    description: str = ""
    header: str = ""
    default: str | None = None
    crossing: bool = True
    functions: list[FunctionSpec] = field(default_factory=list)
    path: Path | None = None
    texts: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Component(Translated):
    name: str
    summary: str = ""  # English; text("summary", lang) in another language
    description: str = ""
    layer: str = "lib"
    provides: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    options: dict[str, OptionSpec] = field(default_factory=dict)
    generate: list[dict] = field(default_factory=list)
    entry: str | None = None
    directory: Path | None = None
    origin: str = "built-in"
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # {"summary": {"en": …, "ja": …}}

    @property
    def manifest(self) -> Path | None:
        return self.directory / "component.toml" if self.directory else None

    @property
    def is_app(self) -> bool:
        return self.layer == "app"

    def source_paths(self) -> list[Path]:
        assert self.directory is not None
        return [self.directory / s for s in self.sources]

    def files(self) -> list[Path]:
        """Every file of the component a learner may want to read, manifest first."""
        if not self.directory:
            return []
        rest = sorted(p for p in self.directory.iterdir() if p.is_file() and p.name != "component.toml")
        return [self.directory / "component.toml", *rest]

    def lines_of_code(self) -> int:
        """Non-blank lines of C, assembly and headers: the component's share of the TCB."""
        if not self.directory:
            return 0
        total = 0
        for p in self.directory.iterdir():
            if p.suffix in (".c", ".S", ".s", ".h"):
                total += sum(1 for ln in p.read_text(errors="replace").splitlines() if ln.strip())
        return total


@dataclass
class Catalogue:
    components: dict[str, Component] = field(default_factory=dict)
    interfaces: dict[str, Interface] = field(default_factory=dict)
    roots: list[Path] = field(default_factory=list)

    def providers_of(self, interface: str) -> list[Component]:
        return sorted(
            (c for c in self.components.values() if interface in c.provides), key=lambda c: c.name
        )

    def applications(self) -> list[Component]:
        return sorted((c for c in self.components.values() if c.is_app), key=lambda c: c.name)

    def component(self, name: str, file: Path | None = None, key: str | None = None) -> Component:
        return _lookup(self.components, "component", name, file, key)

    def interface(self, name: str, file: Path | None = None, key: str | None = None) -> Interface:
        return _lookup(self.interfaces, "interface", name, file, key)

    def check(self) -> None:
        """Cross-file checks: every provided or required interface exists."""
        for comp in self.components.values():
            for what in ("provides", "requires"):
                for iface in getattr(comp, what):
                    if iface not in self.interfaces:
                        self.interface(iface, file=comp.manifest, key=what)
        for iface in self.interfaces.values():
            if iface.default is not None:
                if iface.default not in self.components:
                    self.component(iface.default, file=iface.path, key="default")
                if iface.name not in self.components[iface.default].provides:
                    raise WorkbenchError(
                        f"default provider '{iface.default}' does not provide '{iface.name}'",
                        file=iface.path,
                        key="default",
                        hint="valid: "
                        + (valid_list(c.name for c in self.providers_of(iface.name)) or "none"),
                    )


# what a name not in the catalogue gets, by what was looked up: the message and the hint
_UNKNOWN = {"component": (N_("unknown component '{name}'"), N_("components: {names}")),
            "interface": (N_("unknown interface '{name}'"), N_("interfaces: {names}"))}


def _lookup(table: dict, what: str, name: str, file: Path | None, key: str | None):
    """table[name], or an error that says what exists and which name was probably meant."""
    if name in table:
        return table[name]
    near = did_you_mean(name, table)
    unknown, listed = _UNKNOWN[what]
    raise WorkbenchError(
        _(unknown).format(name=name) + (f" — {near}" if near else ""),
        file=file,
        key=key,
        hint=_(listed).format(names=valid_list(table, 40)),
    )


def load_interface(path: Path) -> Interface:
    data, text = read_toml(path, "interface description")
    t = Table(data, path, text)
    t.check_keys({"name", "summary", "description", "header", "default", "crossing", "functions"})
    name = t.get("name", str)
    if name != path.stem:
        raise t.error("name", f"name '{name}' must match the file name '{path.stem}'")
    functions = []
    for i, f in enumerate(t.get("functions", list, [])):
        if not isinstance(f, dict):
            raise t.error("functions", f"functions[{i}] must be a table")
        ft = Table(f, path, text, "functions", index=i)
        ft.check_keys({"name", "returns", "params", "doc"})
        params = []
        for p in ft.get("params", list, []):
            if not isinstance(p, dict) or set(p) - {"name", "type"} or "type" not in p:
                raise ft.error("params", f"each parameter of {f.get('name')} needs name and type")
            params.append((p.get("name", ""), p["type"]))
        doc = texts_of(ft, "doc")
        functions.append(FunctionSpec(ft.get("name", str), ft.get("returns", str, "void"), params,
                                      text_in(doc["doc"], "en"), texts=doc))
    texts = texts_of(t, "summary", "description")
    return Interface(
        name=name,
        summary=text_in(texts["summary"], "en"),
        description=text_in(texts["description"], "en"),
        header=t.get("header", str, f"{name}.h"),
        default=t.get("default", str, None),
        crossing=t.get("crossing", bool, True),
        functions=functions,
        path=path,
        texts=texts,
    )


def texts_of(t: Table, *keys: str) -> dict[str, dict[str, str]]:
    """The shown texts `keys` of `t`, each one string (English) or a table per language."""
    return {key: lang_table(t, key, required=False) for key in keys}


def load_option(t: Table, name: str) -> OptionSpec:
    t.check_keys({"type", "default", "doc", "min", "max", "choices"})
    kind = t.get("type", str)
    if kind not in OPTION_TYPES:
        near = did_you_mean(kind, OPTION_TYPES)
        raise t.error("type", f"unknown option type '{kind}'" + (f" — {near}" if near else ""),
                      hint="valid types: " + ", ".join(OPTION_TYPES))
    texts = texts_of(t, "doc")
    spec = OptionSpec(
        name=name,
        type=kind,
        default=t.get("default", (str, int, bool)),
        doc=text_in(texts["doc"], "en"),
        min=t.get("min", int, None),
        max=t.get("max", int, None),
        choices=tuple(t.get_str_list("choices")),
        texts=texts,
    )
    if kind == "choice" and not spec.choices:
        raise t.error("choices", "a choice option needs a non-empty 'choices' list")
    problem = spec.problem(spec.default)
    if problem:
        raise t.error("default", f"default of option '{name}': {problem}")
    return spec


def load_component(directory: Path, origin: str = "built-in") -> Component:
    path = directory / "component.toml"
    data, text = read_toml(path, "component manifest")
    t = Table(data, path, text)
    t.check_keys({"name", "summary", "description", "layer", "provides", "requires", "sources",
                  "options", "generate", "entry"})
    name = t.get("name", str)
    if not NAME_RE.match(name):
        raise t.error("name", f"'{name}' is not a valid component name",
                      hint="lower-case letters, digits and single hyphens, e.g. alloc-bump")
    if name != directory.name:
        raise t.error("name", f"name '{name}' must match its folder name '{directory.name}'")
    layer = t.get("layer", str)
    if layer not in LAYERS:
        near = did_you_mean(layer, LAYERS)
        raise t.error("layer", f"unknown layer '{layer}'" + (f" — {near}" if near else ""),
                      hint="valid layers: " + ", ".join(LAYERS))
    sources = t.get_str_list("sources")
    for s in sources:
        if not s.endswith(SOURCE_SUFFIXES):
            raise t.error("sources", f"'{s}' is not a C or assembly file (.c, .S)")
        if not is_inside(directory / s, directory):
            raise t.error("sources", f"'{s}' is outside the component folder {directory}",
                          hint="sources are files inside the component's own folder")
        if (directory / s).is_file() and (directory / s).stat().st_size > SOURCE_LIMIT:
            raise t.error("sources", f"'{s}' is {figure((directory / s).stat().st_size)}; a "
                          f"source file may hold at most {figure(SOURCE_LIMIT)}")
        if not (directory / s).is_file():
            present = [p.name for p in directory.iterdir() if p.suffix in SOURCE_SUFFIXES]
            near = did_you_mean(s, present)
            raise t.error("sources", f"source file '{s}' does not exist in {directory}"
                          + (f" — {near}" if near else ""),
                          hint=f"files present: {valid_list(present) or 'none'}")
    stems: dict[str, str] = {}
    for s in sources:
        # The object file is named after the source without its suffix (build.py), so
        # uart.c and uart.S would overwrite each other's object.
        stem = Path(s).stem
        if stem in stems:
            raise t.error("sources", f"'{stems[stem]}' and '{s}' would compile to the same "
                          f"object file ({stem}.o)", hint="rename one of them")
        stems[stem] = s
    opts_table = t.sub("options")
    options = {}
    for oname in opts_table.data:
        if not isinstance(opts_table.data[oname], dict):
            raise opts_table.error(oname, f"option '{oname}' must be a table [options.{oname}]")
        options[oname] = load_option(opts_table.sub(oname), oname)
    generate = t.get("generate", list, [])
    for g in generate:
        if not isinstance(g, dict) or "generator" not in g:
            raise t.error("generate", "each [[generate]] entry needs a 'generator'")
    texts = texts_of(t, "summary", "description")
    return Component(
        name=name,
        summary=text_in(texts["summary"], "en"),
        description=text_in(texts["description"], "en"),
        layer=layer,
        provides=t.get_str_list("provides"),
        requires=t.get_str_list("requires"),
        sources=sources,
        options=options,
        generate=generate,
        entry=t.get("entry", str, None),
        directory=directory,
        origin=origin,
        texts=texts,
    )


def load_catalogue(kernels: Path | None = None, workspace: Path | None = None) -> Catalogue:
    """Load interfaces and components; workspace components override built-in ones."""
    kernels = Path(kernels) if kernels else kernels_dir()
    if not (kernels / "lib").is_dir():
        raise WorkbenchError("no component library found (expected a lib/ folder)", file=kernels)
    cat = Catalogue(roots=[kernels])
    for p in sorted((kernels / "interfaces").glob("*.toml")):
        iface = load_interface(p)
        cat.interfaces[iface.name] = iface
    for d in sorted((kernels / "lib").iterdir()):
        if (d / "component.toml").is_file():
            c = load_component(d)
            cat.components[c.name] = c
    if workspace is not None:
        workspace = Path(workspace)
        cat.roots.append(workspace)
        for d in sorted(workspace.iterdir()) if workspace.is_dir() else []:
            if (d / "component.toml").is_file():
                c = load_component(d, origin="workspace")
                cat.components[c.name] = c
    cat.check()
    return cat
