"""The zone's lookup decided at build time: tables for the DNS appliance ("dns-zone" generator).

A zone is a constant, so much of RFC 1034 §4.3.2's lookup can be done once, here, instead of
for every query in the image:

- **delegations** (zone cuts): a name that has NS records below the apex hands its subtree to
  other servers. Every name at or below a cut is marked with it, so the server answers a query
  there with a *referral* (no AA, the child's NS set in the authority section, glue addresses in
  the additional section) without walking up the name. Data below a cut other than glue is
  *occluded*: it is never answered, and the report says so.
- **wildcards** (RFC 4592): each name that has a `*.name` child is marked with it, so a name
  that does not exist below it is answered from the wildcard's records in one step. An existing
  name (empty non-terminals included) blocks the wildcard, which the node list already says.
- **additional records**: the target of every NS and MX record is resolved here — its own
  address records, a wildcard's, or none — so an answer adds the addresses without a lookup.
- **RRsets**: each name's records are grouped by type, in the order the zone file first names
  each type, so the server sends (or truncates) whole RRsets as NSD does.

What still happens per query: finding the closest existing name for the query (a few
comparisons of constant names), and following CNAME chains, whose end depends on the type
asked. The generator also writes `zone.txt` beside `zone.c`: what it found and what each
finding makes the server do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.model.files import write_if_changed
from workbench.i18n import N_

from .zonefile import TYPES, Record, Zone, check_table_size, is_subdomain, load_zone, name_to_wire

ADDRESS_TYPES = ("A", "AAAA")


def parent(name: str) -> str:
    return name.split(".", 1)[1] if "." in name[:-1] else "."


@dataclass
class Extra:
    """The addresses that go with an NS or MX target."""

    target: str  # the name the records are sent under
    node: int  # whose A/AAAA records: the target's own node, or the wildcard covering it
    glue: bool  # the target is at or below a delegation (MX answers skip it, as NSD does)


class ZoneTables:
    """Nodes, RRsets in order, delegations, wildcards and additional targets of one zone."""

    def __init__(self, zone: Zone):
        self.zone = zone
        self.nodes = zone.nodes()
        self.index = {n: i for i, n in enumerate(self.nodes)}
        self.records: dict[int, list[Record]] = {i: [] for i in range(len(self.nodes))}
        for r in zone.records:
            self.records[self.index[r.owner]].append(r)
        for rs in self.records.values():  # group by type, first appearance first (stable)
            order = list(dict.fromkeys(r.type for r in rs))
            rs.sort(key=lambda r: order.index(r.type))
        self.cut = [self._delegation_above(n) for n in self.nodes]
        self.wildcard = [self.index.get("*." + n if n != "." else "*.", -1) for n in self.nodes]
        self.extras: list[Extra] = []
        self.extra_of: dict[int, int] = {}  # id(record) -> index into extras
        for rs in self.records.values():
            for r in rs:
                if r.type in ("NS", "MX"):
                    self._add_extra(r)

    def has(self, node: int, rtype: str) -> bool:
        return any(r.type == rtype for r in self.records[node])

    def _delegation_above(self, name: str) -> int:
        """The highest name at or above `name` (below the apex) holding NS records, or -1."""
        found = -1
        while name != self.zone.origin and is_subdomain(name, self.zone.origin):
            i = self.index.get(name, -1)
            if i >= 0 and self.has(i, "NS"):
                found = i
            name = parent(name)
        return found

    def closest(self, name: str) -> str:
        """The name itself if it exists, else its closest existing ancestor (in the zone)."""
        while name not in self.index:
            name = parent(name)
        return name

    def _add_extra(self, r: Record) -> None:
        target = r.rdata if r.type == "NS" else r.rdata[1]
        if not is_subdomain(target, self.zone.origin):
            return  # another zone's name: its addresses are not ours to give
        found = self.closest(target)
        node = self.index[found]
        if found != target:
            node = self.wildcard[node]  # a name that does not exist may match a wildcard
        if node < 0 or not any(self.has(node, t) for t in ADDRESS_TYPES):
            return
        for i, e in enumerate(self.extras):
            if e.target == target:
                self.extra_of[id(r)] = i
                return
        self.extra_of[id(r)] = len(self.extras)
        self.extras.append(Extra(target, node, self._delegation_above(target) >= 0))

    def occluded(self) -> list[Record]:
        """Records below a delegation that no query can reach (glue addresses excepted)."""
        out = []
        for i in range(len(self.nodes)):
            c = self.cut[i]
            for r in self.records[i]:
                at_cut = c == i and r.type == "NS"
                if c >= 0 and not at_cut and r.type not in ADDRESS_TYPES:
                    out.append(r)
        return out


# --------------------------------------------------------------------------- the report

def _cname_chain(tables: ZoneTables, start: Record) -> str:
    steps, seen, r = [start.owner], set(), start
    while r is not None and r.owner not in seen:
        seen.add(r.owner)
        target = r.rdata
        steps.append(target)
        if not is_subdomain(target, tables.zone.origin):
            return " -> ".join(steps) + " (outside the zone: the client's resolver follows it)"
        found = tables.closest(target)
        node = tables.index[found] if found == target else tables.wildcard[tables.index[found]]
        if node < 0:
            return " -> ".join(steps) + " (does not exist: NXDOMAIN after the chain)"
        if tables.cut[node] >= 0:
            return " -> ".join(steps) + " (below a delegation: a referral after the chain)"
        r = next((x for x in tables.records[node] if x.type == "CNAME"), None)
    if r is not None:
        return " -> ".join(steps) + " (a loop: the answer stops where it repeats)"
    return " -> ".join(steps)


def zone_report(tables: ZoneTables) -> list[str]:
    """What the compiler found in the zone, and what each finding makes the server do."""
    z, nodes = tables.zone, tables.nodes
    empty = [n for i, n in enumerate(nodes) if not tables.records[i]]
    out = [f"zone {z.origin}: {len(nodes)} names ({len(empty)} empty non-terminal"
           f"{'' if len(empty) == 1 else 's'}), "
           f"{len(z.records)} records, {len(tables.extras)} additional targets"]
    for n in empty:
        out.append(f"empty non-terminal {n}: exists with no records; answers NODATA and blocks "
                   "a wildcard above it")
    for i, n in enumerate(nodes):
        if tables.cut[i] == i:
            ns = ", ".join(r.rdata for r in tables.records[i] if r.type == "NS")
            out.append(f"delegation {n}: queries at or below it get a referral (no AA) to {ns}")
        if n.startswith("*."):
            out.append(f"wildcard {n}: answers names below {n[2:]} that do not exist, with the "
                       "query's name as owner")
    for e in tables.extras:
        kind = "glue" if e.glue else "address"
        source = nodes[e.node]
        via = "" if source == e.target else f" (from the wildcard {source})"
        out.append(f"additional {e.target}: {kind} records sent with the NS or MX record "
                   f"naming it{via}")
    for rs in tables.records.values():
        for r in rs:
            if r.type == "CNAME":
                out.append("CNAME chain " + _cname_chain(tables, r))
    for r in tables.occluded():
        out.append(f"occluded line {r.line}: {r.owner} {r.type} is below the delegation "
                   f"{nodes[tables.cut[tables.index[r.owner]]]} and is never answered")
    return out


# --------------------------------------------------------------------------- C output

def _c_bytes(data: bytes) -> str:
    rows = [", ".join(f"0x{b:02x}" for b in data[i:i + 12]) for i in range(0, len(data), 12)]
    return "{\n    " + ",\n    ".join(rows) + ",\n}" if rows else "{0}"


def _comment(text: str) -> str:
    return text.replace("*/", "* /")[:100]


def _records_c(tables: ZoneTables) -> list[str]:
    out, rows, k = [], [], 0
    for i in range(len(tables.nodes)):
        for r in tables.records[i]:
            out.append(f"static const uint8_t rdata_{k}[] = {_c_bytes(r.rdata_wire())}; "
                       f"/* line {r.line}: {_comment(r.presentation())} */")
            extra = tables.extra_of.get(id(r), -1)
            rows.append(f"    {{{TYPES[r.type]}, {r.ttl}u, {len(r.rdata_wire())}, rdata_{k}, "
                        f"{extra}}}, /* {r.type} */")
            k += 1
    return out + ["", "const struct zone_rr zone_rrs[] = {"] + (rows or ["    {0, 0, 0, 0, -1},"]) + ["};"]


def zone_to_c(zone: Zone, source: str = "") -> str:
    """C source defining the tables of kernels/lib/dns/zone.h."""
    tables = ZoneTables(zone)
    nodes = tables.nodes
    check_table_size(N_("names"), len(nodes), zone.path)
    check_table_size(N_("records"), len(zone.records), zone.path)
    out = [
        f"/* Generated by the workbench's dns-zone generator from {_comment(source or 'a zone')}.",
        " * Do not edit: change the zone file and rebuild. What the generator found:",
        *[f" *   {_comment(line)}" for line in zone_report(tables)],
        " */",
        '#include "zone.h"',
        "",
    ]
    for i, n in enumerate(nodes):
        out.append(f"static const uint8_t name_{i}[] = {_c_bytes(name_to_wire(n))}; /* {_comment(n)} */")
    out += _records_c(tables)
    out += ["", "const struct zone_node zone_nodes[] = {"]
    first = 0
    for i, n in enumerate(nodes):
        count = len(tables.records[i])
        out.append(f"    {{name_{i}, {first}, {count}, {tables.cut[i]}, {tables.wildcard[i]}}}, "
                   f"/* {_comment(n)} */")
        first += count
    out += ["};", ""]
    for j, e in enumerate(tables.extras):
        out.append(f"static const uint8_t extra_name_{j}[] = {_c_bytes(name_to_wire(e.target))};")
    out += ["const struct zone_extra zone_extras[] = {"]
    for j, e in enumerate(tables.extras):
        out.append(f"    {{extra_name_{j}, {e.node}, {int(e.glue)}}}, /* {_comment(e.target)} */")
    if not tables.extras:
        out.append("    {0, 0, 0},")
    soa_index = [r.type for i in range(len(nodes)) for r in tables.records[i]].index("SOA")
    out += [
        "};",
        "",
        f"const uint16_t zone_node_count = {len(nodes)};",
        f"const uint16_t zone_rr_count = {len(zone.records)};",
        f"const uint16_t zone_soa = {soa_index};",
        "",
    ]
    return "\n".join(out)


def generate(source: Path, out_dir: Path, options: dict[str, Any]) -> None:
    zone = load_zone(source, options.get("origin") or None)
    write_if_changed(out_dir / "zone.c", zone_to_c(zone, source.name).encode())
    write_if_changed(out_dir / "zone.txt", ("\n".join(zone_report(ZoneTables(zone))) + "\n").encode())
