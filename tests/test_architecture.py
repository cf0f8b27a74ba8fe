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
    {"actions"},  # one function per officer action: checks access, owns the transaction
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


ADAPTER_CALLS = ("db.session.commit()", "select(", "session.execute(")


def test_adapters_neither_commit_nor_query():
    """Views and commands call ``ipreg.actions`` (or the packages below), which own queries and transactions."""
    found = [f"{path.relative_to(ROOT)}:{n}: {call}"
             for folder in ("web", "cli") for path in sorted((PACKAGE / folder).rglob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), 1) for call in ADAPTER_CALLS if call in line]
    assert found == []


def test_modules_and_functions_stay_small():
    """No module over 400 lines, no function over 60 (migrations aside): a newcomer reads one at a time."""
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text().count("\n")
        if lines > 400:
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 60:
                too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: "
                                f"{node.end_lineno - node.lineno + 1} lines")
    assert too_long == []


def test_the_scope_of_a_provincial_user_is_written_once():
    """Only ``registry/visibility.py`` turns a user's provinces into a clause; lists ask it."""
    writers = [str(path.relative_to(ROOT)) for path in sorted(PACKAGE.rglob("*.py"))
               if "province_code.in_(" in path.read_text() and path.name != "visibility.py"
               and "scope" in path.read_text().split("province_code.in_(", 1)[1][:40]]
    assert writers == []
