"""The lock files (requirements.txt, requirements-dev.txt) pin every dependency that
pyproject.toml names, at a version pyproject.toml allows, and agree with each other: a
fresh clone installs what CI passed with (`make lock` compiles them)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            pins[_normal(match.group(1))] = match.group(2)
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(text) for text in declared]


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.txt", [None]), ("requirements-dev.txt", [None, "dev"])]
)
def test_every_declared_dependency_is_pinned_within_its_range(lock, extras):
    pins = _pins(lock)
    for extra in extras:
        for requirement in _declared(extra):
            name = _normal(requirement.name)
            assert name in pins, f"{requirement.name} is not pinned in {lock}: run make lock"
            assert requirement.specifier.contains(pins[name], prereleases=True), (
                f"{lock} pins {requirement.name}=={pins[name]}, outside {requirement.specifier}"
            )


def test_dev_lock_keeps_the_app_versions():
    app, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert {name: dev.get(name) for name in app} == app
