"""The document routes through real HTTP, on the memory provider and on CouchDB."""

from __future__ import annotations

import json
import threading
from urllib.parse import quote

import httpx
import pytest
from gofannon_db import DatabaseService

AGENTS = "/collections/agents/documents"


def url(doc_id: str, collection: str = "agents") -> str:
    return f"/collections/{collection}/documents/{quote(doc_id, safe='')}"


def detail(response: httpx.Response) -> str:
    body = response.json()
    assert isinstance(body["detail"], str), body
    return body["detail"]


def test_create_get_update_delete_walkthrough(api: httpx.Client) -> None:
    created = api.post(AGENTS, json={"_id": "ada", "name": "Ada", "langs": ["en"], "score": 0.1})
    assert created.status_code == 201, created.text
    rev1 = created.json()["rev"]
    assert created.json() == {"id": "ada", "rev": rev1}
    assert created.headers["etag"] == f'"{rev1}"'
    assert created.headers["location"] == "/collections/agents/documents/ada"

    got = api.get(created.headers["location"])
    assert got.status_code == 200
    assert got.json() == {"_id": "ada", "_rev": rev1, "name": "Ada", "langs": ["en"], "score": 0.1}
    assert got.headers["etag"] == f'"{rev1}"'

    updated = api.put(url("ada"), json={"name": "Ada L."}, headers={"If-Match": got.headers["etag"]})
    assert updated.status_code == 200, updated.text
    rev2 = updated.json()["rev"]
    assert rev2 != rev1
    assert updated.headers["etag"] == f'"{rev2}"'

    stale = api.put(url("ada"), json={"name": "lost update"}, headers={"If-Match": f'"{rev1}"'})
    assert stale.status_code == 409
    assert "ada" in detail(stale)
    assert api.get(url("ada")).json()["name"] == "Ada L."

    assert api.delete(url("ada"), headers={"If-Match": f'"{rev1}"'}).status_code == 409
    deleted = api.delete(url("ada"), headers={"If-Match": f'"{rev2}"'})
    assert deleted.status_code == 204
    assert deleted.content == b""
    missing = api.get(url("ada"))
    assert missing.status_code == 404
    assert "ada" in detail(missing)
    assert api.delete(url("ada")).status_code == 404


def test_create_conflicts_when_the_id_exists(api: httpx.Client) -> None:
    assert api.post(AGENTS, json={"_id": "a1", "v": 1}).status_code == 201
    again = api.post(AGENTS, json={"_id": "a1", "v": 2})
    assert again.status_code == 409
    assert "a1" in detail(again)
    assert api.get(url("a1")).json()["v"] == 1


def test_create_without_id_generates_one(api: httpx.Client) -> None:
    created = api.post(AGENTS, json={"name": "anonymous"})
    assert created.status_code == 201
    doc_id = created.json()["id"]
    assert doc_id
    assert api.get(created.headers["location"]).json()["_id"] == doc_id


def test_create_rejects_a_rev(api: httpx.Client) -> None:
    response = api.post(AGENTS, json={"_id": "r", "_rev": "1-abc"})
    assert response.status_code == 400
    assert "_rev" in detail(response)


def test_put_is_an_upsert_and_rev_in_the_body_is_conditional(api: httpx.Client) -> None:
    first = api.put(url("u1"), json={"n": 1})
    assert first.status_code == 200
    rev = first.json()["rev"]
    unconditional = api.put(url("u1"), json={"n": 2})
    assert unconditional.status_code == 200
    stale = api.put(url("u1"), json={"_rev": rev, "n": 3})
    assert stale.status_code == 409
    current = api.get(url("u1")).json()
    ok = api.put(url("u1"), json={**current, "n": 4})
    assert ok.status_code == 200
    assert api.get(url("u1")).json()["n"] == 4


def test_conditional_put_of_a_missing_document_conflicts(api: httpx.Client) -> None:
    response = api.put(url("ghost"), json={"n": 1}, headers={"If-Match": '"1-0123"'})
    assert response.status_code == 409
    assert api.get(url("ghost")).status_code == 404


