"""Build: resolution -> config headers + linker script -> cached, parallel compile -> link -> image.

The build plan is deterministic: the same resolution gives the same commands. Each object is
cached under a key made of its source, every header it can include, the compiler flags, the
compiler's identity and the component's generated config header, so changing one option of one
component recompiles only that component. A link whose inputs did not change is skipped too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from workbench.core import layouts
from workbench.core.builder.generators import run_generators
from workbench.core.builder.lock import output_lock, private_name
from workbench.core.builder.memory import check_fits_memory
from workbench.core.builder.objects import ObjectPlan
from workbench.core.builder.toolchain import BuildError, Toolchain, get_toolchain
from workbench.core.inspect.image import ImageInfo, inspect_image
from workbench.core.layouts.base import DomainBuild
from workbench.core.model.catalogue import Catalogue, Component, kernels_dir, load_catalogue
from workbench.core.model.files import write_if_changed
from workbench.core.model.recipe import Recipe, find_recipe, load_recipe
from workbench.core.model.resolve import Resolution, resolve
from workbench.i18n import _

BuildEvent = Callable[[str, dict], None]  # (kind, data): "plan", "compile", "cached", "link", "done"


def default_build_dir(recipe: Recipe) -> Path:
    return Path.cwd() / "build" / recipe.name


def cache_dir() -> Path:
    env = os.environ.get("WB_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("unikernel-workbench")) / "objects"


def macro(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]", "_", p).upper() for p in parts)


def _c_literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_header(comp: Component, values: dict[str, Any], recipe: Recipe) -> str:
    """Options become constants: the compiler folds them and drops the code they switch off."""
    lines = [
        f"/* Generated configuration of component {comp.name} for recipe {recipe.name}. */",
        "/* Edit the recipe, not this file: it is rewritten by every build. */",
        "#pragma once",
        f"#define {macro('WB_MACHINE', recipe.machine)} 1",
        f"#define {macro('WB_LAYOUT', recipe.layout)} 1",
        f"#define WB_RECIPE_NAME {_c_literal(recipe.name)}",
        "",
    ]
    for name, spec in sorted(comp.options.items()):
        value = values.get(name, spec.default)
        key = macro("CONFIG", comp.name, name)
        if spec.doc:
            lines.append(f"/* {spec.doc.replace('*/', '* /')} */")
        if spec.type == "bool":
            lines.append(f"#define {key} {1 if value else 0}")
        elif spec.type == "int":
            lines.append(f"#define {key} {int(value)}")
        elif spec.type == "choice":
            lines.append(f"#define {key} {_c_literal(str(value))}")
            lines.append(f"#define {macro('CONFIG', comp.name, name, str(value))} 1")
        else:
            lines.append(f"#define {key} {_c_literal(str(value))}")
    return "\n".join(lines) + "\n"


@dataclass
class BuildResult:
    image: Path
    recipe: Recipe
    resolution: Resolution
    toolchain: str
    loadable_bytes: int
    memory_bytes: int
    components: dict[str, dict[str, int]]
    dropped: dict[str, int]
    dropped_sections: dict[str, list[str]]
    compiled: int
    cached: int
    linked: bool
    seconds: float
    warnings: list[str] = field(default_factory=list)
    report_path: Path | None = None

    def to_dict(self) -> dict:
        return {
            "image": str(self.image),
            "recipe": self.recipe.name,
            "recipe_path": str(self.recipe.path) if self.recipe.path else None,
            "machine": self.recipe.machine,
            "layout": self.recipe.layout,
            "toolchain": self.toolchain,
            "loadable_bytes": self.loadable_bytes,
            "memory_bytes": self.memory_bytes,
            "components": self.components,
            "dropped_bytes": self.dropped,
            "dropped_sections": self.dropped_sections,
            "compiled": self.compiled,
            "cached": self.cached,
            "linked": self.linked,
            "seconds": round(self.seconds, 4),
            "warnings": self.warnings,
            "resolution": self.resolution.to_dict(),
        }


def hash_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def header_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.h") if p.is_file())


def object_name(component: str, stem: str, generated: bool = False, tag: str | None = None) -> str:
    """`<component>__<stem>.o` in the kernel, `<tag>.<component>__<stem>.o` in a ring-3 domain:
    the linker script picks each domain's objects by these names."""
    return f"{tag + '.' if tag else ''}{component}__{stem}{'_gen' if generated else ''}.o"


