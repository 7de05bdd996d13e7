"""The dependency graph of a resolution: layout with Graphviz, export as DOT, SVG or PNG."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from workbench.core.layouts.model import model_layout
from workbench.core.model.errors import WorkbenchError, did_you_mean, valid_list
from workbench.core.model.paths import check_output_file, write_output
from workbench.core.model.resolve import ROOT, Resolution
from workbench.core.model.tools import find_dot
from workbench.i18n import _

FORMATS = ("dot", "svg", "png")

LAYER_COLOURS = {
    "boot": "#f4a261", "cpu": "#e76f51", "platform": "#b5838d", "driver": "#2a9d8f",
    "memory": "#8ab17d", "time": "#e9c46a", "lib": "#a8dadc", "net": "#457b9d", "app": "#ffb4a2",
}


def node_label(res: Resolution, name: str) -> str:
    """The name a view shows for a node: the component's, or for the root "image: <recipe>" —
    the image is not a component, and its recipe is usually named after the application."""
    return f"image: {res.recipe.name}" if name == ROOT else name


def to_dot(res: Resolution, highlight: str | None = None, edge_labels: bool = True,
           domains: bool = False) -> str:
    """The graph in DOT: one node per component, one edge per required interface.

    Edge labels make Graphviz's layout much slower on large graphs (they become nodes of their
    own during ranking), so views that draw the interface names themselves leave them out.
    With `domains`, the components are boxed by the protection domain they run in, in the
    recipe's layout (its `Layout.place`); libraries, of which each domain has its own copy, stay
    outside the boxes."""
    path_nodes = set(res.why_path(highlight)) if highlight in res.included else set()
    lines = [
        f'digraph "{res.recipe.name}" {{',
        '  graph [rankdir=TB, fontname="Helvetica", nodesep=0.3, ranksep=0.45];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
        f'  "{ROOT}" [label="{node_label(res, ROOT)}", shape=doubleoctagon, fillcolor="#ffffff"];',
    ]
    clusters = domain_clusters(res) if domains else []
    boxed = {name for _title, names in clusters for name in names}

    def node(c) -> str:
        colour = LAYER_COLOURS.get(c.layer, "#dddddd")
        pen = ', penwidth=3, color="#d62828"' if c.name in path_nodes else ""
        return f'"{c.name}" [label="{c.name}\\n[{c.layer}]", fillcolor="{colour}"{pen}];'

    lines += ["  " + node(c) for c in res.components if c.name not in boxed]
    for i, (title, names) in enumerate(clusters):
        lines += [f'  subgraph "cluster_{i}" {{',
                  f'    label="{title}"; style="rounded,dashed"; color="#6c757d"; fontsize=10;',
                  *("    " + node(res.catalogue.components[n]) for n in names), "  }"]
    for a, b, data in res.graph.edges(data=True):
        pen = ', penwidth=2.5, color="#d62828"' if a in path_nodes and b in path_nodes else ""
        label = f'label="{data.get("interface", "")}"' if edge_labels else ""
        attrs = ", ".join(x for x in (label, pen.lstrip(", ")) if x)
        lines.append(f'  "{a}" -> "{b}" [{attrs}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def domain_clusters(res: Resolution) -> list[tuple[str, list[str]]]:
    """(title, components) of each protection domain in the recipe's own layout."""
    return [(_("{domain} (ring {ring})").format(domain=d.name, ring=d.ring), list(d.components))
            for d in model_layout(res, res.recipe.layout).domains if d.components]


def export(res: Resolution, fmt: str, out: Path, highlight: str | None = None) -> Path:
    if fmt not in FORMATS:
        raise WorkbenchError(_("unknown graph format '{name}'").format(name=fmt), key="--format",
                             hint=_("valid formats: {names}").format(names=", ".join(FORMATS)))
    if highlight is not None and highlight not in res.included:
        raise WorkbenchError(_("'{name}' is not a component of this recipe").format(
                                 name=highlight), key="--why",
                             hint=did_you_mean(highlight, res.included)
                             or _("components: {names}").format(names=valid_list(res.included)))
    out = check_output_file(Path(out), key="--output")
    source = to_dot(res, highlight, domains=True)
    if fmt == "dot":
        return write_output(out, source, key="--output")
    find_dot()
    import graphviz

    return write_output(out, graphviz.Source(source).pipe(format=fmt), key="--output")


@dataclass
class NodeBox:
    name: str
    x: float  # centre, in points, y grows downwards
    y: float
    width: float
    height: float
    label: str = ""  # what to show: node_label()


@dataclass
class EdgeLine:
    tail: str
    head: str
    label: str
    points: list[tuple[float, float]]


def layout(res: Resolution) -> tuple[list[NodeBox], list[EdgeLine], tuple[float, float]]:
    """Positions from Graphviz (`dot -Tjson`), for views that draw the graph themselves."""
    find_dot()
    import graphviz

    data = json.loads(graphviz.Source(to_dot(res, edge_labels=False)).pipe(format="json").decode())
    _x, _y, width, height = (float(v) for v in data["bb"].split(","))
    names = {}
    nodes = []
    for obj in data.get("objects", []):
        if "pos" not in obj:
            continue
        x, y = (float(v) for v in obj["pos"].split(","))
        names[obj["_gvid"]] = obj["name"]
        nodes.append(NodeBox(obj["name"], x, height - y, float(obj["width"]) * 72,
                             float(obj["height"]) * 72, node_label(res, obj["name"])))
    edges = []
    for e in data.get("edges", []):
        pts = []
        for part in e.get("pos", "").replace("e,", "").split():
            if "," in part:
                x, y = (float(v) for v in part.split(",")[:2])
                pts.append((x, height - y))
        tail, head = names.get(e["tail"], ""), names.get(e["head"], "")
        label = res.graph.edges[tail, head].get("interface", "") if res.graph.has_edge(tail, head) else ""
        edges.append(EdgeLine(tail, head, label, pts))
    return nodes, edges, (width, height)
