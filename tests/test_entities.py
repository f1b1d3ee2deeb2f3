"""Short person names: which full name they stand for."""

from __future__ import annotations

import pytest

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


# Descriptions that refer back to entities named before them.

@pytest.fixture(scope="module")
def resolve():
    from kg import entities, nlp

    model = nlp.load()

    def run(text: str):
        doc = model(text)
        res = entities.resolve(doc)
        refs = {doc[i].text: set(keys) for i, keys in res.refs.items()}
        return refs, {d.label: d.type for d in res.entities.values()}

    return run


def test_the_two_countries_are_the_two_named_before(resolve):
    refs, _ = resolve("Sweden and Finland applied to join NATO in May. "
                      "The two countries accused Turkey of stalling.")
    assert refs["countries"] == {"country/swe", "country/fin"}


def test_the_two_countries_with_three_candidates_stay_unresolved(resolve):
    refs, _ = resolve("Norway, Denmark and Iceland held talks in Oslo. "
                      "The two countries accused Turkey of stalling.")
    assert "countries" not in refs


def test_the_country_with_no_country_before_stays_unresolved(resolve):
    refs, _ = resolve("The country's president spoke on Monday. Later, Chile praised Peru.")
    assert "country" not in refs


def test_the_kingdom_is_the_subject_of_the_last_sentence_naming_countries(resolve):
    refs, _ = resolve("Spain praised Portugal on Monday. Later the kingdom criticized Morocco.")
    assert refs["kingdom"] == {"country/esp"}


def test_a_new_referent_is_not_a_description(resolve):
    refs, _ = resolve("Spain praised Portugal on Monday. Other countries criticized Morocco. "
                      "A country in Asia protested.")
    assert "countries" not in refs and "country" not in refs


def test_the_alliance_is_the_alliance_named_last(resolve):
    refs, _ = resolve("NATO leaders met in Brussels. The alliance accused Russia of lying.")
    assert refs["alliance"] == {"alliance/nato"}


def test_the_rebels_are_the_organization_presented_as_rebels(resolve):
    refs, _ = resolve("Colombia resumed talks with the National Liberation Army (ELN) rebels "
                      "in Havana. The Colombian army and the State Department had met. "
                      "Last year the rebels attacked Colombia.")
    assert refs["rebels"] == {"organization/national-liberation-army"}


def test_the_rebels_with_no_armed_group_before_stay_unresolved(resolve):
    refs, _ = resolve("Colombia met the State Department in Havana. The rebels attacked.")
    assert "rebels" not in refs


def test_party_adjectives_name_the_party_of_the_country_in_context(resolve):
    _, ents = resolve("Democratic and Republican lawmakers criticized Washington's policy.")
    assert ents.get("Democratic Party") == "Organization"
    assert ents.get("Republican Party") == "Organization"
    _, ents = resolve("Labour MPs accused Britain's government of neglecting Ukraine.")
    assert ents.get("Labour Party") == "Organization"


def test_party_adjectives_without_their_country_name_nothing(resolve):
    _, ents = resolve("Democratic and Republican lawmakers criticized the policy on China.")
    assert "Democratic Party" not in ents and "Republican Party" not in ents
    # "Labour" names parties of two countries: with neither in the text, none
    _, ents = resolve("Labour MPs criticized the budget.")
    assert not any("Labour" in label for label in ents)


def test_regional_forces_and_named_groups_are_organizations(resolve):
    _, ents = resolve("The Tigray forces attacked Eritrea, a former member of the M-19 "
                      "guerrilla group said. Chile sent a Peacekeeping Force to Haiti.")
    assert ents["Tigray forces"] == "Organization"
    assert ents["Tigray"] == "Place" if "Tigray" in ents else True
    assert ents["M-19"] == "Organization"
    assert ents["Peacekeeping Force"] == "Organization"
