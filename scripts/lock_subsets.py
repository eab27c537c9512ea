"""The three locks, from the one resolved tree (requirements/lock.txt, made by
scripts/lock-requirements.sh):

- requirements/lock.txt: everything, for `make install` and the tests (dev);
- requirements/runtime-lock.txt: what the Rasa server image needs (Rasa, the NLU pipeline
  steps, the stores and channels), without the test and PDF tools;
- requirements/actions-lock.txt: what the action server image needs (rasa-sdk and what
  actions/ and the bot/ modules it uses import), without Rasa or TensorFlow.

Each image's roots are declared in requirements/runtime.in and requirements/actions.in;
a subset is those roots and everything they require (read from the installed packages'
own metadata), at the versions of lock.txt. With --hashes every line gets the sha256
of the file pip downloads for it (Linux x86_64, CPython 3.11: this machine and the
images), so pip installs in hash-checking mode.

`imports_of` finds the third-party imports of a set of modules by reading their code
(every `import`, also inside functions), following first-party modules (bot, actions):
tests/test_locks.py checks each image's lock against what its code imports.

    python scripts/lock_subsets.py [--hashes]
"""
from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from rasa_requirements import AS_IF_310  # noqa: E402  (the markers lock-requirements.sh used)
REQUIREMENTS = ROOT / "requirements"
FIRST_PARTY = ("bot", "actions")
SUBSETS = {"runtime": "runtime-lock.txt", "actions": "actions-lock.txt"}


# -- what code imports -------------------------------------------------------------------

def _module_file(name: str) -> Path | None:
    path = ROOT.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _imports(path: Path, module: str) -> set[str]:
    found = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from .x import y
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found |= {f"{prefix}.{alias.name}" for alias in node.names}
    return found


def imports_of(entries: list[str]) -> set[str]:
    """Top-level names of the third-party modules that the entry modules (and every
    first-party module they import, at any depth) import."""
    seen, todo, third = set(), list(entries), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is None:
            continue
        for imported in _imports(path, name):
            top = imported.split(".")[0]
            if top in FIRST_PARTY:
                todo.append(imported)
            elif top and top not in sys.stdlib_module_names and top != "__future__":
                third.add(top)
    return third


def distributions_of(modules: set[str]) -> set[str]:
    """The installed distributions that provide these top-level modules."""
    provided = metadata.packages_distributions()
    return {canonicalize_name(d) for m in modules for d in provided.get(m, [])}


# -- what a lock holds -------------------------------------------------------------------

def pins(path: Path) -> dict[str, str]:
    """name -> the line's `name==version` (hash lines dropped) for a lock file."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", line)
        if match:
            found[canonicalize_name(match.group(1))] = f"{match.group(1)}=={match.group(2)}"
    return found


def declared(path: Path) -> list[str]:
    return [line.split("#")[0].strip() for line in path.read_text().splitlines() if line.split("#")[0].strip()]


def closure(roots: list[str], no_deps: set[str] = frozenset()) -> set[str]:
    """The roots and everything their installed metadata requires, for this Python; not
    what the packages in `no_deps` declare (installed without it: requirements/no-deps.in)."""
    environment = default_environment()
    found, todo = set(), [canonicalize_name(Requirement(r).name) for r in roots]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        if name in no_deps:
            continue
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        # Rasa's markers are read as for Python 3.10, as its dependency list was installed.
        where = {**environment, "extra": "", **(AS_IF_310 if name in ("rasa", "rasa-sdk") else {})}
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate(where):
                todo.append(canonicalize_name(requirement.name))
    return found


def hashes(lines: list[str]) -> dict[str, list[str]]:
    """`name==version` -> sha256 of the file pip downloads for it here."""
    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "req.txt"
        listing.write_text("\n".join(lines) + "\n")
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--ignore-requires-python",
                        "-r", str(listing), "-d", folder], check=True)
        found: dict[str, list[str]] = {}
        for file in Path(folder).iterdir():
            if file.name == "req.txt":
                continue
            out = subprocess.run([sys.executable, "-m", "pip", "hash", str(file)], check=True,
                                 capture_output=True, text=True).stdout
            digest = re.search(r"--hash=(sha256:[0-9a-f]+)", out).group(1)
            name = canonicalize_name(re.split(r"-\d", file.name, maxsplit=1)[0].replace("_", "-"))
            found.setdefault(name, []).append(digest)
        return found


def write(path: Path, header: list[str], lines: list[str], digests: dict[str, list[str]] | None) -> None:
    body = []
    for line in sorted(lines, key=str.lower):
        name = canonicalize_name(line.split("==")[0])
        if digests is not None:
            if name not in digests:
                raise SystemExit(f"no downloaded file for {line}")
            line += "".join(f" \\\n    --hash={d}" for d in sorted(digests[name]))
        body.append(line)
    path.write_text("\n".join(header + body) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hashes", action="store_true", help="add the sha256 of each file (downloads them)")
    args = parser.parse_args()
    full = pins(REQUIREMENTS / "lock.txt")
    subsets = {}
    for name in SUBSETS:
        no_deps = {canonicalize_name(Requirement(r).name) for r in declared(REQUIREMENTS / "no-deps.in")}
        wanted = closure(declared(REQUIREMENTS / f"{name}.in"), no_deps)
        missing = sorted(wanted - set(full))
        if missing:
            raise SystemExit(f"{name}.in needs packages that are not in lock.txt: {missing}")
        subsets[name] = [full[n] for n in wanted]
    digests = hashes(list(full.values())) if args.hashes else None
    header = [line for line in (REQUIREMENTS / "lock.txt").read_text().splitlines()[:3] if line.startswith("#")]
    write(REQUIREMENTS / "lock.txt", header, list(full.values()), digests)
    for name, lines in subsets.items():
        write(REQUIREMENTS / SUBSETS[name], [f"# The {name} image's packages: requirements/{name}.in and what they require.",
                                             "# Generated by scripts/lock_subsets.py from requirements/lock.txt. "
                                             "Do not edit by hand."], lines, digests)
        print(f"wrote requirements/{SUBSETS[name]} ({len(lines)} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
