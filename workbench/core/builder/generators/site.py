"""A folder of web pages compiled into the web-server appliance ("http-site" generator).

Every file under the site folder becomes a constant in the image, with its URL path and its
content type decided here, at build time. The server then looks requests up in a table: there
is no file system in the image, so there is no path to escape from ("/../etc/passwd" is simply
not in the table).

The bytes go into the image with the assembler's `.incbin` directive (no 6 MB C array for a
1 MB file): the generator copies each file next to the generated C source, which includes it.

Files that would bloat the repository can be *made* at build time instead of stored: the
folder may hold a `site.toml` (never served) with entries such as

    [[generated]]
    path = "files/random-1m.bin"     # URL path below the site root
    bytes = 1048576
    seed = "unikernel-workbench"     # the same seed always gives the same bytes

whose content is `generated_bytes(seed, bytes)`, a deterministic pseudo-random stream, so a
test can compute the expected checksum without storing the file.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any

from workbench.core.model.errors import WorkbenchError
from workbench.core.model.files import write_if_changed
from workbench.core.model.manifest import Table, read_toml
from workbench.core.model.paths import figure, is_inside, read_regular
from workbench.core.run.machines import MICROVM
from workbench.i18n import N_, _

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",  # RFC 9239 (older tables: application/javascript)
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
    ".bin": "application/octet-stream",
}
DEFAULT_TYPE = "application/octet-stream"
MANIFEST = "site.toml"
MAX_FILES = 4096
SITE_LIMIT = MICROVM.memory_mib // 2 << 20  # bytes of files: half the guest's memory
_LIMIT_WHY = N_("the limit is half of the guest's {mib} MiB of memory; the rest is the server's")
SITE_LIMIT_WHY = _LIMIT_WHY.format(mib=MICROVM.memory_mib)  # in English; shown by _limit_why()


def _limit_why() -> str:
    return _(_LIMIT_WHY).format(mib=MICROVM.memory_mib)
_URL_SAFE = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@/-]+$")


@dataclass
class SiteFile:
    path: str  # URL path, "/index.html"
    content_type: str
    data: bytes
    origin: str  # where it came from, for messages and comments
    mtime: int = 0  # the file's modification time at build, seconds since 1970

    @property
    def etag(self) -> str:
        """A strong validator computed from the bytes: it changes exactly when the content does."""
        return '"' + hashlib.sha256(self.data).hexdigest()[:20] + '"'

    @property
    def last_modified(self) -> str:
        """The HTTP date of mtime (RFC 9110 §5.6.7: "Sun, 06 Nov 1994 08:49:37 GMT")."""
        return formatdate(self.mtime, usegmt=True)


def generated_bytes(seed: str, size: int) -> bytes:
    """The deterministic content of a generated file (SHAKE-256 of the seed, `size` bytes)."""
    return hashlib.shake_256(seed.encode("utf-8")).digest(size)


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(Path(name).suffix.lower(), DEFAULT_TYPE)


def _check_url(url: str, where: Path, line: int | None = None) -> None:
    if not _URL_SAFE.match(url) or "//" in url or "/./" in url or "/../" in url:
        raise WorkbenchError(
            _("'{url}' cannot be a URL path of the site").format(url=url), file=where, line=line,
            hint=_("use letters, digits and . _ - ~ in file and folder names (no spaces)"))


def _read_site_file(p: Path, folder: Path) -> bytes:
    """A file of the site: a regular file whose real path is inside the site folder."""
    if not is_inside(p, folder):
        raise WorkbenchError(_("a link to {path}, outside the site folder").format(
                                 path=os.path.realpath(p)),
                             file=p, hint=_("the site serves only regular files inside its "
                                            "folder: copy the file in instead of linking to it"))
    return read_regular(p, SITE_LIMIT, N_("site file"), why=_limit_why())


def _check_total(total: int, where: Path) -> None:
    if total > SITE_LIMIT:
        raise WorkbenchError(
            _("the site holds more than {limit} (at {total} with this file)").format(
                limit=figure(SITE_LIMIT), total=figure(total)),
            file=where, hint=_limit_why())


def _generated(folder: Path, room: int = SITE_LIMIT) -> list[SiteFile]:
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return []
    data, text = read_toml(manifest, N_("site manifest"))
    t = Table(data, manifest, text)
    t.check_keys({"generated"})
    files = []
    for i, entry in enumerate(t.get("generated", list, [])):
        if not isinstance(entry, dict):
            raise t.error("generated", _("generated[{index}] must be a table "
                                         "[[generated]]").format(index=i))
        e = Table(entry, manifest, text, "generated", index=i)
        e.check_keys({"path", "bytes", "seed", "type"})
        url = "/" + e.get("path", str, what=N_("URL path below the site root")).lstrip("/")
        _check_url(url, manifest)
        size = e.get("bytes", int, what=N_("size of the generated file"))
        if not 0 <= size <= 64 * 1024 * 1024:
            raise e.error("bytes", _("bytes = {size} is out of range").format(size=size),
                          hint=_("0 to 67108864 (64 MiB)"))
        room -= size
        if room < 0:
            raise e.error("bytes", _("the generated files would make the site larger than "
                                     "{limit}").format(limit=figure(SITE_LIMIT)),
                          hint=_limit_why())
        seed = e.get("seed", str, url)
        ctype = e.get("type", str, content_type(url))
        files.append(SiteFile(url, ctype, generated_bytes(seed, size), f"{MANIFEST}: {url}",
                              int(manifest.stat().st_mtime)))
    return files


def collect_site(folder: str | Path) -> list[SiteFile]:
    """Every file the site serves, sorted by URL path; errors name the offending file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise WorkbenchError(_("the site must be a folder of files"), file=folder,
                             hint=_("point the option at a folder holding index.html"))
    files: dict[str, SiteFile] = {}
    total = 0
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or (p.is_dir() and not p.is_symlink()):
            continue  # hidden files (and folders) are never served
        if rel.as_posix() == MANIFEST:
            continue
        url = "/" + rel.as_posix()
        _check_url(url, p)
        data = _read_site_file(p, folder)
        total += len(data)
        _check_total(total, p)
        files[url] = SiteFile(url, content_type(p.name), data, rel.as_posix(),
                              int(p.stat().st_mtime))
    for g in _generated(folder, SITE_LIMIT - total):
        if g.path in files:
            raise WorkbenchError(_("{path} is both a file and a generated entry").format(
                                     path=g.path),
                                 file=folder / MANIFEST, hint=_("remove one of them"))
        files[g.path] = g
    if not files:
        raise WorkbenchError(_("the site folder has no files to serve"), file=folder,
                             hint=_("add an index.html"))
    if len(files) > MAX_FILES:
        raise WorkbenchError(_("the site has {count} files").format(count=len(files)),
                             file=folder, hint=_("at most {most}").format(most=MAX_FILES))
    return [files[k] for k in sorted(files)]


