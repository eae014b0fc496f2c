"""Text YAML cannot read -> one ScenarioError at the line (and field) where the problem is.

A YAML error carries a mark (line, column) for most problems; the reader's refusal of an
unprintable character carries only an offset, which libyaml counts in UTF-8 bytes, so
the character is found in the text instead.
"""

from __future__ import annotations

import codecs

import yaml

from uxlab.errors import ScenarioError
from uxlab.scenarios.syntax_field import field_at, key_on_line


def decode(data: bytes, path: str) -> str:
    """The text of a file that should be UTF-8; a byte that is not is refused at its line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            why = "is UTF-16 text (expected UTF-8: save the file as UTF-8)"
            raise ScenarioError(why, path=path, line=1, field="(file)") from error
        before = data[: error.start]  # UTF-8 up to the bad byte
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
        why = f"not UTF-8 text (byte 0x{data[error.start]:02x} at column {column}; save the file as UTF-8)"
        field = field_at(data.decode("utf-8", "replace"), line)
        raise ScenarioError(why, path=path, line=line, field=field) from error
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as text mode reads it: lines end in \n


def syntax_error(error: yaml.YAMLError, text: str, path: str) -> ScenarioError:
    """The ScenarioError for a YAMLError raised while composing ``text``."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if error.context_mark and (error.context or "").startswith("while scanning"):
            mark = error.context_mark  # an unclosed quote: name where it opened, not the end of file
        problem = f"{error.problem or 'invalid YAML'}{f' ({error.context})' if error.context else ''}"
        unclosed = _unclosed_bracket(error)
        if unclosed is not None:  # where the bracket opened: the line the parser stops at is the next key's
            mark, problem = error.context_mark, unclosed
        tab = _refused_tab(error, text)
        if tab is not None:  # the tab's own line: the scalar or block being scanned began above it
            mark, column = error.problem_mark, tab + 1
            problem = f"a tab at column {column} (YAML indents with spaces only: replace the tab with spaces)"
        line = mark.line + 1 if mark else None
        field = field_at(text, line or 0)
        colon = _colon_in_value(error, text)
        if colon is not None:
            problem, field = colon
        return ScenarioError(f"YAML syntax error: {problem}", path=path, line=line, field=field)
    found = (
        yaml.reader.Reader.NON_PRINTABLE.search(text) if isinstance(error, yaml.reader.ReaderError) else None
    )
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - text.rfind("\n", 0, found.start())
        why = f"character U+{ord(found.group()):04X} at column {column} cannot be in a YAML file"
        hint = "delete it: it may not show in an editor"
        return ScenarioError(f"{why} ({hint})", path=path, line=line, field=field_at(text, line))
    return ScenarioError(f"YAML error: {' '.join(str(error).split())}", path=path, line=1, field="(document)")


def _refused_tab(error: yaml.MarkedYAMLError, text: str) -> int | None:
    """The 0-based column of the tab on the problem's line, when a tab is what the scanner refused.

    libyaml says "found a tab character ..." when a tab indents, and "found character that
    cannot start any token" when one follows a dash or starts a line in a mapping.
    """
    mark = error.problem_mark
    if mark is None:
        return None
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    if "tab" in (error.problem or "") or line[mark.column : mark.column + 1] == "\t":
        return line.find("\t") if "\t" in line else None
    return None


def _unclosed_bracket(error: yaml.MarkedYAMLError) -> str | None:
    """For a ``{`` or ``[`` never closed (``{url: /x`` then the next key): the problem, said
    from where it opened; None for any other error."""
    opened, stopped = error.context_mark, error.problem_mark
    context, problem = error.context or "", error.problem or ""
    if opened is None or stopped is None or not context.startswith("while parsing a flow"):
        return None
    closer = "}" if "mapping" in context else "]"
    if f"'{closer}'" not in problem or stopped.line == opened.line:
        return None
    return (
        f"the '{'{' if closer == '}' else '['}' at column {opened.column + 1} is not closed "
        f"(no '{closer}' before line {stopped.line + 1})"
    )


def _colon_in_value(error: yaml.MarkedYAMLError, text: str) -> tuple[str, str] | None:
    """For "mapping values are not allowed": the problem in plain words, and its field; else None.

    YAML refuses a ': ' where a value is being read: inside a value on the key's own line
    (``prompt: Find: the page``), or where a line indented deeper than the key above reads
    as that key's text going on (``stage: x`` then ``  touchpoint: y`` under it). The
    field is the value being read, not the key YAML refused.
    """
    mark = error.problem_mark
    if mark is None or not (error.problem or "").startswith("mapping values are not allowed"):
        return None
    line = text.split("\n")[mark.line]
    key = key_on_line(line)
    if key is not None and key[1] == mark.column:  # the line's own key is refused: it is too deep
        name = key[0]
        why = (
            f"'{name}:' is indented deeper than the key above, so YAML reads it as part of that "
            f"key's value (align '{name}:' with the key above; or, if the line continues that "
            "value, put the whole value in quotes)"
        )
        return why, field_at(text, mark.line)  # the lines above, without this one
    if key is not None:
        value = _without_comment(line[key[1] + 1 :].strip())
        why = (
            f"the value has ': ' at column {mark.column + 1}, which YAML reads as another key "
            f"(put the whole value in quotes: {key[0]}: {_quoted(value)})"
        )
        return why, field_at(text, mark.line + 1)
    why = (
        "': ' inside a value, or a key indented deeper than the key above "
        "(put the value in quotes, or align the key with the one above)"
    )
    return why, field_at(text, mark.line + 1)


def _without_comment(value: str) -> str:
    hash_at = value.find(" #")
    return value if hash_at < 0 else value[:hash_at].rstrip()


def _quoted(value: str) -> str:
    """``value`` in YAML quotes: single unless it holds one, then double (or doubled singles)."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"
