"""Errors as an editor reads them: `path:line:col: what is wrong; how to fix it`."""

from __future__ import annotations

import pickle

from generator.errors import BuildFailed, ContentError, SiteWarning
from generator.text.yamltext import Position


def test_an_error_at_a_position_names_its_line_and_column() -> None:
    error = ContentError.at(
        "unknown key 'titel'",
        path="content/a.md",
        where=Position(3, 1),
        hint="did you mean 'title'?",
    )
    assert isinstance(error, ContentError)
    assert str(error) == "content/a.md:3:1: unknown key 'titel'; did you mean 'title'?"


def test_an_error_without_a_known_position_is_about_the_whole_file() -> None:
    warning = SiteWarning.at("has no summary", path="content/a.md", where=None)
    assert isinstance(warning, SiteWarning) and warning.kind == "warning"
    assert str(warning) == "content/a.md: has no summary"


def test_errors_are_reported_in_file_order_and_survive_a_worker_process() -> None:
    later = ContentError.at("second", path="content/b.md", where=Position(1, 1))
    earlier = ContentError.at("first", path="content/a.md", where=Position(9, 4), hint="fix it")
    failed = pickle.loads(pickle.dumps(BuildFailed([later, earlier])))
    assert str(failed) == "content/a.md:9:4: first; fix it\ncontent/b.md:1:1: second"
    assert [type(error) for error in failed.errors] == [ContentError, ContentError]