def test_if_match_and_body_rev_must_agree(api: httpx.Client) -> None:
    rev = api.put(url("both"), json={"n": 1}).json()["rev"]
    same = api.put(url("both"), json={"_rev": rev, "n": 2}, headers={"If-Match": f'"{rev}"'})
    assert same.status_code == 200
    new_rev = same.json()["rev"]
    disagree = api.put(url("both"), json={"_rev": rev, "n": 3}, headers={"If-Match": f'"{new_rev}"'})
    assert disagree.status_code == 400
    assert "If-Match" in detail(disagree)


@pytest.mark.parametrize("header", ["*", '"a", "b"', '""', ""])
def test_unusable_if_match_is_a_400(api: httpx.Client, header: str) -> None:
    api.put(url("im"), json={"n": 1})
    response = api.put(url("im"), json={"n": 2}, headers={"If-Match": header})
    assert response.status_code == 400
    assert "If-Match" in detail(response)
    assert api.delete(url("im"), headers={"If-Match": header}).status_code == 400


def test_bare_and_weak_if_match_are_accepted(api: httpx.Client) -> None:
    rev = api.put(url("w"), json={"n": 1}).json()["rev"]
    rev = api.put(url("w"), json={"n": 2}, headers={"If-Match": rev}).json()["rev"]
    assert api.delete(url("w"), headers={"If-Match": f'W/"{rev}"'}).status_code == 204


@pytest.mark.parametrize(
    "doc_id",
    [
        "with space",
        "a+b",
        "100%",
        "%41 not A",
        "what?x=1&y=2",
        "hash#tag",
        "user:ada@example.org",
        "ünïcødé",
        "日本語の文書",
        "emoji 🚀✨",
        "quote\"s and 'apostrophes'",
        "back\\slash",
        "dots.in.id",
        "~tilde;semi,comma=eq",
        "replacement \ufffd char",
    ],
)
def test_ids_round_trip_through_the_path(api: httpx.Client, doc_id: str) -> None:
    put = api.put(url(doc_id), json={"label": doc_id})
    assert put.status_code == 200, put.text
    assert put.json()["id"] == doc_id
    got = api.get(url(doc_id))
    assert got.status_code == 200
    assert got.json()["_id"] == doc_id
    assert got.json()["label"] == doc_id
    listed = api.get(AGENTS).json()["documents"]
    assert [doc["_id"] for doc in listed] == [doc_id]
    created = api.post("/collections/users/documents", json={"_id": doc_id})
    assert created.status_code == 201
    assert api.get(created.headers["location"]).json()["_id"] == doc_id
    assert api.delete(url(doc_id), headers={"If-Match": got.headers["etag"]}).status_code == 204
    assert api.get(url(doc_id)).status_code == 404


@pytest.mark.parametrize(
    ("raw_id", "problem"),
    [
        ("a%2Fb", "'/'"),
        ("_design", "'_'"),
        ("%2E%2E", "reserved"),
        ("tab%09x", "control"),
        ("nul%00x", "control"),
        ("x" * 513, "512"),
        ("caf%E9", "UTF-8"),
        ("%FF%FE", "UTF-8"),
    ],
)
def test_bad_ids_are_400_naming_the_problem(api: httpx.Client, raw_id: str, problem: str) -> None:
    for response in (
        api.get(f"{AGENTS}/{raw_id}"),
        api.put(f"{AGENTS}/{raw_id}", json={"n": 1}),
        api.delete(f"{AGENTS}/{raw_id}"),
    ):
        assert response.status_code == 400, response.text
        assert problem in detail(response)


def test_empty_id_in_the_path_is_400(api: httpx.Client) -> None:
    response = api.get(f"{AGENTS}/")
    assert response.status_code == 400
    assert "empty" in detail(response)


