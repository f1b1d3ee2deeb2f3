"""The RDF exports as other tools read them, and the same bytes on every build.

Each export is read by three independent parsers (Oxigraph in strict mode, Raptor's
`rapper`, Serd's `serdi`) that must agree on the number of statements; the example query
"all officials with their roles" gives the same rows in rdflib, Oxigraph and Rasqal's
`roqet`; and a build run twice under different hash seeds writes byte-identical files.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDFS

from kg.query import select
from kg.vocab import KG

from .conftest import ROOT, SEEDS, require_tool

# file: (Oxigraph format, rapper and serdi syntax name)
RDF_FILES = {
    "graph.ttl": (ox.RdfFormat.TURTLE, "turtle"),
    "graph.trig": (ox.RdfFormat.TRIG, "trig"),
    "graph.nq": (ox.RdfFormat.N_QUADS, "nquads"),
    "graph.nt": (ox.RdfFormat.N_TRIPLES, "ntriples"),
}
KG_NS = str(KG._NS)
OFFICIALS = "SELECT ?name ?role WHERE { ?p kg:role ?role ; rdfs:label ?name }"
PREFIXES = f"PREFIX kg: <{KG_NS}>\nPREFIX rdfs: <{RDFS}>\n"


def oxigraph_count(path: Path, fmt: ox.RdfFormat) -> int:
    """Statements in `path`, parsed strictly (IRIs, language tags and literals validated)."""
    return sum(1 for _ in ox.parse(path=str(path), format=fmt, lenient=False))


@pytest.mark.parametrize("name", RDF_FILES)
def test_export_parses_strictly_with_oxigraph(seed_build, name):
    result, out = seed_build
    fmt, _ = RDF_FILES[name]
    count = oxigraph_count(out / name, fmt)
    if name in ("graph.ttl", "graph.nt"):  # all facts, once each
        assert count == len(result.graph)
    else:  # one named graph per article: the same triples, per article
        assert count >= len(result.graph)
        other = "graph.nq" if name == "graph.trig" else "graph.trig"
        assert count == oxigraph_count(out / other, RDF_FILES[other][0])


@pytest.mark.parametrize("name", RDF_FILES)
def test_export_parses_with_rapper(seed_build, name):
    rapper = require_tool("rapper")
    _, out = seed_build
    fmt, syntax = RDF_FILES[name]
    # -c counts statements instead of printing them; the count goes to stderr.
    run = subprocess.run([rapper, "-i", syntax, "-c", str(out / name)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Error" not in run.stderr and "Warning" not in run.stderr, run.stderr
    counted = re.search(r"Parsing returned (\d+) (?:triples|statements)", run.stderr)
    assert counted, run.stderr
    assert int(counted.group(1)) == oxigraph_count(out / name, fmt)


@pytest.mark.parametrize("name", RDF_FILES)
def test_export_parses_with_serdi(seed_build, name):
    serdi = require_tool("serdi")
    _, out = seed_build
    fmt, syntax = RDF_FILES[name]
    # Strict by default (-l would be lax); re-serialised as one statement per line.
    run = subprocess.run([serdi, "-i", syntax, "-o", "nquads", str(out / name)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    statements = [line for line in run.stdout.splitlines() if line.strip()]
    assert len(statements) == oxigraph_count(out / name, fmt)


def check_officials(rows: list[tuple[str, str]]) -> None:
    assert ("Antony Blinken", "Secretary of State") in rows
    names = {name for name, _ in rows}
    assert {"Sergei Lavrov", "Kirill Budanov", "Vladimir Putin"} <= names
    assert all(role.strip() for _, role in rows)


@pytest.fixture(scope="module")
def officials_rdflib(seed_build) -> list[tuple[str, str]]:
    result, _ = seed_build
    rows = result.graph.query(OFFICIALS, initNs={"kg": KG_NS, "rdfs": RDFS})
    return sorted((str(r.name), str(r.role)) for r in rows)


def test_officials_query_in_rdflib(officials_rdflib):
    check_officials(officials_rdflib)


def test_officials_query_in_oxigraph(seed_build, officials_rdflib):
    """Through `kg query`'s own path: graph.trig in Oxigraph, articles' union as default."""
    _, out = seed_build
    names, rows = select(out / "graph.trig", OFFICIALS)
    assert names == ["name", "role"]
    found = sorted((name, role) for name, role in rows)
    check_officials(found)
    assert found == officials_rdflib


def test_officials_query_in_roqet(seed_build, officials_rdflib):
    roqet = require_tool("roqet")
    _, out = seed_build
    run = subprocess.run([roqet, "-q", "-r", "csv", "-D", str(out / "graph.ttl"),
                          "-e", PREFIXES + OFFICIALS],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Error" not in run.stderr, run.stderr
    table = list(csv.reader(io.StringIO(run.stdout)))
    assert table[0] == ["name", "role"]
    found = sorted((name, role) for name, role in table[1:])
    check_officials(found)
    assert found == officials_rdflib


def build_in_subprocess(paths: list[Path], out: Path, hash_seed: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.Popen([sys.executable, "-m", "kg", "build", *map(str, paths),
                             "--out", str(out)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def assert_same_bytes(paths: list[Path], tmp_path: Path) -> None:
    """Build `paths` twice at once, in fresh interpreters with different string hashes."""
    outs = [tmp_path / "hash-1", tmp_path / "hash-2"]
    procs = [build_in_subprocess(paths, out, seed)
             for out, seed in zip(outs, ("1", "2"), strict=True)]
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stdout + stderr
    names = sorted(p.name for p in outs[0].iterdir() if p.is_file())
    assert names == sorted(p.name for p in outs[1].iterdir() if p.is_file())
    # The extraction caches hold the same records too.
    caches = [sorted((p.relative_to(o), p.read_bytes()) for p in o.glob(".kg-cache/*/*.json"))
              for o in outs]
    assert caches[0] == caches[1] and caches[0]
    assert {*RDF_FILES, "graph.html"} <= set(names)
    differ = [n for n in names if (outs[0] / n).read_bytes() != (outs[1] / n).read_bytes()]
    assert differ == []


def test_seed_build_is_byte_identical_across_runs(tmp_path):
    assert_same_bytes([SEEDS], tmp_path)


MORE_ARTICLES = [
    "Germany and France signed a defence agreement in Paris on Monday.",
    "Turkey accused Greece of violating its airspace over the Aegean Sea on Tuesday.",
    "Japan sent humanitarian aid to the Philippines after the typhoon.",
    "Brazil and Argentina held talks on trade in Buenos Aires last week.",
    "India condemned Pakistan over an attack in Kashmir on Friday.",
    "Canada imposed sanctions on Iran over its nuclear programme.",
]


def test_many_articles_build_is_byte_identical_across_runs(tmp_path):
    """Several articles make several named graphs, whose order must not follow the hash."""
    more = tmp_path / "articles"
    more.mkdir()
    for i, sentence in enumerate(MORE_ARTICLES):
        text = f"Report {i}\n\n{sentence} Officials confirmed it on Saturday.\n"
        (more / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    assert_same_bytes([SEEDS, more], tmp_path)