def plan_objects(res: Resolution, out: Path, tc: Toolchain,
                 components: list[Component] | None = None,
                 domain: DomainBuild | None = None) -> list[ObjectPlan]:
    """What to compile, with each object's cache key: the components' sources and generated
    files; for a ring-3 `domain`, compiled with its rename header, plus its stubs."""
    include = kernels_dir() / "include"
    common_headers = hash_files(header_files(include)) if include.is_dir() else ""
    header_text = domain.header.read_text() if domain else ""
    plans = []

    def add(comp: Component, src: Path, generated: bool, extra: tuple[str, ...] = ()) -> None:
        cfg_dir = out / "config" / comp.name
        gen_dir = out / "generated" / comp.name
        flags = [f"-I{include}", f"-I{comp.directory}", f"-I{cfg_dir}", f"-I{gen_dir}", *extra]
        if domain:
            flags += ["-include", str(domain.header)]
        local = hash_files([*header_files(comp.directory), cfg_dir / "config.h",
                            *sorted(gen_dir.glob("*"))])
        p = ObjectPlan(comp.name, src, out / "obj" / object_name(
            comp.name, src.stem, generated, domain.tag if domain else None), flags)
        # flags name paths that differ between build folders but not in meaning: the key
        # takes the file's name and, for a domain, its header's text instead
        parts = [src.read_bytes(), common_headers.encode(), local.encode(),
                 " ".join([*tc.cc, *tc.cflags]).encode(), tc.identity.encode(), src.name.encode()]
        if domain:
            parts += [f"domain={domain.tag}".encode(), header_text.encode(),
                      " ".join(extra).replace(str(out), "").encode()]
        h = hashlib.sha256()
        for part in parts:
            h.update(part)
            h.update(b"\0")
        p.key = h.hexdigest()
        plans.append(p)

    for comp in res.components if components is None else components:
        gen_dir = out / "generated" / comp.name
        for src in comp.source_paths():
            add(comp, src, False)
        for src in sorted(gen_dir.glob("*.c")):
            add(comp, src, True)
    if domain:
        add(domain.stubs_owner, domain.stubs, True, (f"-I{domain.stubs.parent}",))
    return plans



def build(res: Resolution, out: Path | None = None, toolchain: str = "zig",
          on_event: BuildEvent | None = None, jobs: int | None = None) -> BuildResult:
    """Build the image of a resolution into `out` (default build/<recipe>).

    The recipe's layout writes its glue and says what to compile in which domain; the build
    compiles, asks the layout to check what each domain refers to, links with the layout's
    linker script and asks it to check the image."""
    t0 = time.perf_counter()
    emit = on_event or (lambda kind, data: None)
    recipe = res.recipe
    # a Recipe made in code may name any layout; recipe files are checked on load
    layout = layouts.get(recipe.layout, file=recipe.path)
    tc = get_toolchain(toolchain)
    out = Path(out) if out else default_build_dir(recipe)
    with output_lock(out, lambda text: emit("wait", {"message": text})):
        (out / "obj").mkdir(parents=True, exist_ok=True)
        write_configs(res, out)
        prepared = layout.prepare(res, out, kernels_dir() / "include")
        groups = [plan_objects(res, out, tc, g.components, g.domain)
                  for g in prepared.object_groups()]
        plans = [p for group in groups for p in group]
        emit("plan", {"objects": len(plans), "components": len(res.components)})
        counts, warnings = compile_objects(plans, tc, emit, jobs)
        prepared.check_references(groups)
        entry = next((c.entry for c in res.components if c.entry), None)
        image, linked = link(prepared.linker_script(entry), plans, tc,
                             out / f"{recipe.name}.elf", emit)
        prepared.check_extent(image)
        info = inspect_image(image, machine=recipe.machine)  # read once: the ELF is parsed
        check_fits_memory(res, image, info)
        return _result(res, info, tc, plans, counts, linked, warnings, t0, emit)


def write_configs(res: Resolution, out: Path) -> None:
    """Each component's config header, then what its generators make from its options."""
    for comp in res.components:
        values = res.options.get(comp.name, {})
        write_if_changed(out / "config" / comp.name / "config.h",
                         config_header(comp, values, res.recipe))
        run_generators(comp, values, res.recipe, out / "generated" / comp.name)


def compile_objects(plans: list[ObjectPlan], tc: Toolchain, emit: BuildEvent,
                    jobs: int | None = None) -> tuple[dict[str, int], list[str]]:
    """Compile in parallel what the object cache lacks; hard-link the rest from the cache.
    Returns ({"compiled": n, "cached": n}, compiler warnings); raises every failure as one."""
    store = cache_dir()
    store.mkdir(parents=True, exist_ok=True)
    warnings: list[str] = []
    counts = {"compiled": 0, "cached": 0}

    def one(p: ObjectPlan) -> None:
        cached = store / f"{p.key}.o"
        if cached.exists():
            if not p.obj.exists() or p.obj.stat().st_ino != cached.stat().st_ino:
                p.obj.unlink(missing_ok=True)
                try:
                    os.link(cached, p.obj)
                except OSError:
                    shutil.copyfile(cached, p.obj)
            counts["cached"] += 1
            emit("cached", {"component": p.component, "source": str(p.source)})
            return
        emit("compile", {"component": p.component, "source": str(p.source)})
        tmp = private_name(p.obj, ".tmp.o")
        text = tc.compile(p.source, tmp, p.flags)
        if text:
            warnings.append(text)
        os.replace(tmp, p.obj)
        try:
            part = private_name(cached, ".part")
            shutil.copyfile(p.obj, part)
            os.replace(part, cached)
        except OSError:
            pass
        counts["compiled"] += 1

    errors: list[BuildError] = []
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool:
        for fut in [pool.submit(one, p) for p in plans]:
            try:
                fut.result()
            except BuildError as e:
                errors.append(e)
    if errors:
        if len(errors) > 1:
            first = errors[0]
            for e in errors[1:]:
                first.diagnostics += e.diagnostics
                first.details += e.details
            first.message = _("{count} files failed to compile").format(count=len(errors))
        raise errors[0]
    return counts, warnings


