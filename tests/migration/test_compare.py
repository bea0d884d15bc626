"""Document comparison under the contract's round-trip rules."""

from __future__ import annotations

from gofannon_db.migration import document_differences, values_equal


def test_integral_float_may_come_back_as_int_but_not_the_other_way_round_for_fractions() -> None:
    assert values_equal(2.0, 2)
    assert values_equal(2, 2.0)
    assert values_equal({"a": [1.0, {"b": -0.0}]}, {"a": [1, {"b": 0}]})
    assert not values_equal(2.5, 2)
    assert not values_equal(0.1 + 0.2, 0.3)


def test_bool_is_never_a_number_and_null_is_not_missing() -> None:
    assert not values_equal(True, 1)
    assert not values_equal(0, False)
    assert not values_equal({"a": None}, {})
    assert not values_equal([[1]], [1])
    assert not values_equal("1", 1)


def test_differences_name_paths_and_ignore_rev() -> None:
    source = {"_id": "a", "_rev": "1-x", "n": 1, "deep": {"l": [1, 2, {"k": "v"}]}, "gone": 1}
    target = {"_id": "a", "_rev": "7-y", "n": 1.5, "deep": {"l": [1, 2, {"k": "w"}]}, "new": True}
    assert document_differences(source, target) == [
        "deep.l[2].k: source 'v', target 'w'",
        "gone: missing on target",
        "n: source 1, target 1.5",
        "new: only on target",
    ]
    assert document_differences({"_id": "a", "_rev": "1"}, {"_id": "a", "_rev": "2"}) == []
    assert document_differences({"l": [1, 2]}, {"l": [1]}) == ["l: source has 2 items, target 1"]