def test_body_id_must_match_the_path(api: httpx.Client) -> None:
    response = api.put(url("one"), json={"_id": "two"})
    assert response.status_code == 400
    assert "_id" in detail(response)


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"[1, 2]", 422, "JSON object"),
        (b'"text"', 422, "JSON object"),
        (b"null", 422, "JSON object"),
        (b"{not json", 422, "not valid JSON"),
        (b"", 422, "missing"),
        (b"\xff\xfe", 422, "not valid JSON"),
        (b'{"_private": 1}', 400, "_private"),
        (b'{"": 1}', 400, "Empty key"),
        (b'{"a": {"": 1}}', 400, "Empty key"),
        (b'{"__meta__": 1}', 400, "__meta__"),
        (b'{"a": {"__x__": 1}}', 400, "__x__"),
        (b'{"n": NaN}', 400, "NaN"),
        (b'{"n": Infinity}', 400, "n"),
        (b'{"big": 9007199254740993}', 400, "big"),
        (b'{"s": "\\udc80"}', 400, "Unicode"),
        (b'{"\\udc80": 1}', 400, "Unicode"),
        (b'{"deep": ' + b"[" * 30 + b"]" * 30 + b"}", 400, "deep"),
        (b'{"deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400, "body"),
    ],
)
def test_bad_bodies_are_4xx_naming_the_problem(api: httpx.Client, body: bytes, status: int, words: str) -> None:
    headers = {"Content-Type": "application/json"}
    for response in (
        api.put(url("bad"), content=body, headers=headers),
        api.post(AGENTS, content=body, headers=headers),
    ):
        assert response.status_code == status, response.text
        assert words in detail(response)
    assert api.get(url("bad")).status_code == 404


def test_too_large_document_is_413(api: httpx.Client, backend_service: DatabaseService) -> None:
    big = "x" * (backend_service.max_document_bytes + 10)
    response = api.put(url("big"), json={"blob": big})
    assert response.status_code == 413
    assert "big" in detail(response)


def test_values_round_trip(api: httpx.Client) -> None:
    doc = {
        "null": None,
        "bools": [True, False],
        "int": 2**53 - 1,
        "neg": -(2**53 - 1),
        "float": 0.1 + 0.2,
        "tiny": 5e-324,
        "text": 'line\nbreak "quoted" \u2028 ü 🚀',
        "nested": {"a": [[1, 2], {"b": None}], "empty": {}, "list": []},
    }
    assert api.put(url("values"), json=doc).status_code == 200
    got = api.get(url("values"))
    stored = json.loads(got.content)
    for key, value in doc.items():
        assert stored[key] == value
    assert isinstance(stored["float"], float)
    assert stored["float"] == 0.1 + 0.2


def test_unknown_collection_is_404_naming_it(api: httpx.Client) -> None:
    for response in (
        api.get("/collections/widgets"),
        api.get("/collections/widgets/documents"),
        api.get("/collections/widgets/documents/x"),
        api.put("/collections/widgets/documents/x", json={}),
        api.post("/collections/widgets/documents", json={}),
        api.delete("/collections/widgets/documents/x"),
        api.post("/collections/widgets/_find", json={"selector": {}}),
        api.get("/collections/NOT_VALID/documents"),
    ):
        assert response.status_code == 404, response.text
        assert "is not served" in detail(response)
        assert "agents" in detail(response)


def test_list_pages_with_a_cursor(api: httpx.Client) -> None:
    ids = [f"doc-{n:02d}" for n in range(23)] + ["Zeta", "ä", "a b"]
    for doc_id in ids:
        assert api.put(url(doc_id), json={"n": doc_id}).status_code == 200
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 5}
        if cursor is not None:
            params["cursor"] = cursor
        page = api.get(AGENTS, params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["documents"]) <= 5
        assert all(set(doc) >= {"_id", "_rev", "n"} for doc in body["documents"])
        seen += [doc["_id"] for doc in body["documents"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids)
    assert pages == 6
    everything = api.get(AGENTS, params={"limit": 1000}).json()
    assert everything["next_cursor"] is None
    assert len(everything["documents"]) == len(ids)


def test_paging_survives_writes_between_pages(api: httpx.Client) -> None:
    for n in range(6):
        api.put(url(f"p{n}"), json={})
    first = api.get(AGENTS, params={"limit": 3}).json()
    assert [doc["_id"] for doc in first["documents"]] == ["p0", "p1", "p2"]
    api.delete(url("p3"))
    api.put(url("p9"), json={})
    api.put(url("p0a"), json={})  # sorts before the cursor: not shown again
    rest = api.get(AGENTS, params={"limit": 10, "cursor": first["next_cursor"]}).json()
    assert [doc["_id"] for doc in rest["documents"]] == ["p4", "p5", "p9"]


def test_empty_collection_lists_nothing(api: httpx.Client) -> None:
    assert api.get("/collections/demos/documents").json() == {"documents": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"limit": 0}, 422, "limit"),
        ({"limit": 1001}, 422, "limit"),
        ({"limit": "ten"}, 422, "limit"),
        ({"cursor": "not-a-cursor"}, 400, "cursor"),
        ({"cursor": ""}, 400, "cursor"),
        ({"cursor": "eyJ2IjoxLCJhZnRlciI6MX0"}, 400, "cursor"),  # {"v":1,"after":1}
        ({"cursor": "W1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1s" * 200}, 400, "cursor"),
    ],
)
def test_bad_list_parameters(api: httpx.Client, params: dict[str, str | int], status: int, words: str) -> None:
    response = api.get(AGENTS, params=params)
    assert response.status_code == status, response.text
    assert words in detail(response)