def link(script: str, plans: list[ObjectPlan], tc: Toolchain, image: Path,
         emit: BuildEvent) -> tuple[Path, bool]:
    """Link the objects with `script` into `image`, unless nothing changed since the last
    link. Returns (image, whether it was linked now)."""
    out = image.parent
    script_path = out / "link.ld"
    write_if_changed(script_path, script)
    link_key = hashlib.sha256(
        "\n".join([script, tc.name, *(f"{p.obj.name}:{p.key}" for p in plans)]).encode()
    ).hexdigest()
    key_file = out / ".link-key"
    gc_file = out / "gc-sections.txt"
    if (image.exists() and key_file.exists() and key_file.read_text() == link_key
            and gc_file.exists()):
        return image, False
    emit("link", {"image": str(image)})
    text = tc.link([p.obj for p in plans], script_path, image)
    gc_file.write_text(text)
    key_file.write_text(link_key)
    return image, True


def _result(res: Resolution, info: ImageInfo, tc: Toolchain, plans: list[ObjectPlan],
            counts: dict[str, int], linked: bool, warnings: list[str], t0: float,
            emit: BuildEvent) -> BuildResult:
    """The build's result from the linked image, written beside it as a JSON report."""
    recipe = res.recipe
    image = info.path
    dropped_sections = parse_gc_sections((image.parent / "gc-sections.txt").read_text(), plans)
    dropped = {c.name: 0 for c in res.components}
    for (comp, _name), size in _dropped_sizes(dropped_sections, plans).items():
        dropped[comp] = dropped.get(comp, 0) + size

    result = BuildResult(
        image=image,
        recipe=recipe,
        resolution=res,
        toolchain=tc.name,
        loadable_bytes=info.loadable_bytes,
        memory_bytes=info.memory_bytes,
        components={c.name: dict(info.components.get(c.name, {})) for c in res.components},
        dropped=dropped,
        dropped_sections={k: v for k, v in dropped_sections.items() if v},
        compiled=counts["compiled"],
        cached=counts["cached"],
        linked=linked,
        seconds=time.perf_counter() - t0,
        warnings=warnings,
    )
    report = image.with_suffix(".elf.json")
    write_if_changed(report, json.dumps(result.to_dict(), indent=2) + "\n")
    result.report_path = report
    emit("done", {"image": str(image), "seconds": result.seconds})
    return result


# GNU ld: "ld: removing unused section '.text.foo' in file 'obj/x__y.o'"
# lld:    "removing unused section obj/x__y.o:(.text.foo)"
_GC_GNU = re.compile(r"removing unused section '([^']+)' in file '([^']+)'")
_GC_LLD = re.compile(r"removing unused section (.+?):\((.+)\)\s*$")


def parse_gc_sections(text: str, plans: list[ObjectPlan]) -> dict[str, list[str]]:
    """component -> ["source.c:.text.function", ...] that the linker dropped."""
    by_obj = {p.obj.name: p for p in plans}
    result: dict[str, list[str]] = {}
    for ln in text.splitlines():
        m = _GC_GNU.search(ln)
        if m:
            section, file = m.group(1), m.group(2)
        else:
            m = _GC_LLD.search(ln)
            if not m:
                continue
            file, section = m.group(1), m.group(2)
        plan = by_obj.get(Path(file).name)
        if plan is None or section.startswith((".debug", ".comment", ".note", ".eh_frame")):
            continue
        result.setdefault(plan.component, []).append(f"{Path(file).name}:{section}")
    return result


def _dropped_sizes(dropped: dict[str, list[str]], plans: list[ObjectPlan]) -> dict[tuple, int]:
    from elftools.elf.elffile import ELFFile

    by_obj = {p.obj.name: p for p in plans}
    sizes: dict[tuple, int] = {}
    wanted: dict[str, set[str]] = {}
    for items in dropped.values():
        for item in items:
            obj, section = item.split(":", 1)
            wanted.setdefault(obj, set()).add(section)
    for obj, sections in wanted.items():
        plan = by_obj[obj]
        with open(plan.obj, "rb") as f:
            elf = ELFFile(f)
            for sec in elf.iter_sections():
                if sec.name in sections:
                    key = (plan.component, sec.name)
                    sizes[key] = sizes.get(key, 0) + sec["sh_size"]
    return sizes


def build_recipe(recipe_path: str | Path, out: Path | None = None, toolchain: str = "zig",
                 catalogue: Catalogue | None = None, workspace: Path | None = None,
                 on_event: BuildEvent | None = None) -> BuildResult:
    """Load, resolve and build a recipe (a file, or the name of a built-in one) in one call."""
    recipe = load_recipe(find_recipe(recipe_path))
    cat = catalogue or load_catalogue(workspace=workspace)
    return build(resolve(recipe, cat), out, toolchain, on_event)
