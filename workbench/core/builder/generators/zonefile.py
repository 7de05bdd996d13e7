"""DNS zone files (RFC 1035 §5 "master files") compiled into C data for the DNS appliance.

This is compile-time specialisation in its plainest form: the zone a DNS server answers for is
parsed here, on the host, checked, and emitted as constant arrays; the image contains no
zone-file parser at all, and a mistake in the zone is a build error naming the line.

Supported syntax:

- directives `$ORIGIN name` and `$TTL ttl` (`$INCLUDE` and `$GENERATE` are not supported);
- records `[owner] [ttl] [class] type rdata`, TTL and class in either order, class IN only;
  a line starting with blank space continues the previous owner; `@` is the current origin;
  names without a trailing dot are relative to the origin;
- TTLs as seconds or with units (`1h30m`, `2d`, `1w`);
- `;` comments, `( ... )` to continue a record over several lines, quoted strings with `\\"`,
  `\\\\` and `\\DDD` escapes;
- types SOA, NS, A, AAAA, CNAME, MX, TXT;
- wildcards (`*.name`, RFC 4592) and delegations (NS records below the apex, with glue).

This module reads and checks the file; `zonetables.py` turns the checked zone into the tables
the server looks names up in (every *node* — an existing name, including "empty non-terminals":
names with no records but with names below them, which must answer NODATA rather than
NXDOMAIN — with its records, delegation, wildcard and additional targets).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import idna

from workbench.core.model.errors import WorkbenchError
from workbench.core.model.paths import read_regular
from workbench.i18n import N_, _, ngettext

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}
CLASSES = ("IN", "CH", "HS", "CS")
MAX_TTL = 2**31 - 1
ZONE_FILE_LIMIT = 16 << 20  # bytes of zone text: far more than the guest can serve
MAX_TABLE_ENTRIES = 65535  # the appliance counts names and records in 16 bits (dns/zone.h)

# Names are ASCII by the time they are split into labels (an internationalised name is
# converted first); one byte per character, anything else as '?', never an exception.
BYTE_PER_CHAR = ("latin-1", "replace")

_TTL_RE = re.compile(r"^(?:\d+|(?:\d+[wdhms])+)$", re.I)
_TTL_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}

FORMS = {  # shown through _()
    "A": N_("an IPv4 address, e.g.  www  IN A 192.0.2.10"),
    "AAAA": N_("an IPv6 address, e.g.  www  IN AAAA 2001:db8::10"),
    "NS": N_("a name server's name, e.g.  @  IN NS ns1"),
    "CNAME": N_("the canonical name, e.g.  web  IN CNAME www"),
    "MX": N_("a preference and a mail server name, e.g.  @  IN MX 10 mail"),
    "TXT": N_('one or more strings of at most 255 bytes, e.g.  @  IN TXT "hello world"'),
    "SOA": N_("mname rname serial refresh retry expire minimum, e.g.  "
              "@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300"),
}

# The address records and what parses their one field (a wrong address names its family).
ADDRESS_TYPES = {"A": (ipaddress.IPv4Address, "IPv4"), "AAAA": (ipaddress.IPv6Address, "IPv6")}


@dataclass
class Token:
    text: str
    line: int
    quoted: bool = False


@dataclass
class Entry:
    """One logical line: its tokens, where it starts, and whether it starts with a blank."""

    tokens: list[Token]
    line: int
    blank_owner: bool


@dataclass
class Record:
    owner: str  # absolute, lower case, with the trailing dot: "www.example.org."
    ttl: int
    type: str
    rdata: Any  # type-specific: str, tuple, list[bytes]
    line: int

    def rdata_wire(self) -> bytes:
        r = self.rdata
        if self.type == "A":
            return ipaddress.IPv4Address(r).packed
        if self.type == "AAAA":
            return ipaddress.IPv6Address(r).packed
        if self.type in ("NS", "CNAME"):
            return name_to_wire(r)
        if self.type == "MX":
            return r[0].to_bytes(2, "big") + name_to_wire(r[1])
        if self.type == "TXT":
            return b"".join(bytes([len(s)]) + s for s in r)
        if self.type == "SOA":
            mname, rname, *nums = r
            return name_to_wire(mname) + name_to_wire(rname) + b"".join(
                n.to_bytes(4, "big") for n in nums)
        raise AssertionError(self.type)

    def presentation(self) -> str:
        r = self.rdata
        if self.type == "TXT":
            text = " ".join('"' + s.decode(BYTE_PER_CHAR[0]).replace('"', '\\"') + '"' for s in r)
        elif self.type in ("MX", "SOA"):
            text = " ".join(str(x) for x in r)
        else:
            text = str(r)
        return f"{self.owner} {self.ttl} IN {self.type} {text}"


@dataclass
class Zone:
    origin: str
    records: list[Record] = field(default_factory=list)
    path: Path | None = None

    @property
    def soa(self) -> Record:
        return next(r for r in self.records if r.type == "SOA")

    def nodes(self) -> list[str]:
        """Every name that exists: owners and the empty non-terminals between them and the apex."""
        names = {self.origin}
        for r in self.records:
            name = r.owner
            while name != self.origin:
                names.add(name)
                name = name.split(".", 1)[1] if "." in name[:-1] else "."
                if not is_subdomain(name, self.origin):
                    break
        return [self.origin] + sorted(names - {self.origin}, key=canonical_key)

    def lookup(self, name: str, rtype: str) -> list[Record]:
        name = name.lower() if name.endswith(".") else name.lower() + "."
        return [r for r in self.records if r.owner == name and r.type == rtype]


# --------------------------------------------------------------------------- names

def _decimal(text: str) -> bool:
    """Only ASCII digits: '1²' is not a number here, though str.isdigit() says so."""
    return text.isascii() and text.isdigit()


def split_labels(name: str) -> list[bytes]:
    """'www.example.org.' -> [b'www', b'example', b'org'] (handles \\. and \\DDD escapes)."""
    labels: list[bytes] = []
    cur = bytearray()
    i = 0
    while i < len(name):
        ch = name[i]
        if ch == "\\":
            if i + 3 < len(name) and _decimal(name[i + 1:i + 4]):
                if int(name[i + 1:i + 4]) > 255:
                    raise ValueError(_("escape {escape} is above 255 (one byte)").format(
                        escape="\\" + name[i + 1:i + 4]))
                cur.append(int(name[i + 1:i + 4]))
                i += 4
                continue
            if i + 1 < len(name):
                cur += name[i + 1].encode(*BYTE_PER_CHAR)
                i += 2
                continue
            raise ValueError(_("a name cannot end with a backslash"))
        if ch == ".":
            labels.append(bytes(cur))
            cur = bytearray()
        else:
            cur += ch.encode(*BYTE_PER_CHAR)
        i += 1
    if cur:
        labels.append(bytes(cur))
    return labels


def name_to_wire(name: str) -> bytes:
    if name == ".":
        return b"\0"
    return b"".join(bytes([len(lb)]) + lb.lower() for lb in split_labels(name)) + b"\0"


def canonical_key(name: str) -> list[bytes]:
    """RFC 4034 canonical order: compare labels from the right."""
    return [lb.lower() for lb in reversed(split_labels(name))]


def is_subdomain(name: str, origin: str) -> bool:
    return origin == "." or name == origin or name.endswith("." + origin)


# --------------------------------------------------------------------------- tokens

class _Lexer:
    """Splits a zone file into logical lines; each kind of token is one named step."""

    def __init__(self, text: str, path: Path | None):
        self.text, self.path = text, path
        self.i, self.line = 0, 1
        self.entries: list[Entry] = []
        self.tokens: list[Token] = []
        self.depth = 0  # open parentheses: while > 0, line ends do not end the entry
        self.open_line = 0
        self.start_line = 1
        self.blank_owner = False

    def err(self, msg: str, line: int, hint: str | None = None) -> WorkbenchError:
        return WorkbenchError(msg, file=self.path, line=line, hint=hint)

    def run(self) -> list[Entry]:
        text, n = self.text, len(self.text)
        at_line_start = True
        while self.i < n:
            ch = text[self.i]
            if at_line_start and self.depth == 0:
                self.blank_owner = ch in " \t"  # a blank first column: "same owner as before"
                self.start_line = self.line
                at_line_start = False
            if ch == "\n":
                self.newline()
                at_line_start = self.depth == 0
            elif ch in " \t\r":
                self.i += 1
            elif ch == ";":
                self.comment()
            elif ch in "()":
                self.paren(ch)
            elif ch == '"':
                self.quoted()
            else:
                self.word()
        if self.depth:
            raise self.err(_("'(' is never closed"), self.open_line,
                           _("add the matching ')' at the end of the record"))
        self.end_entry()
        return self.entries

    def end_entry(self) -> None:
        if self.tokens:
            self.entries.append(Entry(self.tokens, self.start_line, self.blank_owner))
        self.tokens = []

    def newline(self) -> None:
        self.line += 1
        self.i += 1
        if self.depth == 0:
            self.end_entry()

    def comment(self) -> None:
        while self.i < len(self.text) and self.text[self.i] != "\n":
            self.i += 1

    def paren(self, ch: str) -> None:
        if ch == "(":
            if self.depth == 0:
                self.open_line = self.line
            self.depth += 1
        elif self.depth == 0:
            raise self.err(_("')' without a matching '('"), self.line,
                           _("parentheses group one record over several lines: ( ... )"))
        else:
            self.depth -= 1
        self.i += 1

    def quoted(self) -> None:
        text, n = self.text, len(self.text)
        j, buf, tok_line = self.i + 1, [], self.line
        while True:
            if j >= n:
                raise self.err(_("a quoted string is never closed"), tok_line,
                               _('close it with a double quote: "like this"'))
            c = text[j]
            if c == "\\" and j + 1 < n:
                buf.append(text[j:j + 2])
                self.line += text[j + 1] == "\n"
                j += 2
                continue
            if c == '"':
                break
            self.line += c == "\n"
            buf.append(c)
            j += 1
        self.tokens.append(Token("".join(buf), tok_line, quoted=True))
        self.i = j + 1

    def word(self) -> None:
        text, n = self.text, len(self.text)
        j = self.i
        while j < n and text[j] not in ' \t\r\n;()"':
            j += 2 if text[j] == "\\" and j + 1 < n else 1
        self.tokens.append(Token(text[self.i:j], self.line))
        self.i = j


def tokenize(text: str, path: Path | None) -> list[Entry]:
    """Split the file into logical lines (parentheses join physical lines)."""
    return _Lexer(text, path).run()


def decode_string(tok: Token, path: Path | None) -> bytes:
    """A character string with its escapes resolved: \\" \\\\ \\DDD."""
    out = bytearray()
    s = tok.text
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            if _decimal(s[i + 1:i + 4]) and len(s[i + 1:i + 4]) == 3:
                v = int(s[i + 1:i + 4])
                if v > 255:
                    raise WorkbenchError(_("escape {escape} is above 255").format(
                                             escape="\\" + s[i + 1:i + 4]), file=path,
                                         line=tok.line, hint=_("\\DDD is one byte, 000 to 255"))
                out.append(v)
                i += 4
            elif s[i + 1].isdigit():
                raise WorkbenchError(_("escape {escape} is not \\DDD").format(
                                         escape="\\" + s[i + 1:i + 4]), file=path,
                                     line=tok.line, hint=_("\\DDD is one byte: exactly three "
                                                           "ASCII digits, 000 to 255"))
            else:
                out += s[i + 1].encode()  # UTF-8
                i += 2
            continue
        out += c.encode()
        i += 1
    return bytes(out)


