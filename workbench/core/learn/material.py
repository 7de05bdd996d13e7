"""What lessons and exercises share: where the teaching material lives, the learner's workspace,
and the time limits' scale for slow machines. (Their texts in each language are read by
workbench/core/model/texts.py, as components' are.)"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.core.learn.progress import home_dir
from workbench.core.model.catalogue import shipped_dir
from workbench.core.model.errors import WorkbenchError
from workbench.i18n import _


def lessons_dir() -> Path:
    """The lessons/ folder (WB_LESSONS overrides; see shipped_dir)."""
    env = os.environ.get("WB_LESSONS")
    if env:
        return Path(env)
    return shipped_dir("lessons")


def default_workspace() -> Path:
    """Where a learner's recipes and exercise work live: WB_WORKSPACE, else <home>/workspace."""
    env = os.environ.get("WB_WORKSPACE")
    return Path(env) if env else home_dir() / "workspace"


def timeout_scale() -> float:
    """Slow machines (or a class of thirty on one server) set WB_TIMEOUT_SCALE=3."""
    try:
        value = float(os.environ.get("WB_TIMEOUT_SCALE", "1") or 1)
    except ValueError:
        raise WorkbenchError(_("{setting} is not a number").format(
                                 setting=f"WB_TIMEOUT_SCALE={os.environ['WB_TIMEOUT_SCALE']!r}"),
                             key="WB_TIMEOUT_SCALE", hint=_("a positive number, e.g. 2.5")) from None
    if value <= 0:
        raise WorkbenchError(_("WB_TIMEOUT_SCALE must be positive"), key="WB_TIMEOUT_SCALE",
                             hint=_("a positive number, e.g. 2.5"))
    return value
