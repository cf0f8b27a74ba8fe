"""The house's layers, read from the imports (``ast``): each package imports only those below it, no module
imports itself round a cycle, and nothing below the web layer imports Flask. See ARCHITECTURE.md."""
import ast
from collections import defaultdict

from conftest import ROOT

PACKAGE = ROOT / "ipreg"
# Lowest first. Packages of one rank do not import each other.
LAYERS = [
    {"models", "config", "snapshots"},
    {"database"},
    {"core"},
    {"tables", "accounts", "spatial"},
    {"gazetteer"},
    {"registry"},
    {"reform"},
    {"batches", "maps"},
    {"jobs"},
    {"extensions"},  # Flask-SQLAlchemy and friends: only the web and CLI layers use them
    {"web", "cli"},
    {""},  # ipreg/__init__.py: the app factory
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
WEB = {"web", "cli", "", "extensions"}  # extensions binds Flask's extensions for the app factory


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        init = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if init else parts)
        yield name, (name if init else name.rsplit(".", 1)[0]), ast.parse(path.read_text())


def imports(package: str, tree: ast.AST, top_level_only: bool = False):
    """(imported module, at module level) for every ``from … import`` of ipreg in the tree."""
    level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("ipreg") and (not top_level_only or id(node) in level):
                yield target, node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("flask", "flask_login", "flask_wtf", "flask_babel", "werkzeug"):
                    yield alias.name, node


def capability(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_packages_import_only_downward():
    wrong = []
    for name, package, tree in modules():
        mine = capability(name)
        for target, node in imports(package, tree):
            theirs = capability(target)
            if theirs == mine or not target.startswith("ipreg"):
                continue
            if mine == "cli" and theirs == "":
                continue  # the CLI group builds the app with the factory (inside a function)
            if RANK[theirs] >= RANK[mine]:
                wrong.append(f"{name}:{node.lineno} imports {target}")
    assert wrong == []


def test_no_import_cycle_between_modules():
    graph = defaultdict(set)
    known = set()
    for name, package, tree in modules():
        known.add(name)
        for target, _node in imports(package, tree, top_level_only=True):
            graph[name].add(target)
    graph = {m: {t if t in known else t.rsplit(".", 1)[0] for t in ts} & known for m, ts in graph.items()}
    state, cycles = {}, []

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycles.append(" → ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_flask_only_in_the_web_layers():
    found = [f"{name}:{node.lineno}" for name, package, tree in modules() if capability(name) not in WEB
             for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
             and any((getattr(node, "module", None) or alias.name).split(".")[0]
                     in ("flask", "flask_login", "flask_wtf", "flask_babel", "flask_smorest")
                     for alias in node.names)]
    assert found == []
