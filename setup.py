"""The build step that pyproject.toml cannot declare: what a wheel carries beyond the sources.

- The interface's catalogues (``docservice/translations/**/messages.po``) are compiled to
  ``.mo`` files inside the wheel: generated, never committed.
- The built-in document types' templates (``templates_kk/<type>.*``, ``templates_ru/<type>.*``
  at the top of the repository, as designed) are shipped inside the plugin that uses them:
  ``plugins/<type>/templates_<lang>/``, where ``plugins.template_folders`` finds them.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
LANGUAGES = ("kk", "ru")


class BuildWithRuntimeFiles(build_py):
    def run(self):
        super().run()
        if not self.editable_mode:
            build = Path(self.build_lib)
            self._compile_catalogues(build)
            self._ship_templates(build)

    def _compile_catalogues(self, build: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted((ROOT / "docservice" / "translations").glob("*/*/LC_MESSAGES/messages.po")):
            target = build / po.relative_to(ROOT).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source)
            with target.open("wb") as out:
                write_mo(out, catalog)

    def _ship_templates(self, build: Path) -> None:
        for plugin in sorted(p for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists()):
            for lang in LANGUAGES:
                for template in sorted((ROOT / f"templates_{lang}").glob(f"{plugin.name}.*")):
                    target = build / "plugins" / plugin.name / f"templates_{lang}" / template.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    self.copy_file(str(template), str(target))


setup(cmdclass={"build_py": BuildWithRuntimeFiles})
