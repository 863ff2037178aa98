"""One build step on top of pyproject.toml: kb's docs/ folder goes into the package, as
generator/docs/, so that `kb init` installed from a wheel gives a new city the same guides and CI
workflow files as this repository's docs/ (one source; see generator/commands/init_repo.py)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithDocs(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads docs/ from the checkout itself
        target = Path(self.build_lib) / "generator" / "docs"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(Path(__file__).resolve().parent / "docs", target)


setup(cmdclass={"build_py": BuildWithDocs})
