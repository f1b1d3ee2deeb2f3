"""Short person names: which full name they stand for."""

from __future__ import annotations

from kg.pipeline import build


def _people(tmp_path, text: str) -> dict[str, tuple[str, ...]]:
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    result = build([path])
    return {e.label: e.aliases for e in result.entities.values() if e.type == "Person"}


def test_a_shared_surname_goes_to_the_person_named_most(tmp_path):
    people = _people(tmp_path, (
        "Kim Jong Un inspected a missile launch on Tuesday, state media said.\n\n"
        "\"Pyongyang wants attention,\" said Duyeon Kim, an analyst in Seoul.\n\n"
        "Kim Jong Un has tested several missiles this year. Washington wants Kim to "
        "return to talks.\n"))
    assert "Kim" not in people
    assert "Kim" in people["Kim Jong Un"]
    assert "Kim" not in people["Duyeon Kim"]


def test_a_shared_surname_named_equally_often_stays_apart(tmp_path):
    people = _people(tmp_path, (
        "Kim Jong Un inspected a missile launch on Tuesday, state media said.\n\n"
        "\"Pyongyang wants attention,\" said Duyeon Kim, an analyst in Seoul.\n\n"
        "Washington wants Kim to return to talks.\n"))
    assert "Kim" in people  # its own node: nothing says which of the two it is
    assert not any("Kim" in aliases for label, aliases in people.items() if label != "Kim")
