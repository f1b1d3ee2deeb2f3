"""Countries and alliances link to their Wikidata items, from bundled data only."""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.gazetteer import gazetteer, wikidata_ids


def test_every_state_and_alliance_known_to_the_gazetteer_has_one_qid():
    known = [k for k in gazetteer().known.values() if k.type == "Country"]
    assert len(known) > 190
    missing = [k.key for k in known if not k.wikidata]
    assert missing == []
    ids = wikidata_ids()
    assert all(re.fullmatch(r"Q[1-9][0-9]*", q) for q in ids.values())
    # One item per state: two codes sharing a Q-id would merge two countries downstream.
    assert len(set(ids.values())) == len(ids)


def test_the_seed_graph_links_its_countries_and_alliances(seed_build):
    result, out = seed_build
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    rows = store.query("""
        PREFIX kg: <https://w3id.org/kg-news/ontology#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label ?item WHERE {
          ?e a ?class ; rdfs:label ?label .
          VALUES ?class { kg:Country kg:Alliance }
          OPTIONAL { ?e owl:sameAs ?item }
        }""")
    linked = {r["label"].value: r["item"].value if r["item"] else None for r in rows}
    assert linked["United States"] == "http://www.wikidata.org/entity/Q30"
    assert linked["Russia"] == "http://www.wikidata.org/entity/Q159"
    assert linked["Ukraine"] == "http://www.wikidata.org/entity/Q212"
    assert linked["NATO"] == "http://www.wikidata.org/entity/Q7184"
    assert [label for label, item in linked.items() if item is None] == []
