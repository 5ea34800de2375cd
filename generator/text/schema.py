"""Declarative schemas for YAML mappings: site.yaml and item front matter.

A schema is a tuple of :class:`Field`. :func:`validate` checks a located
mapping against it and returns every problem at once, each at the line and
column of the offending key or value, with "did you mean" for unknown keys.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from generator.errors import SiteError
from generator.text import controls
from generator.text.urls import is_safe_link
from generator.text.yamltext import LocatedMapping, Position


class Invalid(ValueError):
    """Raised by a coercer: the value cannot be used; says why and how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


Coercer = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a mapping: how to coerce its value, and whether it must be there."""

    name: str
    coerce: Coercer
    required: bool = False
    default: Any = None
    doc: str = ""
    #: Whether its words reach readers though its coercer is not :func:`text` or
    #: :func:`text_list` (tags): a comment YAML cuts off its value is an error then.
    words: bool = False


def validate(
    mapping: LocatedMapping,
    fields: Sequence[Field],
    *,
    path: str,
    error: type[SiteError],
    start: Position,
    what: str,
    foreign: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[SiteError]]:
    """Coerce ``mapping`` by ``fields``; return the values and every error found.

    ``start`` is where the mapping begins (missing keys are reported there).
    ``foreign`` gives, for keys other tools use, what to write instead.
    """
    by_name = {f.name: f for f in fields}
    values: dict[str, Any] = {}
    errors: list[SiteError] = []
    for key, raw in mapping.data.items():
        field = by_name.get(key)
        if field is None:
            errors.append(_unknown(key, mapping.key_at[key], by_name, foreign, path, error, what))
            continue
        if raw is None:
            continue  # `summary:` with nothing after it means "not given"; see below
        if key in mapping.cut and (field.coerce in (text, text_list) or field.words):
            errors.append(_cut_short(key, raw, mapping, path, error))
            continue
        try:
            values[key] = field.coerce(raw)
        except Invalid as exc:
            where = mapping.value_at[key]
            errors.append(
                error.at(
                    f"'{key}' {exc.message}",
                    path=path,
                    where=where,
                    hint=exc.hint,
                )
            )
    for field in fields:
        if field.name in mapping.data and mapping.data[field.name] is not None:
            continue
        if field.required:
            if any(k != field.name and _visible(k) == field.name for k in mapping.data):
                continue  # given, with an invisible character: reported as such
            if field.name in mapping.data:
                where = mapping.value_at[field.name]
                problem = f"'{field.name}' is empty"
            else:
                where = start
                problem = f"missing required key '{field.name}' in {what}"
            errors.append(
                error.at(
                    problem,
                    path=path,
                    where=where,
                    hint=f"add `{field.name}: ...` ({field.doc})" if field.doc else None,
                )
            )
        elif field.name not in values:
            values[field.name] = field.default
    return values, errors


def _unknown(
    key: str,
    where: Position,
    known: dict[str, Field],
    foreign: Mapping[str, str] | None,
    path: str,
    error: type[SiteError],
    what: str,
) -> SiteError:
    """An unknown key, with what to write instead; invisible characters in it named."""
    hidden = [ch for ch in key if _invisible(ch)]
    if hidden:
        visible = _visible(key)
        names = ", ".join(dict.fromkeys(_char_name(ch) for ch in hidden))
        fix = f"write `{visible}:`" if visible in known else "retype the key"
        return error.at(
            f"the key '{visible}' in {what} has an invisible {names} in it",
            path=path,
            where=where,
            hint=f"delete it: {fix} (it comes with text pasted from web pages and chats)",
        )
    return error.at(
        f"unknown key '{key}' in {what}",
        path=path,
        where=where,
        hint=(foreign or {}).get(key) or _suggest(key, known),
    )


def _visible(key: str) -> str:
    return "".join(ch for ch in key if not _invisible(ch))


def _invisible(char: str) -> bool:
    """Format characters (zero-width space, joiners, BOM, direction marks) and spaces
    other than the ordinary one."""
    category = unicodedata.category(char)
    return category == "Cf" or (category == "Zs" and char != " ") or category == "Cc"


def _char_name(char: str) -> str:
    return f"{unicodedata.name(char, 'character').lower()} (U+{ord(char):04X})"


def _cut_short(
    key: str, raw: Any, mapping: LocatedMapping, path: str, error: type[SiteError]
) -> SiteError:
    """A text value YAML would publish shorter than typed: never silently."""
    typed, lost = mapping.cut[key]
    if lost.startswith("#"):
        why = "YAML reads ' #' as the start of a comment"
    else:
        why = f"YAML reads '{lost}' at the start as an anchor name"
    where = mapping.value_at[key]
    quoted = typed.replace("\\", "\\\\").replace('"', '\\"')
    shown = f"would be published as {raw!r}" if isinstance(raw, str) else "must be text"
    return error.at(
        f"'{key}' {shown}: {why}",
        path=path,
        where=where,
        hint=f'quote the whole value: {key}: "{quoted}"'
        + (", or put the comment on a line of its own" if lost.startswith("#") else ""),
    )


def _suggest(key: str, known: dict[str, Field]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known keys: " + ", ".join(sorted(known))


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """``did you mean 'x'?`` for the nearest of ``choices``, if any is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


# Coercers ---------------------------------------------------------------


def _type_name(value: Any) -> str:
    """What YAML made of a value, in words (an explicit tag such as `!!set` makes more
    than text and lists)."""
    if value is None:
        return "an empty entry"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (set, frozenset)):
        return "a set (a `!!set` tag)"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number (a `!!int` or `!!float` tag)"
    if isinstance(value, (date, datetime)):
        return "a date (a `!!timestamp` tag)"
    if isinstance(value, bytes):
        return "binary data (a `!!binary` tag)"
    return "text"


