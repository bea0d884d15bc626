"""Model-based conformance: random call sequences checked against a plain-dict model of the contract.

:class:`ContractMachine` is a Hypothesis rule-based state machine. Each rule makes one
call on the service under test and the same change to :class:`Model` (a dict of id to
revision and body), then checks the service's answer against the model's. Revisions
are opaque: the model only remembers the ones the service handed out. The first
divergence fails the test and Hypothesis shrinks it to a short sequence of steps,
printed as a reproduction.

:class:`StatefulTests` runs the machine as part of the
:class:`~gofannon_db.testing.ConformanceSuite`; its budget is two class attributes.
"""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from ..errors import DatabaseError, DocumentNotFound, InvalidDocument, RevisionConflict
from ..service import DatabaseService
from ..validation import MAX_SAFE_INTEGER
from . import strategies
from .base import SuiteBase, fresh_name

__all__ = ["ContractMachine", "Model", "StatefulTests", "contract_equal", "run_contract_machine"]

_T = TypeVar("_T")

REV_KINDS = ("none", "current", "stale", "made-up", "before-delete")
"""Which ``_rev`` a conditional call sends: none, the current one, an older one of this
document, one the service never issued, or the last one it had before it was deleted."""
MADE_UP_REVS = ("1-" + "a" * 32, "2-0123456789abcdef0123456789abcdef", "999-x", "not-a-revision", "0")


def _bits(value: float) -> bytes:
    return struct.pack(">d", value)


def contract_equal(stored: Any, saved: Any) -> bool:
    """``stored`` is what the contract lets a backend return for ``saved``.

    ``bool`` is never a number; an ``int`` stays an ``int``; a non-integral ``float``
    keeps every bit; an integral float may come back as an ``int`` when it is within
    ±(2**53 - 1), and must come back as a ``float`` beyond (contract v2).
    """
    if saved is None or isinstance(saved, bool):
        return stored is saved
    if isinstance(saved, int):
        return type(stored) is int and stored == saved
    if isinstance(saved, float):
        if type(stored) is float:
            return _bits(stored) == _bits(saved) or (saved.is_integer() and stored == saved)
        return type(stored) is int and saved.is_integer() and abs(saved) <= MAX_SAFE_INTEGER and stored == saved
    if isinstance(saved, str):
        return type(stored) is str and stored == saved
    if isinstance(saved, list):
        return isinstance(stored, list) and len(stored) == len(saved) and all(map(contract_equal, stored, saved))
    if isinstance(saved, dict):
        return (
            isinstance(stored, dict)
            and stored.keys() == saved.keys()
            and all(contract_equal(stored[key], saved[key]) for key in saved)
        )
    raise TypeError(f"not a JSON value: {saved!r}")


def _json_scalar_equal(stored: Any, wanted: Any) -> bool:
    """Selector equality: JSON types, numbers by value (``2 == 2.0``), ``true`` is not ``1``."""
    if isinstance(stored, bool) or isinstance(wanted, bool):
        return stored is wanted
    if wanted is None or stored is None:
        return stored is wanted
    if isinstance(wanted, str) or isinstance(stored, str):
        return isinstance(stored, str) and isinstance(wanted, str) and stored == wanted
    return isinstance(stored, (int, float)) and stored == wanted


_ABSENT = object()


