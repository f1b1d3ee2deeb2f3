"""The network outputs: GraphML and GEXF streamed edge by edge, and the viewer's summary."""

from __future__ import annotations

import dataclasses
import json
import re

import networkx as nx
import pytest

from kg.network import EDGE_FIELDS, NODE_FIELDS, article_edges

from .conftest import DEV


@pytest.fixture(scope="module")
def dev_build(tmp_path_factory):
    from kg.exports import write_all
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("dev-output")
    result = build([DEV])
    write_all(result, out)
    return result, out


def _edges(g: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict]:
    return {(u, v, k): d for u, v, k, d in g.edges(keys=True, data=True)}


def test_graphml_holds_every_fact_as_networkx_reads_it(dev_build):
    result, out = dev_build
    expected = result.network(asserted_only=False)
    got = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    assert got.graph["articles"] == len(result.extractions) == 12
    assert dict(got.nodes(data=True)) == dict(expected.nodes(data=True))
    assert _edges(got) == _edges(expected)
    assert got.number_of_edges() > 150
    # Every attribute is declared with its type, so the numbers come back as numbers.
    assert {type(v) for _u, _v, d in got.edges(data=True) for v in d.values()} == {str, float}
    assert set(next(iter(got.nodes.values()))) == set(NODE_FIELDS)


def test_gexf_holds_the_same_network(dev_build):
    result, out = dev_build
    expected = result.network(asserted_only=False)
    got = nx.read_gexf(out / "graph.gexf")
    assert got.number_of_nodes() == expected.number_of_nodes()
    assert got.number_of_edges() == expected.number_of_edges()
    by_id = {d["id"]: (u, v, d) for u, v, d in got.edges(data=True)}
    for u, v, k, d in expected.edges(keys=True, data=True):
        gu, gv, gd = by_id[k]
        assert (gu, gv) == (u, v)
        assert {f: gd[f] for f in EDGE_FIELDS if f != "label"} == \
            {f: d[f] for f in EDGE_FIELDS if f != "label"}
    blinken = got.nodes["person/antony-blinken"]
    assert blinken["label"] == "Antony Blinken" and "Secretary of State" in blinken["roles"]


def test_no_temporary_file_is_left_beside_the_outputs(dev_build):
    _, out = dev_build
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_repeated_facts_make_one_edge_of_the_page_with_their_count(seed_build):
    """Fifty reports of the seed's facts (another title and day each) draw as many
    edges as one report does, each with fifty facts, keeping the newest evidence."""
    from kg.view import FACTS_PER_EDGE, Summary

    result, _ = seed_build
    x = result.extractions[0]
    once, many = Summary(), Summary()
    for edge in article_edges(x):
        once.add(edge)
    for day in range(1, 51):
        a = dataclasses.replace(x.article, id=f"copy{day}", title=f"Report {day:02d}",
                                date=x.article.date.replace(day=1 + day % 28))
        for edge in article_edges(dataclasses.replace(x, article=a)):
            many.add(edge)
    assert once.bundles.keys() == many.bundles.keys()
    for key, bundle in many.bundles.items():
        assert bundle.count == 50 * once.bundles[key].count
        facts = bundle.facts()
        assert len(facts) <= FACTS_PER_EDGE
        # Newest first: the order of the day of the event, or of the report when undated.
        when = [f["date"] or f["article_date"] for f in facts]
        assert when == sorted(when, reverse=True)


def test_the_page_draws_a_summary_and_counts_every_fact(dev_build):
    result, out = dev_build
    html = (out / "graph.html").read_text("utf-8")
    data = json.loads(re.search(r'<script id="kg-data" type="application/json">(.*?)</script>',
                                html, re.DOTALL).group(1))
    network = result.network(asserted_only=False)
    assert data["facts"] == network.number_of_edges()
    pairs = {(u, v, d["type"], d["mode"]) for u, v, d in network.edges(data=True)}
    assert {(e["from"], e["to"], e["type"], e["mode"]) for e in data["edges"]} == pairs
    assert sum(e["count"] for e in data["edges"]) == network.number_of_edges()
    for e in data["edges"]:
        assert e["count"] == sum(n for _d, n in e["dates"]) >= len(e["facts"]) >= 1
        assert e["label"] == e["type"] if e["count"] == 1 else e["label"].endswith(
            f"×{e['count']}")


def test_view_since_and_types_filter_the_facts(dev_build):
    from kg.view import load_network, summarize

    _, out = dev_build
    facts = load_network(out)
    recent = summarize(facts, since="2023-07")
    for _u, _v, d in recent.edges(data=True):
        if d["kind"] == "event":
            assert all(date >= "2023-07" for date, _n in d["dates"])
    assert 0 < recent.number_of_edges() < summarize(facts).number_of_edges()
    accusations = summarize(facts, types={"ACCUSE"})
    assert {d["type"] for _u, _v, d in accusations.edges(data=True)} == {"ACCUSE"}


def test_outputs_do_not_depend_on_the_order_of_the_input(tmp_path):
    from kg.exports import write_all
    from kg.pipeline import build

    files = sorted(DEV.glob("d0*.txt"))[:4]
    written = []
    for name, order in (("sorted", files), ("reversed", files[::-1])):
        write_all(build(order), tmp_path / name)
        written.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()})
    assert written[0] == written[1]
    assert {"graph.graphml", "graph.gexf", "events.csv", "graph.html"} <= written[0].keys()


def test_view_reads_a_graphml_without_its_empty_values(dev_build, tmp_path):
    """networkx before 3.3, and other tools, leave out the values that are empty."""
    from kg.cli import main

    _, out = dev_build
    text = (out / "graph.graphml").read_text("utf-8")
    (tmp_path / "graph.graphml").write_text(re.sub(r'\s*<data key="[ne]\d+"></data>', "",
                                                   text), "utf-8")
    page = tmp_path / "view.html"
    assert main(["view", str(tmp_path), "--focus", "NATO", "--output", str(page)]) == 0
    assert "Q7184" in page.read_text("utf-8")  # NATO, with its Wikidata item


def test_render_wants_a_summary_and_says_so(dev_build):
    from kg.view import render, summarize

    result, _ = dev_build
    with pytest.raises(TypeError, match="summarize"):
        render(result.network())
    assert "<html" in render(summarize(result.network()))