# --------------------------------------------------------------------------- parser

class _Parser:
    def __init__(self, path: Path | None, origin: str | None):
        self.path = path
        self.origin = origin
        self.default_ttl: int | None = None
        self.last_ttl: int | None = None
        self.last_owner: str | None = None
        self.records: list[Record] = []

    def err(self, msg: str, line: int, hint: str | None = None) -> WorkbenchError:
        return WorkbenchError(msg, file=self.path, line=line, hint=hint)

    def ttl(self, tok: Token) -> int:
        text = tok.text.lower()
        if not _TTL_RE.match(text):
            raise self.err(_("'{text}' is not a TTL").format(text=tok.text), tok.line,
                           _("a TTL is seconds (3600) or with units w d h m s (1h30m)"))
        if text.isdigit():
            value = int(text)
        else:
            value = sum(int(num) * _TTL_UNITS[unit] for num, unit in re.findall(r"(\d+)([wdhms])", text))
        if value > MAX_TTL:
            raise self.err(_("TTL {value} is too large").format(value=value), tok.line,
                           _("the largest TTL is {most}").format(most=MAX_TTL))
        return value

    def name(self, tok: Token, what: str = "") -> str:
        """`what` says which name it is, in the workbench's language ("owner name")."""
        what = what or _("name")
        text = tok.text
        if tok.quoted:
            raise self.err(_("{what} {text} must not be quoted").format(what=what, text=repr(text)),
                           tok.line, _("write names without quotes: www.example.org."))
        if text == "@":
            if self.origin is None:
                raise self.err(_("'@' used but no origin is known"), tok.line,
                               _("put  $ORIGIN example.org.  at the top of the file"))
            return self.origin
        absolute = text.endswith(".") and not text.endswith("\\.")
        if not absolute:
            if self.origin is None:
                raise self.err(_("relative name '{text}' but no origin is known").format(text=text),
                               tok.line, _("put  $ORIGIN example.org.  at the top of the file, "
                                           "or end the name with a dot"))
            text = text + "." + self.origin if self.origin != "." else text + "."
        if text == ".":
            return "."
        text = self.ascii_name(text, tok, what)
        try:
            labels = split_labels(text)
        except ValueError as e:
            raise self.err(_("bad {what} '{text}': {error}").format(what=what, text=tok.text,
                                                                     error=e), tok.line,
                           _("in a name, \\. is a dot inside a label and \\DDD one byte (000 to "
                             "255)")) from None
        if any(len(lb) == 0 for lb in labels):
            raise self.err(_("{what} '{text}' has an empty label (two dots in a row)").format(
                               what=what, text=tok.text), tok.line,
                           _("labels are separated by single dots: www.example.org."))
        for lb in labels:
            if len(lb) > 63:
                raise self.err(_("label '{label}...' in {what} '{text}' is {size} bytes "
                                 "long").format(label=lb[:20].decode(BYTE_PER_CHAR[0]),
                                                what=what, text=tok.text, size=len(lb)),
                               tok.line, _("a label is at most 63 bytes"))
        if sum(len(lb) + 1 for lb in labels) + 1 > 255:
            raise self.err(_("{what} '{text}' is longer than 255 bytes").format(
                               what=what, text=tok.text), tok.line,
                           _("a whole name is at most 255 bytes in wire format"))
        return text.lower()

    def ascii_name(self, text: str, tok: Token, what: str) -> str:
        """An internationalised name (日本.example.org.) in its ASCII form (xn--wgv71a…)."""
        if text.isascii():
            return text
        try:
            return ".".join(idna.encode(label).decode() if not label.isascii() else label
                            for label in text.split("."))
        except idna.IDNAError as e:
            raise self.err(_("{what} '{text}' is not a valid internationalised name "
                             "({error})").format(what=what, text=tok.text, error=e),
                           tok.line, _("write it in its ASCII form (xn--…) or with letters and "
                                       "digits IDNA allows")) from None

    def number(self, tok: Token, what: str, bits: int) -> int:
        if not _decimal(tok.text) or int(tok.text) >= 2**bits:
            raise self.err(_("{what} '{text}' is not a number from 0 to {most}").format(
                               what=what, text=tok.text, most=2**bits - 1), tok.line,
                           _("write it in decimal digits, e.g. 10"))
        return int(tok.text)

    def directive(self, e: Entry) -> None:
        head = e.tokens[0]
        word = head.text.upper()
        args = e.tokens[1:]
        if word == "$ORIGIN":
            if len(args) != 1:
                raise self.err(_("$ORIGIN takes one name"), e.line,
                               _("e.g.  {example}").format(example="$ORIGIN example.org."))
            if not args[0].text.endswith(".") and self.origin is None:
                raise self.err(_("the first $ORIGIN must be an absolute name (ending with a dot)"),
                               e.line, _("e.g.  {example}").format(example="$ORIGIN example.org."))
            self.origin = self.name(args[0], _("origin"))
        elif word == "$TTL":
            if len(args) != 1:
                raise self.err(_("$TTL takes one value"), e.line,
                               _("e.g.  $TTL 3600  or  $TTL 1h"))
            self.default_ttl = self.ttl(args[0])
        elif word in ("$INCLUDE", "$GENERATE"):
            raise self.err(_("{directive} is not supported").format(directive=word), e.line,
                           _("put every record in this one file"))
        else:
            raise self.err(_("unknown directive '{directive}'").format(directive=head.text),
                           e.line, _("valid: {names}").format(names="$ORIGIN, $TTL"))

    def entry(self, e: Entry) -> None:
        toks = list(e.tokens)
        if toks[0].text.startswith("$") and not e.blank_owner:
            return self.directive(e)
        if e.blank_owner:
            if self.last_owner is None:
                raise self.err(_("this record starts with a blank, which means 'same owner as the "
                                 "record before', but there is no record before"), e.line,
                               _("start the line with the owner name (or @)"))
            owner = self.last_owner
        else:
            owner = self.name(toks.pop(0), _("owner name"))
        ttl = None
        rclass = None
        while toks:
            t = toks[0]
            if ttl is None and not t.quoted and _TTL_RE.match(t.text) and t.text.upper() not in TYPES:
                ttl = self.ttl(toks.pop(0))
            elif rclass is None and t.text.upper() in CLASSES:
                rclass = toks.pop(0).text.upper()
            else:
                break
        if rclass not in (None, "IN"):
            raise self.err(_("class {name} is not supported").format(name=rclass), e.line,
                           _("use class IN (or leave it out)"))
        if not toks:
            raise self.err(_("record has no type"), e.line,
                           _("valid types: {names}").format(names=", ".join(sorted(TYPES))))
        type_tok = toks.pop(0)
        rtype = type_tok.text.upper()
        if rtype not in TYPES and ttl is None and re.fullmatch(r"[-+.\d][\w.]*", rtype):
            raise self.err(_("'{text}' is not a valid TTL").format(text=type_tok.text),
                           type_tok.line,
                           _("a TTL is a whole number of seconds from 0 to {most}, or with units "
                             "w d h m s (1h30m)").format(most=MAX_TTL))
        if rtype not in TYPES:
            raise self.err(_("unsupported record type '{type}'").format(type=type_tok.text),
                           type_tok.line,
                           _("valid types: {names}").format(names=", ".join(sorted(TYPES))))
        rdata = self.rdata(rtype, toks, e.line)
        if ttl is None:
            if self.default_ttl is not None:
                ttl = self.default_ttl
            elif self.last_ttl is not None:
                ttl = self.last_ttl
            elif rtype == "SOA":
                ttl = self.last_ttl = rdata[-1]  # as BIND does: the SOA minimum becomes the default
            else:
                raise self.err(_("record has no TTL and there is no $TTL before it"), e.line,
                               _("put  $TTL 3600  at the top of the file"))
        else:
            self.last_ttl = ttl
        self.last_owner = owner
        self.records.append(Record(owner, ttl, rtype, rdata, e.line))

    def rdata(self, rtype: str, toks: list[Token], line: int) -> Any:
        def need(count: int) -> None:
            if len(toks) != count:
                raise self.err(ngettext("{type} record has {count} data field, expected {want}",
                                        "{type} record has {count} data fields, expected {want}",
                                        len(toks)).format(type=rtype, count=len(toks), want=count),
                               line, self.takes(rtype))

        if rtype in ADDRESS_TYPES:
            need(1)
            kind, family = ADDRESS_TYPES[rtype]
            try:
                return str(kind(toks[0].text))
            except ValueError:
                raise self.err(_("'{text}' is not an {family} address").format(
                                   text=toks[0].text, family=family), toks[0].line,
                               self.takes(rtype)) from None
        if rtype in ("NS", "CNAME"):
            need(1)
            return self.name(toks[0], _("{type} target").format(type=rtype))
        if rtype == "MX":
            need(2)
            return (self.number(toks[0], _("MX preference"), 16),
                    self.name(toks[1], _("mail server")))
        if rtype == "TXT":
            if not toks:
                need(1)
            strings = []
            for t in toks:
                s = decode_string(t, self.path)
                if len(s) > 255:
                    raise self.err(_("TXT string of {size} bytes").format(size=len(s)), t.line,
                                   _("each string is at most 255 bytes; split it into several "
                                     'quoted strings: "part one" "part two"'))
                strings.append(s)
            if sum(len(s) + 1 for s in strings) > 65535:
                raise self.err(_("TXT record of {size} bytes").format(
                                   size=sum(len(s) + 1 for s in strings)), line,
                               _("a record's data is at most 65535 bytes (its length is 16 "
                                 "bits); split it into several TXT records"))
            return strings
        if rtype == "SOA":
            need(7)
            mname = self.name(toks[0], _("SOA mname"))
            rname = self.name(toks[1], _("SOA rname"))
            serial = self.number(toks[2], _("SOA serial"), 32)
            times = [self.ttl(t) for t in toks[3:]]
            return (mname, rname, serial, *times)
        raise AssertionError(rtype)

    @staticmethod
    def takes(rtype: str) -> str:
        """What a record of type `rtype` takes, in words: "A takes an IPv4 address, e.g. …"."""
        return _("{type} takes {form}").format(type=rtype, form=_(FORMS[rtype]))