def _at(doc: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = doc
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return _ABSENT
        value = value[key]
    return value


def _scalar_paths(doc: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Paths through nested maps (never lists) to scalars, addressable by a dotted selector."""
    for key, value in doc.items():
        if "." in key:
            continue
        if isinstance(value, dict):
            yield from _scalar_paths(value, (*prefix, key))
        elif not isinstance(value, list):
            yield (*prefix, key), value


@dataclass
class Model:
    """The contract's state of one collection: what the service must answer, nothing more."""

    docs: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    """Live documents: id -> (revision the service issued, body as saved)."""
    issued: dict[str, list[str]] = field(default_factory=dict)
    """Every revision the service issued for an id, oldest first (the stale ones)."""
    before_delete: dict[str, str] = field(default_factory=dict)
    """The revision an id had when it was last deleted."""

    def rev(self, doc_id: str) -> str | None:
        entry = self.docs.get(doc_id)
        return entry[0] if entry else None

    def write(self, doc_id: str, rev: str, body: dict[str, Any]) -> None:
        self.docs[doc_id] = (rev, body)
        self.issued.setdefault(doc_id, []).append(rev)

    def delete(self, doc_id: str) -> None:
        entry = self.docs.pop(doc_id, None)
        if entry is not None:
            self.before_delete[doc_id] = entry[0]

    def accepts(self, doc_id: str, rev: str | None) -> bool:
        """Whether a write to ``doc_id`` expecting ``rev`` (``None``: unconditional) succeeds."""
        return rev is None or rev == self.rev(doc_id)

    def matching(self, selector: Mapping[tuple[str, ...], Any]) -> dict[str, dict[str, Any]]:
        return {
            doc_id: body
            for doc_id, (_, body) in self.docs.items()
            if all(_json_scalar_equal(_at(body, path), value) for path, value in selector.items())
        }


class ContractMachine(RuleBasedStateMachine):
    """Drive a :class:`DatabaseService` and a :class:`Model` side by side; fail on the first difference."""

    service: ClassVar[DatabaseService]
    """The service under test: :func:`run_contract_machine` sets it on a subclass built per test."""

    def __init__(self) -> None:
        super().__init__()
        self.collection = fresh_name("model")
        self.model = Model()
        self.ids: list[str] = []

    def teardown(self) -> None:
        with contextlib.suppress(DatabaseError):
            self.service.drop_collection(self.collection)

    # ---------------------------------------------------------------- helpers

    def _expect(self, call: Callable[[], _T], error: type[DatabaseError] | None, what: str) -> _T | None:
        """Run ``call``; it must raise ``error`` (or, for ``None``, succeed)."""
        try:
            result = call()
        except DatabaseError as exc:
            if error is None or not isinstance(exc, error):
                raise AssertionError(f"{what}: expected {error.__name__ if error else 'success'}, got {exc!r}") from exc
            return None
        assert error is None, f"{what}: expected {error.__name__}, but it succeeded and returned {result!r}"
        return result

    def _pick_id(self, data: st.DataObject) -> str:
        """An id from the pool; half the time one that exists, so reads and conditional writes have work."""
        present = [doc_id for doc_id in self.ids if doc_id in self.model.docs]
        existing: bool = bool(present) and data.draw(st.booleans(), label="existing")
        pool = present if existing else self.ids
        return data.draw(st.sampled_from(pool), label="doc_id")

    def _pick_rev(self, data: st.DataObject, doc_id: str, kind: str) -> str | None:
        """A revision of ``kind`` for ``doc_id``; falls back to a made-up one when the model has none."""
        candidates: list[str] = []
        current = self.model.rev(doc_id)
        if kind == "none":
            return None
        if kind == "current" and current is not None:
            candidates = [current]
        elif kind == "stale":
            candidates = [rev for rev in self.model.issued.get(doc_id, []) if rev != current]
        elif kind == "before-delete" and doc_id in self.model.before_delete:
            candidates = [self.model.before_delete[doc_id]]
        if not candidates:
            candidates = list(MADE_UP_REVS)
        return data.draw(st.sampled_from(candidates), label="rev")

    def _check_doc(self, doc: Any, doc_id: str, what: str) -> None:
        rev, body = self.model.docs[doc_id]
        assert isinstance(doc, dict), f"{what}: got {doc!r}, not a dict"
        assert doc.get("_id") == doc_id, f"{what}: _id is {doc.get('_id')!r}, expected {doc_id!r}"
        assert doc.get("_rev") == rev, f"{what}: _rev is {doc.get('_rev')!r}, the service last issued {rev!r}"
        stored = {key: value for key, value in doc.items() if key not in ("_id", "_rev")}
        assert contract_equal(stored, body), f"{what}: stored {stored!r} differs from saved {body!r}"

    def _check_new_rev(self, doc_id: str, rev: Any, previous: str | None, what: str) -> None:
        assert isinstance(rev, str), f"{what}: revision {rev!r} is not a string"
        assert rev, f"{what}: the revision is empty"
        assert rev != previous, f"{what}: revision {rev!r} did not change on a write"

    # ---------------------------------------------------------------- rules

    @initialize(ids=st.lists(strategies.doc_ids(), min_size=1, max_size=5, unique=True))
    def pick_ids(self, ids: list[str]) -> None:
        """A small pool of ids (with awkward characters), so that calls collide on the same documents."""
        self.ids = ids

    @rule(data=st.data())
    def get(self, data: st.DataObject) -> None:
        doc_id = self._pick_id(data)
        present = doc_id in self.model.docs
        doc = self._expect(
            lambda: self.service.get(self.collection, doc_id), None if present else DocumentNotFound, f"get {doc_id!r}"
        )
        if present:
            self._check_doc(doc, doc_id, f"get {doc_id!r}")

    @rule(data=st.data(), body=strategies.documents(), kind=st.sampled_from(REV_KINDS))
    def save(self, data: st.DataObject, body: dict[str, Any], kind: str) -> None:
        doc_id = self._pick_id(data)
        rev = self._pick_rev(data, doc_id, kind)
        doc = dict(body) if rev is None else {**body, "_rev": rev}
        sent = {**doc}
        ok = self.model.accepts(doc_id, rev)
        what = f"save {doc_id!r} with _rev={rev!r}"
        result = self._expect(
            lambda: self.service.save(self.collection, doc_id, doc), None if ok else RevisionConflict, what
        )
        assert doc == sent, f"{what}: save changed the caller's dict"
        if result is not None:
            assert result["id"] == doc_id, f"{what}: returned id {result['id']!r}"
            self._check_new_rev(doc_id, result["rev"], self.model.rev(doc_id), what)
            self.model.write(doc_id, result["rev"], body)

    @rule(data=st.data(), body=strategies.documents())
    def create(self, data: st.DataObject, body: dict[str, Any]) -> None:
        doc_id = self._pick_id(data)
        exists = doc_id in self.model.docs
        what = f"create {doc_id!r}"
        result = self._expect(
            lambda: self.service.create(self.collection, doc_id, body), RevisionConflict if exists else None, what
        )
        if result is not None:
            self._check_new_rev(doc_id, result["rev"], None, what)
            self.model.write(doc_id, result["rev"], body)

    @rule(data=st.data(), kind=st.sampled_from(("none", "current", "stale", "made-up")))
    def delete(self, data: st.DataObject, kind: str) -> None:
        doc_id = self._pick_id(data)
        rev = self._pick_rev(data, doc_id, kind)
        what = f"delete {doc_id!r} rev={rev!r}"
        error: type[DatabaseError] | None
        if doc_id not in self.model.docs:
            # A missing document with a revision: 404 or 409 are both the contract's answer.
            error = DocumentNotFound if rev is None else DatabaseError
        else:
            error = None if self.model.accepts(doc_id, rev) else RevisionConflict
        try:
            self.service.delete(self.collection, doc_id, rev=rev)
        except DatabaseError as exc:
            acceptable = (DocumentNotFound, RevisionConflict) if error is DatabaseError else error
            if acceptable is None or not isinstance(exc, acceptable):
                raise AssertionError(f"{what}: expected {'success' if error is None else error}, got {exc!r}") from exc
            return
        assert error is None, f"{what}: expected an error, but it succeeded"
        self.model.delete(doc_id)

    @rule(
        data=st.data(),
        entries=st.lists(
            st.tuples(strategies.documents(max_leaves=4), st.sampled_from(REV_KINDS)), min_size=1, max_size=5
        ),
    )
    def save_many(self, data: st.DataObject, entries: list[tuple[dict[str, Any], str]]) -> None:
        docs: list[dict[str, Any]] = []
        planned: list[tuple[str, str | None, dict[str, Any]]] = []
        for body, kind in entries:
            doc_id = self._pick_id(data)
            rev = self._pick_rev(data, doc_id, kind)
            planned.append((doc_id, rev, body))
            docs.append({"_id": doc_id, **body, **({} if rev is None else {"_rev": rev})})
        what = f"save_many {[(doc_id, rev) for doc_id, rev, _ in planned]!r}"
        results = self.service.save_many(self.collection, docs)
        assert len(results) == len(planned), f"{what}: {len(results)} results for {len(planned)} documents"
        seen: set[str] = set()
        for index, ((doc_id, rev, body), result) in enumerate(zip(planned, results, strict=True)):
            assert result["id"] == doc_id, f"{what}: result {index} is for {result['id']!r}"
            if doc_id in seen:  # a repeated id in one batch: the copy fails alone, 400
                assert (result["ok"], result.get("status_code")) == (False, InvalidDocument.status_code), (
                    f"{what}: the repeated id at {index} should fail alone with 400, got {result!r}"
                )
                continue
            seen.add(doc_id)
            if self.model.accepts(doc_id, rev):
                assert result["ok"], f"{what}: entry {index} should be written, got {result!r}"
                self._check_new_rev(doc_id, result["rev"], self.model.rev(doc_id), what)
                self.model.write(doc_id, str(result["rev"]), body)
            else:
                assert (result["ok"], result.get("status_code")) == (False, 409), (
                    f"{what}: entry {index} should be 409, got {result!r}"
                )

    @rule(data=st.data(), count=st.integers(1, 4))
    def delete_many(self, data: st.DataObject, count: int) -> None:
        doc_ids = [self._pick_id(data) for _ in range(count)]
        results = self.service.delete_many(self.collection, doc_ids)
        what = f"delete_many {doc_ids!r}"
        assert [result["id"] for result in results] == doc_ids, f"{what}: results {results!r}"
        assert all(result["ok"] for result in results), f"{what}: every copy counts as deleted, got {results!r}"
        for doc_id in doc_ids:
            self.model.delete(doc_id)

    @rule(data=st.data(), count=st.integers(1, 6))
    def get_many(self, data: st.DataObject, count: int) -> None:
        doc_ids = [self._pick_id(data) for _ in range(count)]
        found = self.service.get_many(self.collection, doc_ids)
        what = f"get_many {doc_ids!r}"
        assert set(found) == set(doc_ids), f"{what}: keys {list(found)!r}"
        for doc_id, doc in found.items():
            if doc_id in self.model.docs:
                self._check_doc(doc, doc_id, what)
            else:
                assert doc is None, f"{what}: {doc_id!r} was deleted or never written, got {doc!r}"

    @rule(data=st.data(), limit=st.one_of(st.none(), st.integers(1, 3)))
    def find(self, data: st.DataObject, limit: int | None) -> None:
        """Select on a field of a stored document (awkward keys and all), or on a value nobody has."""
        candidates = [item for _, body in self.model.docs.values() for item in _scalar_paths(body)]
        on_stored_field: bool = bool(candidates) and data.draw(st.booleans(), label="on a stored field")
        if on_stored_field:
            path, value = data.draw(st.sampled_from(candidates), label="field")
        else:
            path = data.draw(st.lists(strategies.field_keys(6), min_size=1, max_size=2).map(tuple), label="path")
            value = data.draw(strategies.scalars(), label="value")
        selector = {".".join(path): value}
        expected = self.model.matching({path: value})
        what = f"find {selector!r} limit={limit!r}"
        found = self.service.find(self.collection, selector, limit=limit)
        ids: list[str] = [doc["_id"] for doc in found]
        assert len(ids) == len(set(ids)), f"{what}: a document came back twice: {ids!r}"
        assert set(ids) <= set(expected), f"{what}: {sorted(set(ids) - set(expected))!r} do not match"
        assert len(ids) == (len(expected) if limit is None else min(limit, len(expected))), (
            f"{what}: found {sorted(ids)!r}, the model has {sorted(expected)!r}"
        )
        for doc in found:
            self._check_doc(doc, doc["_id"], what)

    @rule(page_size=st.integers(1, 4))
    def list_and_count(self, page_size: int) -> None:
        """Stream the collection in small pages, list it whole, count it: all must agree with the model."""
        docs = list(self.service.iter_all(self.collection, page_size=page_size))
        ids: list[str] = [doc["_id"] for doc in docs]
        assert sorted(ids) == sorted(self.model.docs), f"iter_all: {sorted(ids)!r}, model {sorted(self.model.docs)!r}"
        for doc in docs:
            self._check_doc(doc, doc["_id"], f"iter_all page_size={page_size}")
        listed = {doc["_id"]: doc for doc in self.service.list_all(self.collection)}
        assert sorted(listed) == sorted(self.model.docs), (
            f"list_all: {sorted(listed)!r}, model {sorted(self.model.docs)!r}"
        )
        for doc_id, doc in listed.items():
            self._check_doc(doc, doc_id, "list_all")
        assert self.service.count(self.collection) == len(self.model.docs), "count differs from the model"


def run_contract_machine(service: DatabaseService, *, examples: int, steps: int) -> None:
    """Run :class:`ContractMachine` against ``service``: ``examples`` sequences of up to ``steps`` calls.

    Derandomized and without an example database, so every CI run tries the same
    sequences; a failure prints the shrunk steps to reproduce it.
    """
    budget = settings(
        max_examples=examples,
        stateful_step_count=steps,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
        report_multiple_bugs=False,  # shrink the first divergence only: real servers make shrinking slow
    )
    machine = type(ContractMachine.__name__, (ContractMachine,), {"service": service})
    run_state_machine_as_test(machine, settings=budget)


class StatefulTests(SuiteBase):
    stateful_examples: int = 40
    """Random call sequences the model-based test tries (each in a fresh collection)."""
    stateful_steps: int = 25
    """Calls in each sequence, at most."""

    def test_model_based_conformance(self, service: DatabaseService) -> None:
        run_contract_machine(service, examples=self.stateful_examples, steps=self.stateful_steps)
