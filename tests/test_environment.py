"""The lock, environment.yml and pyproject.toml agree."""
import re
import tomllib
from importlib import metadata

import yaml

from toolkit.sources import ROOT


def lock_pins() -> dict:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_every_lock_line_is_an_exact_pin():
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line), line


def test_environment_yml_carries_the_same_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    (pip,) = [d for d in env["dependencies"] if isinstance(d, dict)]
    pins = {}
    for line in pip["pip"]:
        name, version = line.split("==")
        pins[name.lower().replace("_", "-")] = version
    assert pins == lock_pins()


def test_direct_dependencies_are_in_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    pins = lock_pins()
    for dep in deps:
        name = re.split(r"[<>=\[; ]", dep)[0].lower().replace("_", "-")
        assert name in pins, f"{dep} is not pinned in requirements.lock"


def test_the_environment_is_the_lock():
    """What is installed is what the lock says (so figures reproduce)."""
    pins = lock_pins()
    for name in ("pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbval"):
        assert metadata.version(name) == pins[name]
