"""Contract section 5: one 409 wording on every backend, built by the core, never the server's text.

An application that shows or matches a conflict message must not have to know which
backend answered; these tests compare each backend's detail with the core's helpers
(:func:`~gofannon_db.errors.revision_conflict`, :func:`~gofannon_db.errors.already_exists`).
"""

from __future__ import annotations

import pytest

from ..errors import RevisionConflict, already_exists, revision_conflict
from ..service import DatabaseService
from .base import SuiteBase

_MADE_UP_REV = "1-" + "a" * 32


def assert_same(actual: object, expected: object) -> None:
    assert actual == expected, f"409 detail {actual!r} should read {expected!r} (build it with gofannon_db.errors)"


class MessageTests(SuiteBase):
    def test_stale_save_has_the_core_wording(self, service: DatabaseService, collection: str) -> None:
        stale = service.save(collection, "doc", {"n": 1})["rev"]
        service.save(collection, "doc", {"n": 2})
        with pytest.raises(RevisionConflict) as excinfo:
            service.save(collection, "doc", {"_rev": stale, "n": 3})
        assert_same(excinfo.value.detail, revision_conflict("doc", stale).detail)

    def test_rev_for_a_missing_or_deleted_document_has_the_core_wording(
        self, service: DatabaseService, collection: str
    ) -> None:
        service.save(collection, "other", {})
        with pytest.raises(RevisionConflict) as missing:
            service.save(collection, "doc", {"_rev": _MADE_UP_REV})
        assert_same(missing.value.detail, revision_conflict("doc", _MADE_UP_REV).detail)
        rev = service.save(collection, "gone", {})["rev"]
        service.delete(collection, "gone")
        with pytest.raises(RevisionConflict) as deleted:
            service.save(collection, "gone", {"_rev": rev})
        assert_same(deleted.value.detail, revision_conflict("gone", rev).detail)

    def test_stale_delete_has_the_core_wording(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc", {})
        with pytest.raises(RevisionConflict) as excinfo:
            service.delete(collection, "doc", rev=_MADE_UP_REV)
        assert_same(excinfo.value.detail, revision_conflict("doc", _MADE_UP_REV).detail)

    def test_create_of_an_existing_id_has_the_core_wording(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc", {})
        with pytest.raises(RevisionConflict) as excinfo:
            service.create(collection, "doc", {})
        assert_same(excinfo.value.detail, already_exists("doc").detail)

    def test_bulk_conflicts_have_the_core_wording(self, service: DatabaseService, collection: str) -> None:
        stale = service.save(collection, "a", {"n": 1})["rev"]
        service.save(collection, "a", {"n": 2})
        results = service.save_many(
            collection, [{"_id": "a", "_rev": stale}, {"_id": "b", "_rev": _MADE_UP_REV}, {"_id": "c"}]
        )
        assert [result["ok"] for result in results] == [False, False, True]
        assert [result.get("status_code") for result in results[:2]] == [409, 409]
        assert_same(results[0]["error"], revision_conflict("a", stale).detail)
        assert_same(results[1]["error"], revision_conflict("b", _MADE_UP_REV).detail)
