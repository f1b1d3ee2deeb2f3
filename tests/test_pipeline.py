"""The real pipeline on the seed article: the facts a user relies on."""

from __future__ import annotations

import re
from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from kg.vocab import KG

OFFICIALS = """
SELECT ?name ?role ?polity WHERE {
  ?p a kg:Person ; rdfs:label ?name ; kg:role ?role .
  OPTIONAL { ?p kg:officialOf/rdfs:label ?polity }
}"""


def _labels(graph, cls):
    return Counter(str(graph.value(s, RDFS.label)) for s in graph.subjects(RDF.type, cls))


def test_blinken_is_us_secretary_of_state(seed_build):
    result, _ = seed_build
    g = result.graph
    blinken = next(s for s in g.subjects(RDFS.label, None)
                   if str(g.value(s, RDFS.label)) == "Antony Blinken")
    assert (blinken, RDF.type, KG.Person) in g
    assert str(g.value(blinken, KG.role)) == "Secretary of State"
    assert str(g.value(g.value(blinken, KG.officialOf), RDFS.label)) == "United States"


def test_officials_query_returns_the_seed_officials(seed_build):
    result, _ = seed_build
    rows = {(str(r.name), str(r.role), str(r.polity) if r.polity else None)
            for r in result.graph.query(OFFICIALS, initNs={"kg": KG._NS, "rdfs": RDFS})}
    assert ("Antony Blinken", "Secretary of State", "United States") in rows
    assert ("Sergei Lavrov", "Foreign Minister", "Russia") in rows
    assert ("Vladimir Putin", "President", "Russia") in rows
    assert any(name == "Kirill Budanov" and polity == "Ukraine" for name, _, polity in rows)


def test_one_node_per_real_world_entity(seed_build):
    result, _ = seed_build
    g = result.graph
    for cls, label in [(KG.Country, "United States"), (KG.Country, "Russia"),
                       (KG.Country, "Ukraine"), (KG.Alliance, "NATO"),
                       (KG.Person, "Vladimir Putin"), (KG.Person, "Joe Biden")]:
        assert _labels(g, cls)[label] == 1, label
    # "US", "Washington" and "the Biden administration" are one actor.
    us = result.entities["country/usa"]
    assert {"US", "Washington"} <= set(us.aliases)
    assert not any(e.label in ("Putin", "Biden") for e in result.entities.values())


def test_places_are_places(seed_build):
    result, _ = seed_build
    places = {e.label: e for e in result.entities.values() if e.type == "Place"}
    assert "Crimea" in places and "Donbas" in places and "Black Sea" in places
    assert any("Kiev" in e.aliases for e in places.values()), "Kiev as a place"
    assert not any(e.type == "Person" and "Kiev" in e.aliases
                   for e in result.entities.values())


def test_events_have_types_actors_and_provenance(seed_build):
    result, _ = seed_build
    events = result.events
    assert len(events) >= 20
    for ev in events:
        assert ev.actors
        assert ev.trigger in ev.sentence_text or ev.trigger.split()[0] in ev.sentence_text
        assert 0 < ev.confidence <= 1
    x = result.extractions[0]
    text = x.article.text
    for ev in events:
        assert text[ev.trigger_start:ev.trigger_end].split()[0] == ev.trigger.split()[0]
    kinds = {(ev.type, ev.actors, ev.targets) for ev in events}
    assert ("AID", ("country/usa",), ("organization/ukrainian-navy",)) in kinds


def test_coast_guard_boats_are_dated_to_the_tuesday_before_the_article(seed_build):
    result, _ = seed_build
    aid = [ev for ev in result.events if ev.type == "AID"
           and "organization/ukrainian-navy" in ev.targets]
    assert aid and aid[0].date == "2021-11-23" and aid[0].date_text == "Tuesday"


def test_article_metadata_is_read_from_the_header(seed_build):
    result, _ = seed_build
    article = result.extractions[0].article
    assert article.title.startswith("US stokes tensions with Russia")
    assert article.author == "Clara Weiss"
    assert article.date.isoformat() == "2021-11-24"
    assert not article.text.startswith("#")


