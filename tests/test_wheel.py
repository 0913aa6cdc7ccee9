"""The built wheel carries the templates, and an installed vaultkit finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO

SCRIPT = """
import vaultkit
from vaultkit.views.render import Renderer, builtin_templates_dir
print(vaultkit.__file__)
print(builtin_templates_dir())
print((builtin_templates_dir() / "person.md.j2").is_file())
print(Renderer(None).render("person.md.j2", name="Ada", aliases=[], tags=["person"], cadence=None,
      met=None, introduced_by=None, fields={}, today="2026-11-22"), end="")
"""


def test_the_wheel_carries_the_templates(tmp_path: Path) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", str(REPO), "-w", str(wheels)], check=True, timeout=120)
    (wheel,) = wheels.glob("vaultkit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "vaultkit/templates/person.md.j2" in names
    assert "vaultkit/__init__.py" in names
    assert not any(name.startswith(("tests/", "example-vault/", "bench/")) for name in names)

    subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True, timeout=120
    )
    # Run from elsewhere, with the installed copy first on the path: not the checkout.
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    module, templates, found, rendered = result.stdout.split("\n", 3)
    assert module == str(target / "vaultkit" / "__init__.py")
    assert templates == str(target / "vaultkit" / "templates")
    assert found == "True"
    assert rendered == "---\ntags: [person]\n---\n# Ada\n\n## Notes\n\n## Log\n"
