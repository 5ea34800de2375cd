"""What generator/text/yamlscan.py relies on inside PyYAML: the private Scanner methods it
overrides or calls, and the loaders' tables it edits. A PyYAML that moves any of them
fails here, naming it, before a site reads differently with and without LibYAML."""

from __future__ import annotations

import inspect
from importlib import metadata

import pytest
import yaml
import yaml.constructor
import yaml.reader
import yaml.scanner

from generator.text.yamlscan import LOADERS

#: Scanner methods overridden, with the parameters PyYAML calls them with.
OVERRIDDEN = {
    "scan_to_next_token": ["self"],
    "scan_plain_spaces": ["self", "indent", "start_mark"],
    "scan_block_scalar_indicators": ["self", "start_mark"],
    "scan_block_scalar_ignored_line": ["self", "start_mark"],
    "scan_block_scalar_indentation": ["self"],
    "scan_block_scalar_breaks": ["self", "indent"],
}


def test_the_release_these_overrides_follow() -> None:
    assert metadata.version("PyYAML").startswith("6.0.")


@pytest.mark.parametrize(("method", "parameters"), sorted(OVERRIDDEN.items()))
def test_each_overridden_method_is_still_pyyamls_with_its_parameters(
    method: str, parameters: list[str]
) -> None:
    assert list(inspect.signature(getattr(yaml.scanner.Scanner, method)).parameters) == parameters
    # PyYAML's scanner calls it by that name, so the override is what runs.
    assert f"self.{method}(" in inspect.getsource(yaml.scanner.Scanner)


def test_what_the_overrides_call_and_read_is_there() -> None:
    assert callable(yaml.scanner.Scanner.scan_line_break)
    for used in ("peek", "prefix", "forward", "get_mark"):
        assert callable(getattr(yaml.reader.Reader, used))
    scanner = LOADERS[False]("a: b\n")
    try:
        for state in ("flow_level", "allow_simple_key", "column", "index"):
            assert hasattr(scanner, state), state
    finally:
        scanner.dispose()


def test_the_loaders_tables_that_are_edited() -> None:
    # The merge tag's constructor is ours (a plain `<<` value is text); flatten_mapping
    # (which yamltext calls) takes merge keys out before anything is constructed.
    assert callable(yaml.constructor.SafeConstructor.construct_yaml_str)
    assert callable(yaml.constructor.SafeConstructor.flatten_mapping)
    resolved = {
        tag for found in yaml.SafeLoader.yaml_implicit_resolvers.values() for tag, _ in found
    }
    assert {
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:merge",
        "tag:yaml.org,2002:bool",
    } <= resolved
    # The edit: only null and merge are guessed from spelling, everything else is text.
    for loader in LOADERS.values():
        kept = {tag for found in loader.yaml_implicit_resolvers.values() for tag, _ in found}
        assert kept == {"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}
        assert yaml.load("a: no\nb: 3.10\nc: ~\n", Loader=loader) == {
            "a": "no",
            "b": "3.10",
            "c": None,
        }