def test_find_with_selector_fields_and_limit(api: httpx.Client) -> None:
    api.put(url("f1"), json={"kind": "bot", "owner": {"name": "Ada"}, "n": 1})
    api.put(url("f2"), json={"kind": "bot", "owner": {"name": "Bob"}, "n": 2})
    api.put(url("f3"), json={"kind": "human", "owner": {"name": "Ada"}, "n": 3})
    found = api.post("/collections/agents/_find", json={"selector": {"kind": "bot"}})
    assert found.status_code == 200
    assert sorted(doc["_id"] for doc in found.json()["documents"]) == ["f1", "f2"]
    nested = api.post(
        "/collections/agents/_find", json={"selector": {"owner.name": "Ada", "kind": "bot"}, "fields": ["n"]}
    )
    assert nested.json()["documents"] == [{"_id": "f1", "n": 1}]
    limited = api.post("/collections/agents/_find", json={"selector": {"owner.name": "Ada"}, "limit": 1})
    assert len(limited.json()["documents"]) == 1
    none = api.post("/collections/agents/_find", json={"selector": {"kind": "robot"}})
    assert none.json() == {"documents": []}


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"selector": {"tags": ["a"]}}, 400, "tags"),
        ({"selector": {"": 1}}, 400, "Selector field"),
        ({"selector": {"a..b": 1}}, 400, "a..b"),
        ({"selector": {}, "fields": "name"}, 422, "fields"),
        ({"selector": {}, "fields": ["a..b"]}, 400, "a..b"),
        ({"selector": {}, "limit": -1}, 422, "limit"),
        ({"selector": {}, "limit": 5000}, 422, "limit"),
        ({"selector": {}, "sort": ["n"]}, 422, "sort"),
        ({"fields": ["n"]}, 422, "selector"),
        ([1], 422, "JSON object"),
    ],
)
def test_bad_find_requests(api: httpx.Client, body: object, status: int, words: str) -> None:
    response = api.post("/collections/agents/_find", json=body)
    assert response.status_code == status, response.text
    assert words in detail(response)


def test_collection_count(api: httpx.Client) -> None:
    for n in range(3):
        api.put(url(f"c{n}", "tickets"), json={})
    assert api.get("/collections/tickets").json() == {"name": "tickets", "count": 3}
    assert api.get("/collections/sessions").json() == {"name": "sessions", "count": 0}


def test_concurrent_conditional_updates_lose_nothing(api: httpx.Client, live: object) -> None:
    api.put(url("counter"), json={"n": 0})
    threads, increments = 4, 5
    errors: list[str] = []

    def worker() -> None:
        with httpx.Client(base_url=api.base_url, timeout=30) as client:
            done = 0
            while done < increments:
                current = client.get(url("counter"))
                bumped = {"n": current.json()["n"] + 1}
                response = client.put(url("counter"), json=bumped, headers={"If-Match": current.headers["etag"]})
                if response.status_code == 200:
                    done += 1
                elif response.status_code != 409:
                    errors.append(response.text)
                    return

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    assert api.get(url("counter")).json()["n"] == threads * increments
