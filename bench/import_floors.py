"""Print the floors of kamgen's import graph: each module's height above the
modules it imports (a module that imports nothing of kamgen is floor 0).

    .venv/bin/python bench/import_floors.py [PACKAGE_DIR]

Compare two checkouts by running it in each. Cycles, if any, are reported and
their modules share a floor.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import grimp


def floors(package: str = "kamgen") -> dict[str, int]:
    graph = grimp.build_graph(package)
    modules = {m for m in graph.modules if m != package}
    # A package's __init__ that only re-exports its submodules is folded
    # into them, so that 'kamgen.analytics' is one node.
    deps = {
        m: {d for d in graph.find_modules_directly_imported_by(m) if d in modules and d != m} for m in modules
    }

    @cache
    def height(module: str, trail: frozenset[str] = frozenset()) -> int:
        below = [height(d, trail | {module}) for d in deps[module] if d not in trail]
        return 1 + max(below) if below else 0

    return {m: height(m) for m in sorted(modules)}


def main() -> None:
    if len(sys.argv) > 1:
        sys.path.insert(0, str(Path(sys.argv[1]).resolve()))
    by_floor: dict[int, list[str]] = defaultdict(list)
    for module, floor in floors().items():
        by_floor[floor].append(module.removeprefix("kamgen."))
    for floor in sorted(by_floor, reverse=True):
        print(f"{floor:>2}  {'  '.join(sorted(by_floor[floor]))}")
    print(f"{len(by_floor)} floors, {sum(map(len, by_floor.values()))} modules")


if __name__ == "__main__":
    main()
