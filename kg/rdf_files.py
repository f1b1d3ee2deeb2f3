"""Write a build's RDF files by streaming its N-Triples lines, without a triple store.

- graph.nq: one named graph per article, articles in IRI order, each graph's lines sorted;
- graph.nt: the union, every triple once, sorted. An external merge sort makes it: sorted
  runs spill to disk, so a corpus whose triples do not fit in memory is still written;
- graph.trig and graph.ttl: the same quads and triples, re-serialized by Oxigraph's
  streaming writer, which groups the consecutive triples of a subject.

Loading the triples into in-memory stores first, to dump them, took ten times longer
and held every triple twice in memory.
"""

from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pyoxigraph as ox

from kg.rdf import PREFIXES

Graph = tuple[str, list[str]]  # a graph's IRI in N-Triples form, its lines without " ."
RUN = 250_000  # distinct triples held in memory before a sorted run spills to disk


class UnionSorter:
    """Every triple once, in sorted order, from lines given in any order."""

    def __init__(self, workdir: Path, run: int = RUN):
        self.workdir, self.run = workdir, run
        self.buffer: set[str] = set()
        self.runs: list[Path] = []

    def add(self, lines: Iterable[str]) -> None:
        self.buffer.update(lines)
        if len(self.buffer) >= self.run:
            self._spill()

    def _spill(self) -> None:
        fd, name = tempfile.mkstemp(prefix=".kg-run-", suffix=".nt", dir=self.workdir)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(line + "\n" for line in sorted(self.buffer))
        self.runs.append(Path(name))
        self.buffer = set()

    def __iter__(self) -> Iterator[str]:
        """The sorted distinct lines (each without its newline); the runs are removed."""
        if not self.runs:
            yield from sorted(self.buffer)
            return
        if self.buffer:
            self._spill()
        try:
            with ExitStack() as files:
                runs = [files.enter_context(open(p, encoding="utf-8", newline="\n"))
                        for p in self.runs]
                last = None
                for line in heapq.merge(*runs):
                    if line != last:
                        yield line[:-1]
                        last = line
        finally:
            for p in self.runs:
                p.unlink(missing_ok=True)


def write(graphs: Iterable[Graph], out: Path) -> tuple[list[Path], int]:
    """graph.nq, graph.nt, graph.trig and graph.ttl in `out`, each replaced atomically;
    also the number of distinct triples. `graphs` must come in IRI order."""
    from kg.exports import atomic_dump

    sorter = UnionSorter(out)
    triples = 0

    def nquads(path: str) -> None:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for iri, lines in graphs:
                f.writelines(f"{line} {iri} .\n" for line in lines)
                sorter.add(lines)

    def ntriples(path: str) -> None:
        nonlocal triples
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for line in sorter:
                f.write(line + " .\n")
                triples += 1

    def reserialize(source: Path, fmt: ox.RdfFormat, path: str) -> None:
        ox.serialize(ox.parse(path=source, format=ox.RdfFormat.N_QUADS
                              if fmt == ox.RdfFormat.TRIG else ox.RdfFormat.N_TRIPLES),
                     path, fmt, prefixes=PREFIXES)

    nq, nt, trig, ttl = (out / f"graph.{ext}" for ext in ("nq", "nt", "trig", "ttl"))
    try:
        atomic_dump(nq, nquads)
        atomic_dump(nt, ntriples)
    finally:  # runs left by a failure
        for run in sorter.runs:
            run.unlink(missing_ok=True)
    atomic_dump(trig, lambda path: reserialize(nq, ox.RdfFormat.TRIG, path))
    atomic_dump(ttl, lambda path: reserialize(nt, ox.RdfFormat.TURTLE, path))
    return [ttl, nt, trig, nq], triples
