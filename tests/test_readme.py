"""The README's example queries run, in Oxigraph and in rdflib, and give its answers."""

from __future__ import annotations

import re

import pytest
from rdflib import Dataset

from kg.query import PREFIXES, format_result, open_store, run

from .conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
QUERIES = re.findall(r"```sparql\n(.*?)```", README, re.DOTALL)


def test_readme_has_example_queries():
    assert len(QUERIES) >= 4


@pytest.mark.parametrize("sparql", QUERIES)
def test_query_answers_in_oxigraph_and_rdflib(seed_build, sparql):
    result, out = seed_build
    ox_rows = list(run(open_store(out), sparql))
    assert ox_rows, "no answer in Oxigraph"
    ds = Dataset(default_union=True)
    ds.parse(out / "graph.trig", format="trig")
    rdflib_rows = list(ds.query(sparql, initNs=PREFIXES))
    assert len(rdflib_rows) == len(ox_rows)


def test_documented_answer_is_what_kg_query_prints(seed_build):
    _, out = seed_build
    sparql = QUERIES[0]
    printed = format_result(run(open_store(out), sparql)).splitlines()[:-1]
    after = README.split(sparql, 1)[1]
    documented = re.search(r"```\n(.*?)```", after.split("```", 1)[1], re.DOTALL).group(1)
    documented = documented.splitlines()
    assert [line.rstrip() for line in printed] == [line.rstrip() for line in documented]
