"""Build hooks (the rest of the metadata is in pyproject.toml): a wheel carries the browser
files GraphiQL and Swagger UI load, copied from node_modules into app/browser/ (the list is
app/assets.py's FILES), so an installed package serves /graphql and /docs without a checkout.
An sdist carries the same files under node_modules/, so a wheel built from it has them too.
Editable installs skip the copy: a checkout serves its own node_modules."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("_kanal_assets", ROOT / "app" / "assets.py")
assert _spec is not None and _spec.loader is not None
assets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(assets)


def _copy_assets(target: Path) -> None:
    source = ROOT / "node_modules"
    missing = [name for name in assets.FILES if not (source / name).is_file()]
    if missing:
        raise SystemExit(
            f"Missing browser files in {source}: {', '.join(missing)}. "
            "Install them first with `npm ci --no-audit --no-fund` (or scripts/setup)."
        )
    for name in assets.FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, target / name)


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            _copy_assets(Path(self.build_lib) / "app" / "browser")


class Sdist(sdist):
    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        _copy_assets(Path(base_dir) / "node_modules")


setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