def test_turtle_parses_with_a_strict_parser(seed_build):
    _, out = seed_build
    triples = list(ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    quads = list(ox.parse(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG))
    assert len(triples) > 500
    graphs = {q.graph_name for q in quads}
    assert len(graphs) == 1  # one article, one named graph, named by the article's IRI
    assert next(iter(graphs)).value.startswith(result_base(out))


def result_base(out) -> str:
    from kg.vocab import DEFAULT_BASE

    return DEFAULT_BASE + "article/"


def test_named_graph_is_the_article(seed_build):
    result, _ = seed_build
    article = result.extractions[0].article
    names = {str(g.identifier) for g in result.dataset.graphs() if len(g)}
    assert f"{result.base}article/{article.id}" in names


def test_viewer_holds_the_nodes(seed_build):
    result, out = seed_build
    html = (out / "graph.html").read_text("utf-8")
    for label in ("Antony Blinken", "Vladimir Putin", "NATO", "Black Sea"):
        assert label in html
    # Self-contained: no script or stylesheet is loaded from anywhere.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html, re.IGNORECASE)


def test_api_gives_a_networkx_view(seed_build):
    result, _ = seed_build
    net = result.network()
    assert net.nodes["country/usa"]["label"] == "United States"
    assert any(d["type"] == "officialOf" for _, _, d in net.edges(data=True))
    assert all(d["mode"] in ("asserted", "historical") for _, _, d in net.edges(data=True))


def test_iris_are_minted_only_from_safe_names(seed_build):
    result, _ = seed_build
    for s, p, o in result.graph:
        for term in (s, p, o):
            if isinstance(term, URIRef):
                assert " " not in term and "<" not in term and '"' not in term


def test_hard_wrapped_lines_stay_one_sentence():
    from kg.ingest import article_id
    from kg.pipeline import build
    from kg.records import Article

    text = ("Russian Foreign Minister Sergei Lavrov on Friday accused the United States of\n"
            "stoking tensions in the Black Sea, and said Moscow would respond to any\n"
            "provocation by NATO.")
    result = build([], articles=[Article(article_id(text), "wrapped.txt", text)])
    x = result.extractions[0]
    assert len(x.sentences) == 1
    assert ("person/sergei-lavrov", "officialOf", "country/rus") in {
        (r.subject, r.predicate, r.object) for r in x.relations}
    assert any(e.type == "ACCUSE" and e.targets == ("country/usa",) for e in x.events)


def _short_articles(n: int, consumed: list[int]):
    """n distinct one-sentence articles, counting in `consumed` how many were read."""
    from kg.ingest import article_id
    from kg.records import Article

    countries = ["Russia", "China", "France", "India", "Brazil", "Japan", "Kenya", "Chile"]
    for i in range(n):
        a, b = countries[i % 8], countries[(i // 8 + 1 + i) % 8]
        text = f"{a} accused {b} of spying on Monday. This is report {i}."
        consumed[0] += 1
        yield Article(article_id(text), f"report-{i}.txt", text)


@pytest.mark.parametrize("processes", [1, 2])
def test_articles_are_read_as_the_build_goes_not_all_first(monkeypatch, processes):
    """The first records arrive while most of the input is still unread: a corpus is
    never held whole (here 300 articles; 2 cores assumed for the look-ahead)."""
    from kg import parallel
    from kg.pipeline import build

    monkeypatch.setattr(parallel, "cores", lambda: 2)
    consumed = [0]
    at_first_batch: list[int] = []

    def progress(n: int) -> None:
        if not at_first_batch:
            at_first_batch.append(consumed[0])

    result = build([], articles=_short_articles(300, consumed), n_process=processes,
                   progress=progress)
    assert consumed[0] == 300 and len(result.extractions) == 300
    # Read ahead: 24 articles to choose the workers, and a few batches of 16 per worker.
    assert at_first_batch[0] <= 24 + 16 * (2 * processes + 1)
    # Input order, whatever order the workers finish in.
    assert [x.article.source for x in result.extractions] == [f"report-{i}.txt"
                                                             for i in range(300)]
