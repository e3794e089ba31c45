#!/usr/bin/env python3
"""Keeps the code readable: no Rust or Slint source file outside tests over 800 lines, no Rust
function over 120 lines. Prints each offender and exits 1 when there is one."""
import pathlib
import re
import sys

FILE_LIMIT = 800
FN_LIMIT = 120
ROOT = pathlib.Path(__file__).resolve().parent.parent
SKIP_DIRS = {"target", ".git", "tests", "benches", "fuzz"}
FN_START = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def is_test_file(path: pathlib.Path) -> bool:
    return path.name in ("tests.rs", "test.rs") or path.stem.endswith("_tests")


def sources():
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.startswith("wt-") for part in rel.parts):
            continue
        if path.suffix in (".rs", ".slint") and path.is_file() and not is_test_file(path):
            yield path, rel


def long_functions(lines):
    """(name, first line, length) of functions longer than the limit, by brace depth."""
    i = 0
    while i < len(lines):
        m = FN_START.match(lines[i])
        if not m:
            i += 1
            continue
        start, depth, opened, j = i, 0, False, i
        while j < len(lines):
            code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j].split("//")[0])
            depth += code.count("{") - code.count("}")
            opened = opened or "{" in code
            if opened and depth <= 0:
                break
            if not opened and code.rstrip().endswith(";"):
                break
            j += 1
        length = j - start + 1
        if opened and length > FN_LIMIT:
            yield m.group(6), start + 1, length
        i = start + 1


def main():
    bad = []
    for path, rel in sorted(sources()):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        # A trailing `#[cfg(test)] mod tests { ... }` is test code.
        for k, line in enumerate(lines):
            if line.startswith("#[cfg(test)]") and k + 1 < len(lines) and "mod tests" in lines[k + 1]:
                lines = lines[:k]
                break
        if len(lines) > FILE_LIMIT:
            bad.append(f"{rel}: {len(lines)} lines (limit {FILE_LIMIT})")
        if path.suffix == ".rs":
            for name, line, length in long_functions(lines):
                bad.append(f"{rel}:{line}: fn {name} is {length} lines (limit {FN_LIMIT})")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
