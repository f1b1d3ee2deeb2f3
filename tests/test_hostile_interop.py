"""Hostile text through the pipeline, read back by Raptor's `rapper` and Serd's `serdi`.

test_hostile checks that Oxigraph parses what we write from arbitrary text; here two
other parsers must read every export too, statement for statement the same.
"""

from __future__ import annotations

import subprocess

import pyoxigraph as ox
from hypothesis import HealthCheck, example, given, settings

from kg import exports
from kg.ingest import article_id, clean
from kg.records import Article

from .conftest import require_tool
from .test_hostile import NASTY
from .test_interop import RDF_FILES

ALL_AT_ONCE = "\"'\\<>&{}|^`\n\r\t\x00\x07\x1b\u200b\u202e\u2028\ufeff🚀ßé中 aZ9./#:?%"


def statements(data: bytes | str, fmt: ox.RdfFormat) -> set[ox.Quad]:
    # The exports hold no blank nodes, so parsed quads compare as they are.
    if isinstance(data, str):
        data = data.encode("utf-8")
    return set(ox.parse(data, format=fmt, lenient=False))


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(nasty=NASTY)
@example(nasty=ALL_AT_ONCE)
@example(nasty='\\"""\\u0022 @en ^^<x> _:b .')
def test_arbitrary_text_reads_the_same_in_rapper_and_serdi(tmp_path_factory, nasty):
    from kg.pipeline import build

    rapper, serdi = require_tool("rapper"), require_tool("serdi")
    text = clean(f"Russia accused {nasty} of provocations on Monday. {nasty}, the Kremlin "
                 f"said, met President {nasty} Smith in Kiev. The US sanctioned \"{nasty}\".")
    article = Article(article_id(text), f"{nasty}.txt", text, title=f"<script>{nasty}",
                      url=None)
    result = build([], articles=[article], n_process=1)
    out = tmp_path_factory.mktemp("nasty")
    exports.write_rdf(result, out)
    for name, (fmt, syntax) in RDF_FILES.items():
        expected = statements((out / name).read_bytes(), fmt)
        assert expected, name
        run = subprocess.run([rapper, "-q", "-i", syntax, "-o", "nquads", str(out / name)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0 and run.stderr == "", (name, run.stderr)
        assert statements(run.stdout, ox.RdfFormat.N_QUADS) == expected, ("rapper", name)
        # serdi is strict unless given -l.
        run = subprocess.run([serdi, "-i", syntax, "-o", "nquads", str(out / name)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0 and run.stderr == "", (name, run.stderr)
        assert statements(run.stdout, ox.RdfFormat.N_QUADS) == expected, ("serdi", name)
