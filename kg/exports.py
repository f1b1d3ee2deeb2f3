"""Write a build's outputs, atomically and deterministically.

Every file is written to a temporary name in the output folder and renamed into place,
so an interrupted build leaves the previous outputs whole.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from kg.pipeline import BuildResult


_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[io.TextIOWrapper]:
    """A text file written through a temporary file and renamed into place when the
    block ends without an error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, write: Callable[[io.TextIOBase], object]) -> None:
    """Write a text file through a temporary file and an atomic rename."""
    with atomic_file(path) as f:
        write(f)


def atomic_dump(path: Path, dump: Callable[[str], None]) -> None:
    """Like atomic_write, for writers that take a file path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)
    try:
        dump(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_rdf(result: BuildResult, out: Path) -> list[Path]:
    """Turtle and N-Triples (all facts as one graph), TriG and N-Quads (one named graph
    per article), streamed from the records (see `kg.rdf_files`)."""
    from kg import rdf_files

    written, result.union_size = rdf_files.write(result.article_graphs(), out)
    return written


def write_tables(result: BuildResult, out: Path) -> list[Path]:
    """entities.csv, and events.csv and relations.csv in one pass over the records."""
    paths = [out / "entities.csv", out / "events.csv", out / "relations.csv"]
    with atomic_file(paths[0]) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["key", "label", "type", "aliases", "wikidata"])
        for e in result.entities.values():
            w.writerow([e.key, e.label, e.type, "; ".join(e.aliases), e.wikidata or ""])
    with atomic_file(paths[1]) as ev_file, atomic_file(paths[2]) as rel_file:
        events = csv.writer(ev_file, lineterminator="\n")
        events.writerow(["event", "type", "actors", "targets", "place", "date", "mode",
                         "confidence", "trigger", "article", "sentence"])
        relations = csv.writer(rel_file, lineterminator="\n")
        relations.writerow(["subject", "predicate", "object", "article", "sentence"])
        for x in result.extractions:
            for ev in x.events:
                events.writerow([ev.id, ev.type, "; ".join(ev.actors), "; ".join(ev.targets),
                                 ev.place or "", ev.date or "", ev.mode, ev.confidence,
                                 ev.trigger, x.article.source, ev.sentence_text])
            for r in x.relations:
                relations.writerow([r.subject, r.predicate, r.object, x.article.source,
                                    r.evidence])
    return paths


def write_network(g: nx.MultiDiGraph, out: Path) -> list[Path]:
    """GraphML and GEXF for Gephi, Cytoscape and friends: every edge, with its mode.
    Both are written element by element with lxml's incremental writer, in the graph's
    order (a build's network comes sorted: `kg.network`)."""
    import networkx as nx

    graphml, gexf = out / "graph.graphml", out / "graph.gexf"
    atomic_dump(graphml, functools.partial(nx.write_graphml_lxml, g))
    atomic_dump(gexf, functools.partial(_write_gexf, g))
    return [graphml, gexf]


GEXF = "http://www.gexf.net/1.2draft"  # as networkx and Gephi read it


def _write_gexf(g: nx.MultiDiGraph, path: str) -> None:
    """GEXF 1.2: labels as labels, every other field as an attribute (networkx's writer
    builds the whole document in memory first, several times the size of the graph)."""
    from lxml import etree

    def tag(name: str) -> str:
        # Unqualified: each element is written on its own, inside the root that makes
        # GEXF the default namespace (qualified ones would each declare it again).
        return name

    def fields(items: Iterator[dict]) -> dict[str, str]:
        kinds: dict[str, str] = {}
        for d in items:
            for k, v in d.items():
                if k != "label":
                    kinds.setdefault(k, "long" if isinstance(v, int) else
                                     "double" if isinstance(v, float) else "string")
        return dict(sorted(kinds.items()))

    def declare(cls: str, kinds: dict[str, str]) -> etree._Element:
        attrs = etree.Element(tag("attributes"), {"class": cls, "mode": "static"})
        for n, (title, kind) in enumerate(kinds.items()):
            etree.SubElement(attrs, tag("attribute"), id=str(n), title=title, type=kind)
        return attrs

    def element(name: str, attrs: dict[str, str], d: dict, kinds: dict[str, str]):
        el = etree.Element(tag(name), attrs)
        values = etree.SubElement(el, tag("attvalues"))
        for n, key in enumerate(kinds):
            if key in d:
                etree.SubElement(values, tag("attvalue"), {"for": str(n), "value": str(d[key])})
        return el

    node_kinds = fields(d for _n, d in g.nodes(data=True))
    edge_kinds = fields(d for _u, _v, d in g.edges(data=True))
    with etree.xmlfile(path, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{GEXF}}}gexf", nsmap={None: GEXF}, version="1.2"), \
                xf.element(f"{{{GEXF}}}graph", defaultedgetype="directed", mode="static"):
            xf.write(declare("node", node_kinds), pretty_print=True)
            xf.write(declare("edge", edge_kinds), pretty_print=True)
            with xf.element(f"{{{GEXF}}}nodes"):
                for n, d in g.nodes(data=True):
                    xf.write(element("node", {"id": n, "label": str(d.get("label", n))}, d,
                                     node_kinds), pretty_print=True)
            with xf.element(f"{{{GEXF}}}edges"):
                for u, v, k, d in g.edges(keys=True, data=True):
                    xf.write(element("edge", {"id": str(k), "source": u, "target": v,
                                              "label": str(d.get("label", ""))}, d,
                                     edge_kinds), pretty_print=True)


def write_all(result: BuildResult, out: Path | str, *, html: bool = True) -> list[Path]:
    """Every output of a build into `out`, as one set: all files are written into a
    staging folder first and moved into place only when every one of them is complete,
    so a build that fails or is killed leaves the previous outputs as they were."""
    from kg import view

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".kg-staging-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-staging-", dir=out))
    try:
        network = result.network(asserted_only=False)
        written = (write_rdf(result, staging) + write_tables(result, staging)
                   + write_network(network, staging))
        if html:
            page = view.render(network, top=view.DEFAULT_TOP)
            atomic_write(staging / "graph.html", lambda f: f.write(page))
            written.append(staging / "graph.html")
        for path in written:
            os.replace(path, out / path.name)
        return [out / p.name for p in written]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
