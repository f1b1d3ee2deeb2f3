"""Write a build's outputs, atomically and deterministically.

Every file is written to a temporary name in the output folder and renamed into place,
so an interrupted build leaves the previous outputs whole.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from kg.network import Node
    from kg.pipeline import BuildResult
    from kg.view import Summary


_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_binary(path: Path, *, sync: bool = True) -> Iterator[BinaryIO]:
    """A file written through a temporary file and renamed into place when the block
    ends without an error; synced to disk first unless `sync` is false (then the
    caller syncs, once for many files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            if sync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_file(path: Path, *, sync: bool = True) -> Iterator[io.TextIOWrapper]:
    """The same, for UTF-8 text with newlines as they are."""
    with atomic_binary(path, sync=sync) as raw:
        f = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        yield f
        f.flush()
        f.detach()  # the binary file is closed by atomic_binary


def atomic_write(path: Path, write: Callable[[io.TextIOBase], object], *,
                 sync: bool = True) -> None:
    """Write a text file through a temporary file and an atomic rename."""
    with atomic_file(path, sync=sync) as f:
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

    with _timed(result, "rdf files"):
        written, result.union_size = rdf_files.write(result.article_graphs(), out)
    return written


def write_tables_and_network(result: BuildResult, out: Path, *,
                             html: bool = True) -> list[Path]:
    """entities.csv; then, in one pass over the records (articles in id order, as in
    the RDF files), events.csv, relations.csv, graph.graphml and graph.gexf (every
    edge), and the summary the viewer draws; then graph.html. Only the entities and the
    summary stay in memory."""
    from kg import view

    summary = view.Summary() if html else None
    with _timed(result, "tables + network files"):
        paths, nodes = _write_records(result, out, summary)
    if summary is not None:
        with _timed(result, "viewer"):
            page = view.render(summary.graph(nodes, articles=len(result.extractions)),
                               top=view.DEFAULT_TOP)
            atomic_write(out / "graph.html", lambda f: f.write(page))
        paths.append(out / "graph.html")
    return paths


def _write_records(result: BuildResult, out: Path,
                   summary: Summary | None) -> tuple[list[Path], list[Node]]:
    from kg.network import NodeCounts, article_edges
    from kg.network_files import NetworkFiles

    paths = [out / "entities.csv", out / "events.csv", out / "relations.csv"]
    with atomic_file(paths[0]) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["key", "label", "type", "aliases", "wikidata"])
        for e in result.entities.values():
            w.writerow([e.key, e.label, e.type, "; ".join(e.aliases), e.wikidata or ""])
    counts = NodeCounts()
    with atomic_file(paths[1]) as ev_file, atomic_file(paths[2]) as rel_file, \
            NetworkFiles(out) as network:
        events = csv.writer(ev_file, lineterminator="\n")
        events.writerow(["event", "type", "actors", "targets", "place", "date", "mode",
                         "confidence", "trigger", "article", "sentence"])
        relations = csv.writer(rel_file, lineterminator="\n")
        relations.writerow(["subject", "predicate", "object", "article", "sentence"])
        for x in result.by_article():
            for ev in x.events:
                events.writerow([ev.id, ev.type, "; ".join(ev.actors), "; ".join(ev.targets),
                                 ev.place or "", ev.date or "", ev.mode, ev.confidence,
                                 ev.trigger, x.article.source, ev.sentence_text])
            for r in x.relations:
                relations.writerow([r.subject, r.predicate, r.object, x.article.source,
                                    r.evidence])
            counts.add(x)
            for edge in article_edges(x):
                network.add(edge)
                if summary is not None:
                    summary.add(edge)
        nodes = list(counts.nodes(result.entities))
        paths += network.finish(nodes, articles=len(result.extractions))
    return paths, nodes


@contextlib.contextmanager
def _timed(result: BuildResult, stage: str) -> Iterator[None]:
    """Adds the block's time to the build's timings."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        result.timings[stage] = result.timings.get(stage, 0.0) + time.perf_counter() - t0


def write_all(result: BuildResult, out: Path | str, *, html: bool = True) -> list[Path]:
    """Every output of a build into `out`, as one set: all files are written into a
    staging folder first and moved into place only when every one of them is complete,
    so a build that fails or is killed leaves the previous outputs as they were."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".kg-staging-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-staging-", dir=out))
    try:
        written = write_rdf(result, staging) + write_tables_and_network(result, staging,
                                                                        html=html)
        for path in written:
            os.replace(path, out / path.name)
        return [out / p.name for p in written]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
