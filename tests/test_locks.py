"""Three locks, each with hashes (engineering review §7, item 7): everything for `make
install` and the tests; the Rasa server image's; the action server image's, without Rasa
or TensorFlow. Each image's declared packages cover what its code imports."""
from __future__ import annotations

import pkgutil
import re
import sys

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from lock_subsets import declared, distributions_of, imports_of, pins  # noqa: E402

REQUIREMENTS = ROOT / "requirements"
LOCKS = ["lock.txt", "runtime-lock.txt", "actions-lock.txt"]
TEST_TOOLS = {"pytest", "hypothesis", "playwright", "pypdf", "kubernetes-validate"}
# What each image runs: the action server loads every module of actions/; the Rasa server
# the pipeline steps, stores and channels its settings name, and the purge CronJob.
SETTINGS = ["config.yml", "endpoints.yml", "endpoints.cluster.yml", "credentials.yml"]


def rasa_side_modules() -> list[str]:
    named = set()
    for name in SETTINGS:
        named |= {m.rsplit(".", 1)[0] for m in re.findall(r"\bbot\.[a-z_.]+\.[A-Z]\w+", (ROOT / name).read_text())}
    return sorted(named | {"bot.purge"})


def action_modules() -> list[str]:
    return ["actions." + m.name for m in pkgutil.iter_modules([str(ROOT / "actions")])]


def declared_names(name: str) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in declared(REQUIREMENTS / name)}


@pytest.mark.parametrize("lock", LOCKS)
def test_every_package_is_pinned_with_a_hash(lock):
    text = (REQUIREMENTS / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", "\n".join(l for l in text.splitlines() if not l.startswith("#")).strip())
    assert len(entries) > 20
    for entry in entries:
        assert re.match(r"^[A-Za-z0-9_.\-]+==\S+", entry), entry
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), f"no hash: {entry.splitlines()[0]}"


@pytest.mark.parametrize("lock", ["runtime-lock.txt", "actions-lock.txt"])
def test_each_image_lock_is_the_full_locks_versions_without_the_test_tools(lock):
    full, part = pins(REQUIREMENTS / "lock.txt"), pins(REQUIREMENTS / lock)
    assert all(full.get(name) == line for name, line in part.items()), "versions must be lock.txt's"
    assert not TEST_TOOLS & set(part)


def test_the_action_server_image_has_neither_rasa_nor_tensorflow():
    part = pins(REQUIREMENTS / "actions-lock.txt")
    assert "rasa-sdk" in part
    assert not {"rasa", "tensorflow", "tensorflow-cpu"} & set(part)
    assert len(part) < len(pins(REQUIREMENTS / "runtime-lock.txt")) / 3


@pytest.mark.parametrize("image, modules, lock", [
    ("actions.in", action_modules, "actions-lock.txt"),
    ("runtime.in", rasa_side_modules, "runtime-lock.txt"),
])
def test_what_the_code_imports_is_declared_and_locked(image, modules, lock):
    imported = distributions_of(imports_of(modules()))
    assert imported, "the code imports third-party packages"
    assert imported <= declared_names(image), f"imported but not declared in {image}: {imported - declared_names(image)}"
    assert imported <= set(pins(REQUIREMENTS / lock))


def test_the_images_install_their_own_lock_checking_hashes():
    for dockerfile, lock in (("Dockerfile.bot", "runtime-lock.txt"), ("Dockerfile.actions", "actions-lock.txt")):
        text = (ROOT / "deploy" / dockerfile).read_text()
        assert f"-r requirements/{lock}" in text and "--require-hashes" in text, dockerfile
        assert f"!requirements/{lock}" in (ROOT / "deploy" / f"{dockerfile}.dockerignore").read_text()
