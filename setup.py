"""The build hook: a built package (wheel, or ``pip install <checkout>``) carries what the app
reads beside its code, under ``consult/_data/``: templates, static files, workflows, config,
migrations, and the translations with their catalogs compiled (``.mo``), so an installed
consult serves its pages in Vietnamese without ``make``. The metadata is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA = ("templates", "static", "translations", "workflows", "config", "migrations")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules")


def compile_catalogs(translations: Path) -> list[Path]:
    """Each ``LC_MESSAGES/messages.po`` compiled beside itself (Babel, as pybabel does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalog)
        written.append(mo)
    return written


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "consult" / "_data"
        if target.exists():
            shutil.rmtree(target)
        for name in DATA:
            if (HERE / name).is_dir():
                shutil.copytree(HERE / name, target / name, ignore=SKIP)
        compile_catalogs(target / "translations")


setup(cmdclass={"build_py": BuildWithData})
