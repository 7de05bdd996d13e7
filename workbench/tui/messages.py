"""Messages the widgets post; the app turns them into changes of the session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.message import Message


@dataclass
class ComponentSelected(Message):
    """The learner picked a component (in the catalogue, the resolution or the graph)."""

    name: str


@dataclass
class ProviderChosen(Message):
    interface: str
    component: str


@dataclass
class LayoutChosen(Message):
    """The learner picked another layout: libos, monolithic or microkernel."""

    layout: str


@dataclass
class OptionChanged(Message):
    """A valid new value for an option (invalid values never leave the form)."""

    component: str
    key: str
    value: Any


@dataclass
class ShowSource(Message):
    """Open a file in the source pane, optionally at a line."""

    path: Path
    line: int | None = None
