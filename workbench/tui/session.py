"""What the workbench UI is looking at: one recipe, its resolution, its last build and run.

This is plain Python (no Textual), a thin state holder over the core: every change goes through
the core's own functions (`resolve`, `OptionSpec.problem`, `save_recipe`), so the UI can never
disagree with the command line about what a recipe means.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.inspect.image import human_bytes  # noqa: F401  (the views import it from here)
from workbench.core.learn.material import default_workspace
from workbench.core.model.catalogue import Catalogue, load_catalogue
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.recipe import (
    LAYOUTS,
    Recipe,
    find_recipe,
    load_recipe,
    recipes_dir,
    save_recipe,
)
from workbench.core.model.resolve import Resolution, resolve

from .i18n import _

DEFAULT_RECIPE = "hello"


@dataclass
class Totals:
    components: int
    lines: int
    image_bytes: int | None
    memory_bytes: int | None
    stale: bool  # the numbers in bytes belong to a build of an earlier state of the recipe


class Session:
    """The recipe being assembled and everything derived from it."""

    def __init__(self, recipe: str | Path | None = None, workspace: Path | None = None,
                 toolchain: str = "zig", build_root: Path | None = None):
        self.workspace = workspace
        self.toolchain = toolchain
        self.build_root = build_root or (Path.cwd() / "build")
        self.catalogue: Catalogue | None = None
        self.recipe: Recipe | None = None
        self.resolution: Resolution | None = None
        self.error: WorkbenchError | None = None
        self.build = None  # BuildResult of the last successful build
        self.built_state: str | None = None  # recipe TOML the last build was made from
        self.image_info = None  # ImageInfo of the last build
        self.last_run = None  # RunResult of the last run
        self.dirty = False
        self._loc_cache: dict[str, tuple[float, int]] = {}
        try:
            self.catalogue = load_catalogue(workspace=workspace)
        except WorkbenchError as e:
            self.error = e
            return
        try:
            self.open(recipe or DEFAULT_RECIPE)
        except WorkbenchError as e:
            self.error = e

    # ---------------------------------------------------------------- recipes

    def open(self, name_or_path: str | Path) -> None:
        """Load a recipe (a file or a built-in name); raises WorkbenchError if it is bad."""
        recipe = load_recipe(find_recipe(name_or_path))
        self.recipe = recipe
        self.dirty = False
        self.build = None
        self.built_state = None
        self.image_info = None
        self.last_run = None
        self.resolve()

    def save(self, path: str | Path | None = None) -> Path:
        """Save the recipe atomically (to its own file when no path is given)."""
        if self.recipe is None:
            raise WorkbenchError(_("there is no recipe to save"))
        target = Path(path) if path else self.default_save_path()
        if not target.is_absolute():  # a bare file name typed in the dialog: the workspace
            target = (self.workspace or default_workspace()) / target
        if target.suffix != ".toml":
            target = target.with_suffix(".toml")
        saved = save_recipe(self.recipe, target)
        self.dirty = False
        return saved

    def default_save_path(self) -> Path:
        assert self.recipe is not None
        p = self.recipe.path
        if p is not None and Path(p).resolve().parent != recipes_dir().resolve():
            return Path(p)
        # Built-in recipes stay as shipped: a changed copy goes to the learner's workspace,
        # where lesson steps look for the learner's recipes.
        return (self.workspace or default_workspace()) / f"{self.recipe.name}.toml"

    @property
    def state_key(self) -> str:
        return self.recipe.to_toml() if self.recipe else ""

    # ---------------------------------------------------------------- resolution

    def resolve(self) -> Resolution | None:
        self.resolution = None
        self.error = None
        if self.recipe is None or self.catalogue is None:
            return None
        try:
            self.resolution = resolve(self.recipe, self.catalogue)
        except WorkbenchError as e:
            self.error = e
        return self.resolution

    def choices(self) -> list[tuple[str, list[str], str | None]]:
        """(interface, providers, chosen) for interfaces with a real choice, in the build first."""
        if self.catalogue is None or self.recipe is None:
            return []
        used = self.resolution.providers if self.resolution else {}
        rows = []
        for name in sorted(self.catalogue.interfaces):
            provs = [c.name for c in self.catalogue.providers_of(name)]
            if len(provs) < 2 or name == "app":  # the application is chosen by the recipe
                continue
            chosen = self.recipe.providers.get(name) or used.get(name) \
                or self.catalogue.interfaces[name].default
            rows.append((name, provs, chosen))
        rows.sort(key=lambda r: (r[0] not in used, r[0]))
        return rows

    def set_provider(self, interface: str, component: str) -> None:
        assert self.recipe is not None
        if self.recipe.providers.get(interface) == component:
            return
        self.recipe.providers[interface] = component
        self.dirty = True
        self.resolve()

    def set_layout(self, layout: str) -> None:
        """Build the same components as another design (libos, monolithic, microkernel)."""
        assert self.recipe is not None
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}")
        if self.recipe.layout == layout:
            return
        self.recipe.layout = layout
        self.dirty = True
        self.resolve()

    def option_value(self, component: str, key: str) -> Any:
        assert self.catalogue is not None and self.recipe is not None
        spec = self.catalogue.components[component].options[key]
        return self.recipe.options.get(component, {}).get(key, spec.default)

    def set_option(self, component: str, key: str, value: Any) -> str | None:
        """Set an option; returns the problem (and changes nothing) when the value is invalid."""
        assert self.catalogue is not None and self.recipe is not None
        spec = self.catalogue.components[component].options[key]
        problem = spec.problem(value)
        if problem:
            return problem
        if self.option_value(component, key) == value:
            return None
        values = self.recipe.options.setdefault(component, {})
        if value == spec.default:
            values.pop(key, None)
            if not values:
                self.recipe.options.pop(component, None)
        else:
            values[key] = value
        self.dirty = True
        self.resolve()
        return None

    def snapshot_recipe(self) -> Recipe:
        assert self.recipe is not None
        return copy.deepcopy(self.recipe)

    # ---------------------------------------------------------------- numbers

    def lines_of(self, name: str) -> int:
        assert self.catalogue is not None
        comp = self.catalogue.components[name]
        d = comp.directory
        stamp = max((p.stat().st_mtime for p in d.iterdir()), default=0.0) if d else 0.0
        hit = self._loc_cache.get(name)
        if hit and hit[0] == stamp:
            return hit[1]
        n = comp.lines_of_code()
        self._loc_cache[name] = (stamp, n)
        return n

    def totals(self) -> Totals:
        res = self.resolution
        comps = len(res.components) if res else 0
        lines = sum(self.lines_of(c.name) for c in res.components) if res else 0
        b = self.build
        stale = b is not None and self.built_state != self.state_key
        return Totals(comps, lines, b.loadable_bytes if b else None,
                      b.memory_bytes if b else None, stale)

    def build_dir(self) -> Path:
        assert self.recipe is not None
        return self.build_root / self.recipe.name

    def builtin_recipes(self) -> list[str]:
        return sorted(p.stem for p in recipes_dir().glob("*.toml"))

