"""``gongkai new``: copy the starter site shipped in ``generator/data/scaffold``."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from .problems import UsageError


def scaffold(directory: Path) -> list[Path]:
    """Create a small site that builds as it is; refuses a non-empty folder."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{directory} 已存在且不是空文件夹。为免覆盖已有文件，请换一个新目录名。")
    source = resources.files("generator").joinpath("data/scaffold")
    created: list[Path] = []
    with resources.as_file(source) as root:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                rel = path.relative_to(root)
                # Dotfiles are shipped as dot-…: a package's hidden files are easy to lose.
                target = directory.joinpath(*("." + part[4:] if part.startswith("dot-") else part for part in rel.parts))
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                created.append(target)
    return created
