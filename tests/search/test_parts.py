"""The part of the search index each page goes in: decided by the calendar and the
site's content, never by the build's history."""

from __future__ import annotations

import datetime as dt
import random

from generator.search.documents import SearchDocument
from generator.search.parts import PAGES, search_parts


def on(day: str, count: int = 1, name: str = "item") -> list[SearchDocument]:
    when = dt.date.fromisoformat(day)
    return [
        SearchDocument(f"{day}/{name}-{i}/index.html", "<p>words</p>", when) for i in range(count)
    ]


def names(documents: list[SearchDocument], limit: int) -> list[tuple[str, int]]:
    return [(part.name, len(part.pages)) for part in search_parts(documents, limit, limit)]


def test_a_year_that_fits_is_one_part_newest_year_first_and_pages_last() -> None:
    about = SearchDocument("about/index.html", "<p>about</p>", None)
    documents = on("2024-03-01", 2) + on("2025-06-10", 3) + [about] + on("2023-12-31")
    assert names(documents, limit=10) == [("2025", 3), ("2024", 2), ("2023", 1), (PAGES, 1)]


def test_a_full_year_splits_into_quarters_then_months_then_thirds_then_days() -> None:
    documents = (
        on("2025-01-05", 2)  # q1: 2 pages, fits
        + on("2025-07-01", 2)
        + on("2025-08-03", 2)  # q3: 4 pages, too many: months
        + on("2025-09-02", 1)
        + on("2025-09-15", 2)  # September, 4 pages: thirds
        + on("2025-09-25", 1)
        + on("2025-12-01", 2)  # q4: 2 pages (in one day), fits
    )
    assert names(documents, limit=2) == [
        ("2025-q4", 2),
        ("2025-09-t3", 1),
        ("2025-09-t2", 2),
        ("2025-09-t1", 1),
        ("2025-08", 2),
        ("2025-07", 2),
        ("2025-q1", 2),
    ]


def test_a_day_too_full_for_any_part_is_a_part_of_its_own() -> None:
    documents = on("2025-05-05", 5) + on("2025-05-06", 1)
    assert names(documents, limit=2) == [("2025-05-06", 1), ("2025-05-05", 5)]


def test_the_thirds_of_a_month_end_with_it() -> None:
    documents = on("2024-02-10") + on("2024-02-11") + on("2024-02-20") + on("2024-02-21")
    documents += on("2024-02-29")
    assert names(documents, limit=1)[:2] == [("2024-02-29", 1), ("2024-02-21", 1)]
    assert {name for name, _ in names(documents, limit=2)} == {
        "2024-02-t1",
        "2024-02-t2",
        "2024-02-t3",
    }


def test_the_parts_keep_the_documents_order_and_follow_the_content_alone() -> None:
    """The same documents, the same parts: whatever order the edits came in, the build
    gives the documents in the site's order, and the parts keep it."""
    documents = [d for day in range(1, 29) for d in on(f"2025-03-{day:02}", day % 4 + 1)]
    parts = search_parts(documents, 20, 20)
    for part in parts:
        assert list(part.pages) == [d for d in documents if d in part.pages]
    assert sorted(d.file for p in parts for d in p.pages) == sorted(d.file for d in documents)
    shuffled = documents[:]
    random.Random(7).shuffle(shuffled)
    again = search_parts(shuffled, 20, 20)
    assert [(p.name, {d.file for d in p.pages}) for p in again] == [
        (p.name, {d.file for d in p.pages}) for p in parts
    ]


def test_an_edit_in_one_month_leaves_the_other_parts_as_they_were() -> None:
    before = on("2025-01-10", 3) + on("2025-02-10", 3) + on("2025-03-10", 3)
    after = before + on("2025-03-11", 1, name="new")  # March grows, past the limit
    old = {p.name: p.pages for p in search_parts(before, 3, 3)}
    new = {p.name: p.pages for p in search_parts(after, 3, 3)}
    assert old["2025-01"] == new["2025-01"] and old["2025-02"] == new["2025-02"]
    assert "2025-03" in old and "2025-03" not in new and "2025-03-t2" in new


def test_the_newest_periods_split_finer_than_the_archive() -> None:
    """Edits land in the newest days: their parts are small, and the archive's large."""
    documents = on("2024-02-01", 4) + on("2024-05-01", 4) + on("2025-01-10", 2)
    documents += on("2025-02-10", 2) + on("2025-03-10", 2)
    # 2024 (8 pages) fits the archive's limit; 2025's quarter holds the newest day.
    assert [(p.name, len(p.pages)) for p in search_parts(documents, 3, 8)] == [
        ("2025-03", 2),
        ("2025-02", 2),
        ("2025-01", 2),
        ("2024", 8),
    ]
    # A day later in a new quarter: the first quarter of 2025 is archive now, one part.
    later = documents + on("2025-04-02", 1)
    assert [p.name for p in search_parts(later, 3, 8)] == ["2025-q2", "2025-q1", "2024"]


def test_the_index_digests_its_files_as_the_plan_does() -> None:
    """A kept part's tag is made from the plan's digests, a made part's from these."""
    from generator.plan.manifest import digest
    from generator.search.index import file_digests

    assert file_digests({"pagefind/2025/a.pf": b"bytes"}) == {
        "pagefind/2025/a.pf": digest(b"bytes")
    }
