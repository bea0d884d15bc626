"""Which backend hook a failing conformance test points at, from the test's name.

The pytest plugin adds the answer to every failure report of the suite, so an author
reads "look at _save_many" beside the compared values instead of searching the suite.
"""

from __future__ import annotations

__all__ = ["hooks_for"]

_BY_WORD: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("save_many", ("_save_many",)),
    ("delete_many", ("_delete_many",)),
    ("get_many", ("_get_many",)),
    ("iter_all", ("_iter_all",)),
    ("page", ("_iter_all",)),
    ("list_all", ("_list_all",)),
    ("index", ("_ensure_index", "_find")),
    ("find", ("_find",)),
    ("selector", ("_find",)),
    ("projection", ("_find",)),
    ("count", ("_count",)),
    ("create", ("_create",)),
    ("collection", ("_list_collections", "_drop_collection")),
    ("closed", ("_close",)),
    ("ping", ("_ping",)),
    ("size", ("_document_size",)),
    ("large", ("_document_size",)),
    ("concurren", ("_save",)),
    ("conflict", ("_save", "_delete")),
    ("rev", ("_save", "_delete")),
    ("delete", ("_delete",)),
    ("get", ("_get",)),
)


def hooks_for(test_name: str) -> list[str]:
    """The hooks most likely at fault for ``test_name``, in the order its words name them; never empty."""
    name = "_" + test_name.split("[", 1)[0].lower().removeprefix("test_") + "_"
    matches: list[tuple[int, int, tuple[str, ...]]] = []
    for rank, (word, hooks) in enumerate(_BY_WORD):
        position = name.find("_" + word)
        if position >= 0:
            matches.append((position, rank, hooks))
    found: list[str] = []
    for _, _, hooks in sorted(matches):
        found.extend(hook for hook in hooks if hook not in found)
    return found or ["_save", "_get"]
