"""The ``gongkai`` command's help pages and usage errors, in Chinese.

typer and click write their own help and errors in English ("Usage", "Options", "No such option",
"Input should be a valid integer"). The command classes here write both from the commands' own
parameters instead, so that nothing of the framework's English reaches a clerk's terminal, and
nothing is cut at 80 columns.
"""

from __future__ import annotations

import enum
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from .problems import printable
from .scaffold import DOCS

# typer 0.2x vendors click (``typer._click``), older releases use click itself: the exception
# classes are found through the one typer exports, whichever module holds them.
_exceptions = sys.modules[typer.BadParameter.__module__]
_ClickException: Any = _exceptions.ClickException
_NoSuchOption: Any = _exceptions.NoSuchOption
_MissingParameter: Any = _exceptions.MissingParameter
_BadParameter: Any = _exceptions.BadParameter
_NoArgsIsHelp: Any = getattr(_exceptions, "NoArgsIsHelpError", None)

_HELP_LINE = "显示本帮助并退出。"
_CJK = re.compile("[\u3400-\u9fff]")
# Placeholders for option values, by the parameter's type, where the option names none.
_METAVARS: dict[object, str] = {int: "数字", "integer": "数字", Path: "路径", "path": "路径", str: "文字", "text": "文字"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _kind(param: Any) -> object:
    """The parameter's Python type (typer 0.2x) or click type name (older releases)."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if annotation is not None:
        return annotation
    return str(getattr(getattr(param, "type", None), "name", "")).lower()


def _choices(param: Any) -> list[str]:
    kind = _kind(param)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return [str(member.value) for member in kind]
    return [str(getattr(c, "value", c)) for c in getattr(getattr(param, "type", None), "choices", None) or ()]


def _metavar(param: Any) -> str:
    if getattr(param, "metavar", None):
        return str(param.metavar)
    return "|".join(_choices(param)) or _METAVARS.get(_kind(param), "值")


def _is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False)) or bool(getattr(param, "count", False))


def _help(param: Any) -> str:
    text = _HELP_LINE if "help" in param.name else str(getattr(param, "help", None) or "")
    return f"（必填）{text}" if param.required and param.param_type_name == "option" else text


def _rows(rows: list[tuple[str, str]]) -> list[str]:
    width = max((_width(name) for name, _ in rows), default=0) + 2
    return [f"  {_pad(name, width)}{text}".rstrip() for name, text in rows]


def _arguments(params: Sequence[Any]) -> list[Any]:
    return [p for p in params if p.param_type_name == "argument"]


def _options(params: Sequence[Any]) -> list[Any]:
    return [p for p in params if p.param_type_name == "option" and not getattr(p, "hidden", False)]


def usage_line(command: Any, ctx: Any) -> str:
    """``用法：gongkai build [站点目录] [选项]``: required parts plain, optional ones in brackets."""
    params = command.get_params(ctx)
    parts = [ctx.command_path]
    if isinstance(command, TyperGroup):
        parts.append("命令 …")
    for argument in _arguments(params):
        name = _metavar(argument)
        parts.append(name if argument.required else f"[{name}]")
    for option in _options(params):
        if option.required:
            parts.append(f"{option.opts[0]} {_metavar(option)}")
    parts.append("[选项]")
    return "用法：" + " ".join(parts)


def _first_line(command: Any) -> str:
    lines = str(getattr(command, "help", None) or "").strip().splitlines()
    return lines[0] if lines else ""


def command_help(command: Any, ctx: Any) -> str:
    """The whole help page of a command or of the command group."""
    params = command.get_params(ctx)
    lines = [usage_line(command, ctx), ""]
    if command.help:
        lines += [line.strip() for line in command.help.strip().splitlines()] + [""]
    if isinstance(command, TyperGroup):
        names = command.list_commands(ctx)
        entries = [(name, _first_line(command.get_command(ctx, name))) for name in names]
        lines += ["命令：", *_rows(entries), ""]
    arguments = [(_metavar(a), str(getattr(a, "help", None) or "")) for a in _arguments(params)]
    if arguments:
        lines += ["参数：", *_rows(arguments), ""]
    options = []
    for option in _options(params):
        flags = ", ".join(sorted(option.opts, key=len))
        options.append((flags if _is_flag(option) else f"{flags} {_metavar(option)}", _help(option)))
    lines += ["选项：", *_rows(options), ""]
    if isinstance(command, TyperGroup):
        lines.append(f"每个命令的说明：{ctx.command_path} 命令 --help。内容怎么写：{DOCS}。")
    else:
        lines.append(f"内容怎么写：{DOCS}。")
    return "\n".join(lines) + "\n"


def _hint(param: Any) -> str:
    if param is None:
        return ""
    if param.param_type_name == "argument":
        return _metavar(param)
    return "/".join(sorted(param.opts, key=len, reverse=True))


def _bad_value(exc: Any) -> str:
    param = exc.param
    hint = _hint(param)
    message = str(exc.message)
    if _CJK.search(message):
        return f"{hint}：{message}" if hint else message  # gongkai's own check of the value
    errors = getattr(exc.__cause__, "errors", None)
    value = errors()[0].get("input") if callable(errors) and errors() else None
    found = f"“{value}”" if value is not None else ""
    choices = _choices(param) if param is not None else []
    if choices:
        return f"{hint} 的值{found}不对：只能是 {'、'.join(choices)} 之一。"
    if param is not None and _METAVARS.get(_kind(param)) == "数字":
        return f"{hint} 的值{found}应是整数，如 {hint.split('/')[0]} 8000。"
    return f"{hint} 的值{found}不对。"


_PATTERNS = (
    (re.compile(r"No such command '?(.+?)'?\.?$"), "没有“{0}”这个命令。"),
    (re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((.+)\)"), "多了参数“{0}”：这个命令不需要它。含空格的路径请加引号。"),
    (re.compile(r"Option '?(.+?)'? requires (?:an argument|\d+ arguments)\.?"), "选项 {0} 后面要写一个值。"),
    (re.compile(r"Option '?(.+?)'? does not take a value\.?"), "选项 {0} 后面不写值。"),
    (re.compile(r"Missing command\.?"), "缺少命令。"),
)


def usage_error(exc: Any) -> str:  # Any: click's exception classes are found at run time
    """One Chinese sentence for a usage error that click raised."""
    if isinstance(exc, _NoSuchOption):
        found = f"没有“{exc.option_name}”这个选项。"
        maybe = sorted(getattr(exc, "possibilities", None) or ())
        return found + (f"是不是要写 {'、'.join(maybe)}？" if maybe else "")
    if isinstance(exc, _MissingParameter):
        param = exc.param
        what = "参数" if param is not None and param.param_type_name == "argument" else "必填选项"
        explain = str(getattr(param, "help", None) or "") if param is not None else ""
        return f"缺少{what} {_hint(param)}。" + (f"它是{explain}" if explain else "")
    if isinstance(exc, _BadParameter):
        return _bad_value(exc)
    message = str(getattr(exc, "message", exc))
    for pattern, chinese in _PATTERNS:
        matched = pattern.search(message)
        if matched:
            return chinese.format(*matched.groups())
    return message if _CJK.search(message) else "命令写法不对。"


def _fail(exc: Any) -> NoReturn:
    ctx = getattr(exc, "ctx", None)
    typer.echo(f"错误：{printable(usage_error(exc))}", err=True)  # it echoes what was typed
    if ctx is not None:
        typer.echo(usage_line(ctx.command, ctx), err=True)
        typer.echo(f"查看说明：{ctx.command_path} --help", err=True)
    sys.exit(2)


class _ChineseHelp:
    """Help page and usage line written here instead of by typer and click."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formatter.write(command_help(self, ctx))

    def get_usage(self, ctx: Any) -> str:
        return usage_line(self, ctx)


class ChineseCommand(_ChineseHelp, TyperCommand):
    """A command whose help page is written in Chinese."""


class ChineseGroup(_ChineseHelp, TyperGroup):
    """The command group: Chinese help pages, and click's usage errors said in Chinese (exit 2)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, *rest: Any, **extra: Any) -> Any:
        extra["standalone_mode"] = False
        try:
            code = super().main(args, prog_name, *rest, **extra)
        except _ClickException as exc:
            if _NoArgsIsHelp is not None and isinstance(exc, _NoArgsIsHelp):
                ctx = getattr(exc, "ctx", None)
                typer.echo(command_help(ctx.command, ctx) if ctx is not None else "", nl=False)
                sys.exit(2)
            _fail(exc)
        sys.exit(code if isinstance(code, int) else 0)