def parse_zone(text: str, path: str | Path | None = None, origin: str | None = None) -> Zone:
    """Parse and check a zone file; a mistake is a WorkbenchError naming file and line."""
    path = Path(path) if path is not None else None
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    if origin is not None and not origin.endswith("."):
        origin += "."
    p = _Parser(path, origin.lower() if origin else None)
    for e in tokenize(text, path):
        p.entry(e)
    records = p.records
    soas = [r for r in records if r.type == "SOA"]
    if not soas:
        raise WorkbenchError(_("the zone has no SOA record"), file=path,
                             hint=_("a zone starts with exactly one SOA record at its apex, e.g. "
                                    "{example}").format(example=FORMS["SOA"].split("e.g.  ")[1]))
    if len(soas) > 1:
        raise WorkbenchError(_("a second SOA record (a zone has exactly one)"), file=path,
                             line=soas[1].line,
                             hint=_("the first one is on line {line}").format(line=soas[0].line))
    apex = soas[0].owner
    if not any(r.type == "NS" and r.owner == apex for r in records):
        raise WorkbenchError(_("the zone apex {apex} has no NS record").format(apex=apex),
                             file=path, line=soas[0].line,
                             hint=_("add the zone's name servers, e.g.  @  IN NS ns1"))
    seen: set[tuple] = set()
    unique = []
    for r in records:
        if not is_subdomain(r.owner, apex):
            raise WorkbenchError(_("{owner} is outside the zone {apex}").format(owner=r.owner,
                                                                                 apex=apex),
                                 file=path, line=r.line,
                                 hint=_("every owner name must end with {apex}").format(apex=apex))
        key = (r.owner, r.type, r.rdata_wire())
        if key in seen:
            continue  # RFC 2181: duplicate records are one record
        seen.add(key)
        unique.append(r)
    for r in unique:
        if r.type == "NS" and r.owner.startswith("*."):
            raise WorkbenchError(_("a wildcard cannot delegate: NS record at {owner}").format(
                                     owner=r.owner), file=path, line=r.line,
                                 hint=_("name the child zone: sub IN NS ns.sub (RFC 4592 §4.2: "
                                        "wildcard NS records have no defined meaning)"))
    by_owner: dict[str, list[Record]] = {}
    for r in unique:
        by_owner.setdefault(r.owner, []).append(r)
    for owner, rs in by_owner.items():
        cnames = [r for r in rs if r.type == "CNAME"]
        if cnames and len(rs) > 1:
            other = next(r for r in rs if r is not cnames[0])
            raise WorkbenchError(
                _("{owner} has a CNAME and other records").format(owner=owner), file=path,
                line=max(other.line, cnames[0].line),
                hint=_("a name with a CNAME (line {line}) can have no other data (RFC 1034 "
                       "§3.6.2); give the other records another name").format(
                    line=cnames[0].line))
    return Zone(apex, unique, path)


def check_table_size(what: str, count: int, path: Path | None) -> None:
    """Refuse a zone the appliance's tables cannot count, rather than serve part of it
    (`what`, "names" or "records", is marked with N_() where it is written)."""
    if count > MAX_TABLE_ENTRIES:
        raise WorkbenchError(
            _("the zone has {count} {what}; the DNS appliance holds at most {most}").format(
                count=f"{count:,}", what=_(what), most=f"{MAX_TABLE_ENTRIES:,}"), file=path,
            hint=_("its tables count them in 16 bits (kernels/lib/dns/zone.h): split the zone, "
                   "or delegate part of it to other servers"))


def load_zone(path: str | Path, origin: str | None = None) -> Zone:
    path = Path(path)
    if not path.exists():
        raise WorkbenchError(_("zone file not found"), file=path)
    try:  # a regular file only (never /dev/zero or a FIFO), its size checked before reading
        text = read_regular(path, ZONE_FILE_LIMIT, N_("zone file")).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise WorkbenchError(_("zone file is not UTF-8 text ({reason})").format(reason=e.reason),
                             file=path) from None
    return parse_zone(text, path, origin)
