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
    GraphML goes through lxml's incremental writer, element by element."""
    import networkx as nx

    simple = nx.MultiDiGraph(**g.graph)
    simple.add_nodes_from(sorted(g.nodes(data=True)))
    simple.add_edges_from(sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])))
    graphml, gexf = out / "graph.graphml", out / "graph.gexf"
    atomic_dump(graphml, functools.partial(nx.write_graphml_lxml, simple))
    atomic_dump(gexf, functools.partial(_write_gexf, simple))
    return [graphml, gexf]


def _write_gexf(g: nx.MultiDiGraph, path: str) -> None:
    """networkx's GEXF writer, streaming its tree to the file (generate_gexf makes the
    whole document a string first)."""
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph(g)
    meta = writer.xml.find("meta")
    if meta is not None:  # GEXF stamps today's date: drop it to keep outputs reproducible
        meta.attrib.pop("lastmodifieddate", None)
    with open(path, "wb") as f:
        writer.write(f)


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
