"""The dependency direction of gigafibre_fsm/layers.py holds for every import of the package,
those written inside functions too: no cycle, no pure rule that imports frappe or a service,
no service that imports an entry point, no runtime module that imports the tests."""

import ast
import sys
from pathlib import Path

import pytest

from gigafibre_fsm import layers

ROOT = Path(layers.__file__).resolve().parent
STDLIB = set(sys.stdlib_module_names)


def _module_name(path: Path) -> str:
	parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
	if parts[-1] == "__init__":
		parts.pop()
	return ".".join(parts)


def _modules() -> dict[str, Path]:
	return {_module_name(p): p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts}


MODULES = _modules()


def _is_test(name: str) -> bool:
	return (
		name == layers.TESTS
		or name.startswith(layers.TESTS + ".")
		or name.rsplit(".", 1)[-1].startswith("test_")
	)


def _imports(name: str, path: Path) -> tuple[set[str], set[str]]:
	"""(modules of the package, top-level names of other packages) that a module imports."""
	tree = ast.parse(path.read_text(encoding="utf-8"))
	package = name if path.name == "__init__.py" else name.rpartition(".")[0]
	inside, outside = set(), set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			targets = [(alias.name, ()) for alias in node.names]
		elif isinstance(node, ast.ImportFrom):
			if node.level:
				base = package.split(".")[: len(package.split(".")) - node.level + 1]
				module = ".".join([*base, node.module] if node.module else base)
			else:
				module = node.module or ""
			targets = [(module, tuple(alias.name for alias in node.names))]
		else:
			continue
		for module, names in targets:
			if module.split(".")[0] != layers.PACKAGE:
				outside.add(module.split(".")[0])
				continue
			# "from gigafibre_fsm.orders import pricing" imports the module orders.pricing.
			found = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
			inside.update(found or ([module] if module in MODULES else []))
	inside.discard(name)
	return inside, outside


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _in(name: str, prefixes) -> bool:
	return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_pure_modules_exist():
	assert set(layers.PURE) <= set(MODULES), set(layers.PURE) - set(MODULES)


def test_no_import_cycle():
	"""Tarjan's strongly connected components over every import of the package."""
	graph = {n: {m for m in GRAPH[n][0] if not _is_test(m)} for n in MODULES if not _is_test(n)}
	index: dict[str, int] = {}
	low: dict[str, int] = {}
	stack: list[str] = []
	on_stack: set[str] = set()
	cycles = []
	counter = [0]

	def visit(node: str) -> None:
		index[node] = low[node] = counter[0]
		counter[0] += 1
		stack.append(node)
		on_stack.add(node)
		for other in graph[node]:
			if other not in index:
				visit(other)
				low[node] = min(low[node], low[other])
			elif other in on_stack:
				low[node] = min(low[node], index[other])
		if low[node] == index[node]:
			component = []
			while True:
				other = stack.pop()
				on_stack.discard(other)
				component.append(other)
				if other == node:
					break
			if len(component) > 1:
				cycles.append(sorted(component))

	sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
	for node in graph:
		if node not in index:
			visit(node)
	assert not cycles, cycles


@pytest.mark.parametrize("name", layers.PURE)
def test_a_pure_rule_imports_no_frappe_and_no_service(name):
	inside, outside = GRAPH[name]
	assert not (outside - STDLIB - set(layers.PURE_LIBRARIES)), outside - STDLIB
	assert inside <= set(layers.PURE) | {layers.PACKAGE}, inside - set(layers.PURE)


def test_services_never_import_an_entry_point():
	wrong = {
		name: sorted(m for m in GRAPH[name][0] if _in(m, layers.ENTRY_POINTS))
		for name in MODULES
		if not _in(name, layers.ENTRY_POINTS) and not _is_test(name)
	}
	assert not {k: v for k, v in wrong.items() if v}


def test_runtime_code_never_imports_the_tests():
	wrong = {name: sorted(m for m in GRAPH[name][0] if _is_test(m)) for name in MODULES if not _is_test(name)}
	assert not {k: v for k, v in wrong.items() if v}


def test_the_walk_sees_the_imports_made_inside_functions():
	"""The check must not be blind: a lazy import is an import."""
	inside, _ = GRAPH["gigafibre_fsm.orders.pipeline"]
	assert "gigafibre_fsm.integrations.stripe_api" in inside
