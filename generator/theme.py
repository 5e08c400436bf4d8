"""Finding theme files: a site's ``themes/<name>/`` overrides the default theme file by file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .model import SiteConfig
from .problems import Problem, error

if TYPE_CHECKING:
    import jinja2

_HERE = Path(__file__).resolve().parent


def default_theme_dir() -> Path:
    """The default theme: inside the package when installed from a wheel, else the repository's."""
    for candidate in (_HERE / "themes" / "default", _HERE.parent / "themes" / "default"):
        if (candidate / "templates").is_dir():
            return candidate
    raise FileNotFoundError("gongkai's default theme is missing from this installation")


@dataclass(frozen=True)
class Theme:
    """Template and static folders, most specific first."""

    dirs: tuple[Path, ...]

    def environment(self) -> jinja2.Environment:
        """A Jinja environment that escapes everything and fails on a missing field."""
        import jinja2  # here, not above: a build with nothing to do needs the theme's folder only

        loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d / "templates")) for d in self.dirs])
        return jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def own_templates(self) -> bool:
        """Whether a folder in front of the default theme holds templates of its own (a site's or a
        county platform's): gongkai then cannot know what its pages show."""
        default = default_theme_dir().resolve()
        return any(d.resolve() != default and (d / "templates").is_dir() and any((d / "templates").rglob("*.html")) for d in self.dirs)

    def static_files(self) -> dict[str, Path]:
        """Static files by their path under ``static/``; a site's file replaces the default's."""
        found: dict[str, Path] = {}
        for directory in reversed(self.dirs):
            static = directory / "static"
            if not static.is_dir():
                continue
            for path in sorted(static.rglob("*")):
                if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                    found[path.relative_to(static).as_posix()] = path
        return dict(sorted(found.items()))


def load_theme(site_dir: Path, name: str, first: Path | None = None) -> Theme:
    """The site's theme folder (if any) in front of the default theme, and ``first`` (a county
    platform's theme folder) in front of both."""
    default = default_theme_dir()
    own = site_dir / "themes" / name
    dirs = (own, default) if own.is_dir() and own.resolve() != default.resolve() else (default,)
    if first is not None and first.is_dir() and first.resolve() not in {d.resolve() for d in dirs}:
        dirs = (first, *dirs)
    return Theme(dirs)


def asset_problems(site_dir: Path, config: SiteConfig) -> list[Problem]:
    """Theme files the settings name that the theme does not have (the 党政机关网站标识 image)."""
    badge = config.identity.badge_image
    if badge and badge.removeprefix("static/") not in load_theme(site_dir, config.theme).static_files():
        folder = f"themes/{config.theme}/static/"
        return [error("content/_site.yml", 1, "identity.badge_image", f"找不到党政机关网站标识图片 {badge}：请把机构编制部门下发的图片放到 {folder} 里，或改正文件名。", "format/theme")]
    return []
