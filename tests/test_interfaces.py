"""Interface descriptions must match their C headers exactly: glue is generated from them."""

from __future__ import annotations

import pytest

from workbench.core.builder.toolchain import BuildError, get_toolchain
from workbench.core.model.catalogue import FunctionSpec
from workbench.core.model.headers import header_prototypes, mismatches

from .conftest import KERNELS


def test_every_description_matches_its_header(catalogue):
    problems = [p for i in catalogue.interfaces.values() for p in mismatches(i, KERNELS / "include")]
    assert problems == []


def test_every_interface_has_functions_and_a_summary(catalogue):
    for i in catalogue.interfaces.values():
        assert i.summary, i.name
        assert i.functions, f"{i.name} describes no functions"


def test_a_wrong_description_is_caught(catalogue):
    alloc = catalogue.interfaces["alloc"]
    wrong = FunctionSpec("malloc", "void *", [("size", "int")])
    original = alloc.functions
    alloc.functions = [wrong, *original[1:]]
    try:
        problems = mismatches(alloc, KERNELS / "include")
    finally:
        alloc.functions = original
    assert len(problems) == 1 and "malloc" in problems[0] and "size_t size" in problems[0]


def test_header_parser_reads_attributes_and_varargs(tmp_path):
    h = tmp_path / "x.h"
    h.write_text("/* c */\n#include <stddef.h>\nvoid power_exit(int code) __attribute__((noreturn));\n"
                 "int printf(const char *fmt, ...);\nstatic inline int f(void) { return 1; }\n")
    p = header_prototypes(h)
    assert p["power_exit"] == ("void", [("code", "int")])
    assert p["printf"] == ("int", [("fmt", "const char*"), ("", "...")])


def _compile_prototypes(iface, tmp_path, functions=None) -> None:
    """Compile the interface's header followed by every prototype the workbench renders from
    its description: a redeclaration that differs from the header's is a C error."""
    lines = [f'#include "{iface.header}"'] + [f.prototype() for f in functions or iface.functions]
    src = tmp_path / f"{iface.name}_prototypes.c"
    src.write_text("\n".join(lines) + "\n")
    get_toolchain("zig").compile(src, tmp_path / f"{iface.name}.o",
                                 ["-I", str(KERNELS / "include"), "-Werror"])


def test_prototype_rendering_is_valid_c(catalogue, tmp_path):
    """Every interface's rendered prototypes compile with the real toolchain and agree with
    the declarations of its header (the generated glue uses these very prototypes)."""
    assert len(catalogue.interfaces) >= 10
    for iface in catalogue.interfaces.values():
        _compile_prototypes(iface, tmp_path)


def test_a_rendered_prototype_that_disagrees_does_not_compile(catalogue, tmp_path):
    alloc = catalogue.interfaces["alloc"]
    wrong = FunctionSpec("malloc", "void *", [("size", "int")])
    with pytest.raises(BuildError) as e:
        _compile_prototypes(alloc, tmp_path, [wrong])
    assert "malloc" in e.value.output and "conflicting types" in e.value.output
