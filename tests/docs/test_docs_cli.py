"""The README's CLI reference matches the real ``uxlab`` commands and options, both ways.

Each command is documented under a heading ``### `uxlab <command> ...` `` inside the
``<!-- section: cli -->`` block, and each of its options appears in that heading's block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from uxlab.cli import cli

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = re.compile(r"^### `uxlab((?: [a-z][a-z0-9-]*)*)")


def _commands(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)  # list_commands/get_command also load lazily registered commands
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _commands(sub, (*path, name))


def _options(command: click.Command) -> list[str]:
    names: list[str] = []
    for param in command.params:
        if isinstance(param, click.Option):
            names.extend(opt for opt in param.opts + param.secondary_opts if opt.startswith("--"))
    return names


def _documented_blocks() -> dict[tuple[str, ...], str]:
    text = README.read_text(encoding="utf-8")
    start, end = text.find("<!-- section: cli -->"), text.find("<!-- /section: cli -->")
    assert 0 <= start < end, "README has no <!-- section: cli --> ... <!-- /section: cli --> block"
    blocks: dict[tuple[str, ...], str] = {}
    current: tuple[str, ...] | None = None
    in_code = False
    for line in text[start:end].splitlines():
        in_code ^= line.startswith("```")
        match = None if in_code else HEADING.match(line)
        if match:
            current = tuple(match.group(1).split())
            blocks[current] = ""
        elif line.startswith("#") and not in_code:
            current = None
        if current is not None:
            blocks[current] += line + "\n"
    return blocks


LEAVES = [
    (" ".join(path), command)
    for path, command in _commands(cli)
    if not isinstance(command, click.Group) or path == ()
]


@pytest.mark.parametrize(("name", "command"), LEAVES, ids=[name or "uxlab" for name, _ in LEAVES])
def test_every_command_and_option_is_documented(name: str, command: click.Command) -> None:
    blocks = _documented_blocks()
    path = tuple(name.split())
    assert path in blocks, f"README CLI section has no heading ### `uxlab {name} ...`"
    missing = [option for option in _options(command) if option not in blocks[path]]
    assert not missing, f"`uxlab {name}` options missing from its README block: {missing}"


def _choice_spellings(command: click.Command) -> list[str]:
    """How the README writes each choice parameter: ``--what all|attempts|...`` for an option
    (in click's order), each value in backticks for an argument (``admin`` or ``researcher``)."""
    spellings: list[str] = []
    for param in command.params:
        if not isinstance(param.type, click.Choice):
            continue
        choices = [str(choice) for choice in param.type.choices]
        if isinstance(param, click.Option):
            spellings.extend(f"{opt} {'|'.join(choices)}" for opt in param.opts if opt.startswith("--"))
        else:
            spellings.extend(f"`{choice}`" for choice in choices)
    return spellings


@pytest.mark.parametrize(("name", "command"), LEAVES, ids=[name or "uxlab" for name, _ in LEAVES])
def test_every_choice_is_documented(name: str, command: click.Command) -> None:
    """An option's values are part of the reference: a value the command takes (export's
    ``--what questions``) and the README leaves out is as missing as the option itself."""
    block = _documented_blocks().get(tuple(name.split()), "")
    missing = [spelling for spelling in _choice_spellings(command) if spelling not in " ".join(block.split())]
    assert not missing, (
        f"`uxlab {name}`: README block does not spell these as the command takes them: {missing}"
    )


def test_export_help_names_every_table_all_writes() -> None:
    """``--what all`` writes every table of ``uxlab.reports.export.TABLES``; the help says which."""
    from uxlab.cli.results import export
    from uxlab.reports.export import TABLES

    what = next(p for p in export.params if p.name == "what")
    assert isinstance(what.type, click.Choice) and list(what.type.choices) == ["all", *TABLES]
    help_text = str(getattr(what, "help", ""))
    assert all(table in help_text for table in TABLES), help_text


def test_every_documented_command_exists() -> None:
    real = {path for path, _ in _commands(cli)}
    ghosts = [" ".join(path) for path in _documented_blocks() if path not in real]
    assert not ghosts, f"README documents commands that do not exist: {ghosts}"
