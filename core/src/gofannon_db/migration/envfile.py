"""Read ``KEY=VALUE`` files so each side of a migration can have its own settings.

A small, fully specified dotenv subset (no new dependency):

- blank lines and lines starting with ``#`` are ignored; an optional ``export `` prefix is allowed;
- ``KEY`` is a shell-style name (letters, digits, ``_``; not starting with a digit);
- an unquoted value is stripped and ends at `` #`` (an inline comment);
- a value in single quotes is taken literally; in double quotes ``\\n``, ``\\t``, ``\\"`` and ``\\\\``
  are unescaped; nothing after the closing quote but an optional comment;
- no variable interpolation: ``$HOME`` stays ``$HOME``.

Errors name the file and line, never the value (it may be a password).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ConfigurationError

__all__ = ["load_env_file", "parse_env"]

_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _double_quoted(raw: str, where: str) -> tuple[str, str]:
    """Unescape ``"..."`` at the start of ``raw``; return the value and what follows the closing quote."""
    out: list[str] = []
    index = 1
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            following = raw[index + 1]
            out.append(_ESCAPES.get(following, "\\" + following))
            index += 2
            continue
        if char == '"':
            return "".join(out), raw[index + 1 :]
        out.append(char)
        index += 1
    raise ConfigurationError(f"{where}: the double-quoted value has no closing quote.")


def _value(raw: str, where: str) -> str:
    if raw.startswith('"'):
        value, rest = _double_quoted(raw, where)
    elif raw.startswith("'"):
        end = raw.find("'", 1)
        if end < 0:
            raise ConfigurationError(f"{where}: the single-quoted value has no closing quote.")
        value, rest = raw[1:end], raw[end + 1 :]
    else:
        comment = re.search(r"\s#", raw)
        return (raw[: comment.start()] if comment else raw).strip()
    rest = rest.strip()
    if rest and not rest.startswith("#"):
        raise ConfigurationError(f"{where}: unexpected text after the closing quote.")
    return value


def parse_env(text: str, source: str = "<env>") -> dict[str, str]:
    """Parse dotenv-style ``text``; later assignments of a name win."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(stripped)
        where = f"{source}, line {number}"
        if match is None:
            raise ConfigurationError(f"{where}: expected KEY=VALUE.")
        values[match.group(1)] = _value(match.group(2), where)
    return values


def load_env_file(path: str | Path) -> dict[str, str]:
    """Read and parse an env file; :class:`ConfigurationError` when it is missing or malformed."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise ConfigurationError(f"Cannot read the env file {str(path)!r}: {error.strerror or error}.") from error
    except UnicodeDecodeError as error:
        raise ConfigurationError(f"The env file {str(path)!r} is not UTF-8 text.") from error
    return parse_env(text, str(path))
