"""Contract section 3: revisions, conditional writes and concurrent read-modify-write."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ..errors import DocumentNotFound, InvalidDocument, RevisionConflict
from ..service import DatabaseService
from .base import SuiteBase, assert_error


class RevisionTests(SuiteBase):
    def test_every_write_changes_the_revision(self, service: DatabaseService, collection: str) -> None:
        revs = [service.save(collection, "doc", {"n": n})["rev"] for n in range(3)]
        revs.append(service.save(collection, "doc", {"n": 2})["rev"])  # same content, still a new write
        assert len(set(revs)) == len(revs)
        assert service.get(collection, "doc")["_rev"] == revs[-1]

    def test_save_with_the_current_rev_succeeds(self, service: DatabaseService, collection: str) -> None:
        first = service.save(collection, "doc", {"n": 1})["rev"]
        second = service.save(collection, "doc", {"_rev": first, "n": 2})["rev"]
        assert second != first
        assert service.get(collection, "doc") == {"_id": "doc", "_rev": second, "n": 2}

    def test_save_with_a_stale_rev_is_409_and_writes_nothing(self, service: DatabaseService, collection: str) -> None:
        stale = service.save(collection, "doc", {"n": 1})["rev"]
        current = service.save(collection, "doc", {"n": 2})["rev"]
        with pytest.raises(RevisionConflict) as excinfo:
            service.save(collection, "doc", {"_rev": stale, "n": 3})
        assert_error(excinfo, 409)
        assert service.get(collection, "doc") == {"_id": "doc", "_rev": current, "n": 2}

    def test_save_with_an_invented_rev_is_409(self, service: DatabaseService, collection: str) -> None:
        current = service.save(collection, "doc", {"n": 1})["rev"]
        with pytest.raises(RevisionConflict):
            service.save(collection, "doc", {"_rev": "1-" + "0" * 32, "n": 2})
        assert service.get(collection, "doc")["_rev"] == current

    def test_rev_for_a_missing_document_is_409_and_creates_nothing(
        self, service: DatabaseService, collection: str
    ) -> None:
        service.save(collection, "other", {})
        with pytest.raises(RevisionConflict) as excinfo:
            service.save(collection, "doc", {"_rev": "1-" + "a" * 32, "n": 1})
        assert_error(excinfo, 409)
        with pytest.raises(DocumentNotFound):
            service.get(collection, "doc")

    def test_rev_of_a_deleted_document_is_409(self, service: DatabaseService, collection: str) -> None:
        rev = service.save(collection, "doc", {"n": 1})["rev"]
        service.delete(collection, "doc")
        with pytest.raises(RevisionConflict):
            service.save(collection, "doc", {"_rev": rev, "n": 2})
        with pytest.raises(DocumentNotFound):
            service.get(collection, "doc")

    @pytest.mark.parametrize("made_up", ["1-" + "a" * 32, "3-0123456789abcdef0123456789abcdef", "not-a-revision"])
    def test_made_up_rev_of_a_deleted_document_is_409_and_writes_nothing(
        self, service: DatabaseService, collection: str, made_up: str
    ) -> None:
        """v2: a deleted document has no revision to match (CouchDB used to bring it back)."""
        service.save(collection, "other", {})
        service.save(collection, "doc", {"n": 1})
        service.delete(collection, "doc")
        with pytest.raises(RevisionConflict) as excinfo:
            service.save(collection, "doc", {"_rev": made_up, "n": 2})
        assert_error(excinfo, 409)
        [result] = service.save_many(collection, [{"_id": "doc", "_rev": made_up, "n": 3}])
        assert (result["ok"], result.get("status_code")) == (False, 409)
        with pytest.raises((DocumentNotFound, RevisionConflict)):
            service.delete(collection, "doc", rev=made_up)
        assert service.get_many(collection, ["doc"]) == {"doc": None}
        assert [doc["_id"] for doc in service.list_all(collection)] == ["other"]

    def test_rev_before_deletion_is_409_in_bulk_too(self, service: DatabaseService, collection: str) -> None:
        rev = service.save(collection, "doc", {"n": 1})["rev"]
        service.delete(collection, "doc", rev=rev)
        [result] = service.save_many(collection, [{"_id": "doc", "_rev": rev, "n": 2}])
        assert (result["ok"], result.get("status_code")) == (False, 409)
        with pytest.raises((DocumentNotFound, RevisionConflict)):
            service.delete(collection, "doc", rev=rev)
        assert service.count(collection) == 0

    @pytest.mark.parametrize("key", ["\r", "car\rriage", "line\nfeed", "dot.ted", "`tick`"])
    def test_conditional_writes_replace_fields_with_awkward_names(
        self, service: DatabaseService, collection: str, key: str
    ) -> None:
        """Found by the model-based test: Firestore's emulator dropped a field named with ``\\r`` on update."""
        rev = service.save(collection, "doc", {"old": 1, "gone": key})["rev"]
        rev = service.save(collection, "doc", {"_rev": rev, key: 1, "m": {key: 2}})["rev"]
        assert self.body(service.get(collection, "doc")) == {key: 1, "m": {key: 2}}
        [result] = service.save_many(collection, [{"_id": "doc", "_rev": rev, key: 3}])
        assert result["ok"]
        assert self.body(service.get(collection, "doc")) == {key: 3}
        service.save(collection, "doc", {"_rev": result["rev"], "plain": True})
        assert self.body(service.get(collection, "doc")) == {"plain": True}

    @pytest.mark.parametrize("rev", ["", 12, None, ["1-a"]])
    def test_malformed_rev_is_400(self, service: DatabaseService, collection: str, rev: object) -> None:
        with pytest.raises(InvalidDocument) as excinfo:
            service.save(collection, "doc", {"_rev": rev})
        assert_error(excinfo, 400, "_rev")

    def test_save_without_rev_is_last_writer_wins(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc", {"writer": "a"})
        service.save(collection, "doc", {"writer": "b"})
        assert service.get(collection, "doc")["writer"] == "b"

    def test_delete_with_a_stale_rev_is_409_and_keeps_the_document(
        self, service: DatabaseService, collection: str
    ) -> None:
        stale = service.save(collection, "doc", {"n": 1})["rev"]
        current = service.save(collection, "doc", {"n": 2})["rev"]
        with pytest.raises(RevisionConflict) as excinfo:
            service.delete(collection, "doc", rev=stale)
        assert_error(excinfo, 409)
        assert service.get(collection, "doc")["_rev"] == current

    def test_delete_with_the_current_rev_succeeds(self, service: DatabaseService, collection: str) -> None:
        rev = service.save(collection, "doc", {"n": 1})["rev"]
        service.delete(collection, "doc", rev=rev)
        with pytest.raises(DocumentNotFound):
            service.get(collection, "doc")

    def test_delete_of_a_missing_document_with_a_rev_is_404_or_409(
        self, service: DatabaseService, collection: str
    ) -> None:
        service.save(collection, "other", {})
        with pytest.raises((DocumentNotFound, RevisionConflict)):
            service.delete(collection, "doc", rev="1-" + "a" * 32)

    def test_concurrent_read_modify_write_loses_no_update(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "counter", {"value": 0})
        threads, increments = self.concurrency_threads, self.concurrency_increments
        landed = 0
        lock = threading.Lock()
        start = threading.Barrier(threads)

        def worker() -> int:
            nonlocal landed
            start.wait()
            done = conflicts = 0
            while done < increments:
                doc = service.get(collection, "counter")
                doc["value"] += 1
                try:
                    service.save(collection, "counter", doc)
                except RevisionConflict:
                    conflicts += 1
                    continue
                done += 1
                with lock:
                    landed += 1
            return conflicts

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda _: worker(), range(threads)))
        assert landed == threads * increments
        assert service.get(collection, "counter")["value"] == threads * increments
