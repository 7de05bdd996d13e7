"""The learner's last baseline of each recipe, kept so a lesson can check it.

`workbench baseline RECIPE` writes its result to `<home>/baseline/<recipe>.json` (atomically);
a lesson step of kind `baseline` reads it back and compares its ratios with the step's
`at_least` figures. The numbers checked are the learner's own, measured on their machine.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench.core.learn.progress import home_dir
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.files import atomic_write_text
from workbench.i18n import _

RATIO_KEYS = ("image_bytes", "memory_mib", "ready_ms", "rss_mib", "throughput_per_s",
              "idle_cpu_pct")


def result_path(recipe: str) -> Path:
    return home_dir() / "baseline" / f"{recipe}.json"


def save_result(data: dict) -> Path:
    path = result_path(data["recipe"])
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(data, indent=2) + "\n")
    return path


def load_result(recipe: str) -> dict | None:
    """The saved result, or None if there is none yet; a damaged file is an error naming it."""
    path = result_path(recipe)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        if not isinstance(data.get("ratios"), dict):
            raise ValueError("no ratios")
    except (ValueError, AttributeError, OSError) as e:
        raise WorkbenchError(_("the saved baseline cannot be read ({error})").format(error=e),
                             file=path, hint=_("measure it again: {command}").format(
                                 command=f"workbench baseline {recipe}")) from None
    return data


def unmet(recipe: str, at_least: dict[str, float]) -> list[str]:
    """What the learner's saved baseline of `recipe` does not show yet (empty: all of it)."""
    data = load_result(recipe)
    if data is None:
        return [_("no baseline of {recipe} yet: run  {command}").format(
            recipe=recipe, command=f"workbench baseline {recipe}")]
    problems = []
    for key, wanted in at_least.items():
        got = data["ratios"].get(key)
        if got is None or got < wanted:
            shown = _("not measured") if got is None else f"{got:g}×"
            problems.append(_("{measure}: {shown}, the step asks for at least {wanted}×").format(
                measure=key, shown=shown, wanted=f"{wanted:g}"))
    return problems