def text(value: Any) -> str:
    """A single line or paragraph of text, exactly as written."""
    if not isinstance(value, str):
        tagged = not isinstance(value, (list, tuple, dict)) and value is not None
        raise Invalid(
            f"must be text, not {_type_name(value)}",
            hint="delete the tag, or quote the whole value"
            if tagged
            else 'put the value in double quotes, e.g. title: "[Update] Talks resume"',
        )
    result = value.strip()
    if not result:
        raise Invalid("is empty")
    _no_strays(result)
    return result


def _no_strays(value: str) -> None:
    """Control characters can reach a value only through a YAML escape ("\\x1b"): the
    file itself was cleaned of them (see controls)."""
    stray = controls.first_stray(value)
    if stray is not None:
        raise Invalid(
            f"holds {controls.name(stray)}, an invisible control character written as an escape",
            hint="delete the escape (\\x.., \\u.., \\e, \\0 ...) from the quoted text",
        )


_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})


def boolean(value: Any) -> bool:
    """true/false (yes/no and on/off are accepted too, in any case)."""
    word = value.strip().lower() if isinstance(value, str) else None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    shown = repr(value) if isinstance(value, str) else _type_name(value)
    raise Invalid(f"must be true or false, not {shown}")


def positive_int(value: Any) -> int:
    """A whole number of 1 or more, written in decimal digits."""
    word = value.strip() if isinstance(value, str) else ""
    if not word.isdecimal() or int(word) < 1:
        shown = repr(value) if isinstance(value, str) else _type_name(value)
        raise Invalid(f"must be a whole number of 1 or more, not {shown}")
    return int(word)


def text_list(value: Any) -> tuple[str, ...]:
    """A YAML list of strings, or one comma-separated string."""
    if isinstance(value, str):
        items: list[Any] = [part for part in value.split(",")]
    elif isinstance(value, list):
        items = value
    else:
        raise Invalid(
            f"must be a list, not {_type_name(value)}",
            hint="write it as [a, b] or as one '- a' line per entry",
        )
    result: list[str] = []
    for entry in items:
        if not isinstance(entry, str):
            raise Invalid(
                f"must be a list of words, but has {_type_name(entry)} in it",
                hint="write it as [a, b] or as one '- a' line per entry",
            )
        word = str(entry).strip()
        _no_strays(word)
        if word and word not in result:
            result.append(word)
    return tuple(result)


#: `[text](https://...)`: a link copied from a Markdown editor into front matter.
_MARKDOWN_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


def web_url(value: Any) -> str:
    """An absolute http or https URL with a host."""
    url = text(value)
    pasted = _MARKDOWN_LINK.search(url)
    if pasted:
        raise Invalid(
            f"is a Markdown link, not an address: {url!r}",
            hint=f"write the address alone: {pasted.group(1)}",
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # "[...]" reads as an IPv6 address, and this one is none
        raise Invalid(
            f"is not a valid address: {url!r}",
            hint="copy the full address from the browser, starting with https://",
        ) from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise Invalid(
            f"must be an absolute http(s) URL, not {url!r}",
            hint="copy the full address from the browser, starting with https://",
        )
    if any(ch.isspace() for ch in url):
        raise Invalid(f"must not contain spaces: {url!r}", hint="encode spaces as %20")
    return url


def extra_data(value: Any) -> Mapping[str, Any]:
    """A mapping of the site's own metadata (Zola's `extra`), for themes to use: text,
    lists and mappings of them, kept read-only and exactly as written."""
    if not isinstance(value, dict):
        raise Invalid(
            f"must be a mapping of `key: value` lines, not {_type_name(value)}",
            hint="indent each entry under `extra:`, e.g. `  podcast: https://...`",
        )
    frozen = _frozen(value, "extra")
    assert isinstance(frozen, Mapping)
    return frozen


def _frozen(value: Any, where: str) -> Any:
    """``value`` with lists as tuples and mappings read-only; only plain YAML data."""
    if value is None:
        return value
    if isinstance(value, str):
        _no_strays(value)
        if not is_safe_link(value.strip()):
            # A theme may write it into href="" (`{{ item.extra.podcast }}`), where
            # escaping stops markup but not a link that runs script when followed.
            raise Invalid(
                f"holds a link that would run script or embed content at {where}: "
                f"{value.strip()[:40]!r}",
                hint="give an https:// address",
            )
        return value
    if isinstance(value, list):
        return tuple(_frozen(entry, f"{where}[{n}]") for n, entry in enumerate(value))
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise Invalid(f"has a key that is not text under {where}: {key!r}")
        return MappingProxyType({k: _frozen(v, f"{where}.{k}") for k, v in value.items()})
    raise Invalid(
        f"holds {_type_name(value)} at {where}; only text, lists and mappings are kept",
        hint="delete the tag, or quote the whole value",
    )


def thawed(value: Any) -> Any:
    """Read-only data (tuples, mapping proxies) as JSON's lists and objects."""
    if isinstance(value, (tuple, list)):
        return [thawed(entry) for entry in value]
    if isinstance(value, Mapping):
        return {key: thawed(entry) for key, entry in value.items()}
    return value


def one_of(*choices: str) -> Coercer:
    def coerce(value: Any) -> str:
        word = text(value)
        if word not in choices:
            raise Invalid(
                f"must be one of {', '.join(choices)}, not {word!r}",
                hint=suggest(word, choices),
            )
        return word

    return coerce