def site_folders(files: list[SiteFile]) -> list[str]:
    """Every folder that holds a served file, "/" included, as "/docs/" (sorted)."""
    folders = {"/"}
    for f in files:
        parts = f.path.split("/")[1:-1]
        folders.update("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
    return sorted(folders)


def _c_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def site_to_c(files: list[SiteFile], blob_paths: list[Path], source: str) -> str:
    out = [
        f"/* Generated by the workbench's http-site generator from {source.replace('*/', '')}.",
        " * Do not edit: change the site folder and rebuild. */",
        '#include "site.h"',
        "",
        "/* Each file's bytes are pulled in by the assembler (.incbin), into read-only data. */",
    ]
    for i, (f, blob) in enumerate(zip(files, blob_paths)):
        path = str(blob.resolve()).replace("\\", "\\\\").replace('"', '\\"')
        out += [
            f"/* {f.origin.replace('*/', '')}: {len(f.data)} bytes */",
            "__asm__(",
            f'    ".section .rodata.site_blob_{i},\\"a\\",@progbits\\n"',
            '    ".balign 16\\n"',
            f'    "site_blob_{i}:\\n"',
            f'    ".incbin \\"{path}\\"\\n"',
            '    ".byte 0\\n"',  # so an empty file still has an address of its own
            '    ".previous\\n");',
            f"extern const uint8_t site_blob_{i}[];",
        ]
    out += ["", "const struct site_file site_files[] = {"]
    for i, f in enumerate(files):
        out.append(f"    {{{_c_string(f.path)}, {_c_string(f.content_type)}, site_blob_{i}, "
                   f"{len(f.data)}u, {_c_string(f.etag)}, {_c_string(f.last_modified)}, "
                   f"{f.mtime}}},")
    out += ["};", f"const uint16_t site_file_count = {len(files)};", ""]
    folders = site_folders(files)
    out += ["/* Folders: \"/docs\" is redirected to \"/docs/\"; a folder without index.html is 403. */",
            "const char *const site_folders[] = {"]
    out += [f"    {_c_string(d)}," for d in folders]
    out += ["};", f"const uint16_t site_folder_count = {len(folders)};", ""]
    return "\n".join(out)


def generate(source: Path, out_dir: Path, options: dict[str, Any]) -> None:
    files = collect_site(source)
    blobs = []
    for i, f in enumerate(files):
        blob = out_dir / f"site_{i}.bin"
        write_if_changed(blob, f.data)
        blobs.append(blob)
    for stale in out_dir.glob("site_*.bin"):
        if stale not in blobs:
            stale.unlink()
    write_if_changed(out_dir / "site.c", site_to_c(files, blobs, source.name).encode())
