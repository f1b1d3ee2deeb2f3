"""The driver: ingest → nlp → extract → merge → rdf. Reads top to bottom."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg import ingest
from kg.config import DEFAULT_BASE
from kg.entities import person_aliases
from kg.records import Article, Entity, Extraction, Notice, Problem
from kg.spill import LinesFile, RecordFile

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox
    from rdflib import Dataset, Graph

    from kg.parallel import Runner
    from kg.store import GraphStore


@dataclass
class BuildResult:
    """What a build made: records, the merged entities, the RDF, and what went wrong."""

    extractions: RecordFile  # read back one article at a time
    entities: dict[str, Entity]
    problems: list[Problem]  # inputs skipped, with the reason
    base: str
    timings: dict[str, float] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)  # inputs used, with a remark
    added: int | None = None  # with a store: the articles this build added to it
    known: int = 0  # with a store: input articles it already held (left as they were)
    stored: ox.Store | None = None  # with a store: the on-disk store, read-only
    union_size: int | None = None  # distinct triples, once counted (by the RDF writer)
    lines: LinesFile | None = None  # each article's triples, when already made (a store)

    @property
    def store(self) -> ox.Store:
        """One named graph per article (from a --store, their union is its default
        graph). Without a store, made in memory on first use."""
        return self.stored if self.stored is not None else self._in_memory()[0]

    @property
    def union(self) -> ox.Store:
        """All triples once, in the default graph (the same store, or another)."""
        return self.stored if self.stored is not None else self._in_memory()[1]

    def _in_memory(self) -> tuple[ox.Store, ox.Store]:
        if not hasattr(self, "_stores"):
            from kg.rdf import quads

            self._stores = quads(self.extractions, self.entities, self.base)
        return self._stores

    def by_article(self) -> Iterator[Extraction]:
        """Every article's records in the order of the articles' ids (and IRIs): the
        order of every output, so that it does not depend on the order of the input."""
        for i in _id_order(self.extractions.ids()):
            yield self.extractions[i]

    def article_graphs(self) -> Iterator[tuple[str, list[str]]]:
        """Each article's graph IRI (N-Triples form) and sorted N-Triples lines, in IRI
        order: what the files are written from, one article at a time."""
        from kg.rdf import Minter, article_lines

        m = Minter(self.base)
        made = self.lines  # in the order of the records, when a store made them
        ids = self.extractions.ids()
        for i in _id_order(ids):
            if made is not None:
                yield m.article(ids[i]), made.lines(i)
            else:
                x = self.extractions[i]
                yield m.article(x.article.id), article_lines(m, x, self.entities)

    @property
    def graph(self) -> Graph:
        """All facts as one rdflib Graph (made on first use)."""
        if not hasattr(self, "_graph"):
            import pyoxigraph as ox
            from rdflib import Graph

            from kg.rdf import PREFIXES

            g = Graph()
            for prefix, ns in PREFIXES.items():
                g.bind(prefix, ns)
            g.parse(data=self.union.dump(format=ox.RdfFormat.N_TRIPLES,
                                         from_graph=ox.DefaultGraph()), format="nt")
            self._graph = g
        return self._graph

    @property
    def dataset(self) -> Dataset:
        """The articles' named graphs as an rdflib Dataset (made on first use)."""
        if not hasattr(self, "_dataset"):
            import pyoxigraph as ox
            from rdflib import Dataset

            ds = Dataset()
            ds.parse(data=self.store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
            self._dataset = ds
        return self._dataset

    @property
    def relations(self) -> list:
        """Every article's relations (reads all the records)."""
        return [r for x in self.extractions for r in x.relations]

    @property
    def events(self) -> list:
        """Every article's events (reads all the records)."""
        return [e for x in self.extractions for e in x.events]

    def network(self, *, asserted_only: bool = True) -> nx.MultiDiGraph:
        """A networkx view: entities as nodes, relations and events as edges."""
        from kg.network import network

        return network(self, asserted_only=asserted_only)

    def triples(self) -> int:
        """Distinct triples over all articles."""
        import pyoxigraph as ox

        if self.union_size is not None:
            return self.union_size
        if self.stored is None:
            return len(self.union)
        result = self.union.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    def summary(self) -> dict[str, float | int]:
        return {"articles": len(self.extractions), "skipped": len(self.problems),
                "entities": len(self.entities), "facts": self.extractions.facts,
                "events": self.extractions.events,
                "triples": self.triples(),
                "seconds": round(sum(self.timings.values()), 2)}


def _id_order(ids: list[str]) -> list[int]:
    """Positions of the records, in the order of their article ids."""
    return sorted(range(len(ids)), key=ids.__getitem__)


def merge_plan(entities: Iterable[Entity]) -> tuple[dict[str, str], dict[str, Entity]]:
    """One node per real-world entity across the build, from the articles' entities:
    the short person keys to merge into the full name used elsewhere, and each entity
    with its longest label and the union of its aliases."""
    distinct = list(dict.fromkeys(entities))  # the same entity recurs in many articles
    remap = person_aliases(distinct)
    labels: dict[str, Entity] = {}
    aliases: dict[str, set[str]] = defaultdict(set)
    for e in distinct:
        k = remap.get(e.key, e.key)
        aliases[k].update(e.aliases)
        known = labels.get(k)
        # The longest label seen is the canonical one ("Joe Biden" over "Biden").
        if known is None or len(e.label) > len(known.label):
            labels[k] = dataclasses.replace(e, key=k)
    merged = {k: dataclasses.replace(e, aliases=tuple(sorted(aliases[k])))
              for k, e in sorted(labels.items())}
    return remap, merged


def remapped(x: Extraction, remap: dict[str, str]) -> Extraction:
    """An article's records with the merged entity keys."""
    if not remap or remap.keys().isdisjoint(_keys(x)):
        return x  # most articles: the merge changes nothing in them

    def key(k: str) -> str:
        return remap.get(k, k)

    ents: dict[str, Entity] = {}
    for e in x.entities:
        k = key(e.key)
        prev = ents.get(k)
        names = tuple(sorted(set(e.aliases) | set(prev.aliases if prev else ())))
        base = prev or dataclasses.replace(e, key=k)
        ents[k] = dataclasses.replace(base, aliases=names)
    return dataclasses.replace(
        x,
        entities=tuple(sorted(ents.values(), key=lambda e: e.key)),
        mentions=tuple(dataclasses.replace(m, entity=key(m.entity)) for m in x.mentions),
        relations=tuple(dataclasses.replace(r, subject=key(r.subject),
                                            object=key(r.object) if r.predicate != "role"
                                            else r.object) for r in x.relations),
        events=tuple(dataclasses.replace(
            e, actors=tuple(dict.fromkeys(map(key, e.actors))),
            targets=tuple(dict.fromkeys(map(key, e.targets))),
            place=key(e.place) if e.place else None) for e in x.events))


def _keys(x: Extraction) -> Iterator[str]:
    """Every entity key an article's records use."""
    yield from (e.key for e in x.entities)
    yield from (m.entity for m in x.mentions)
    for r in x.relations:
        yield r.subject
        if r.predicate != "role":
            yield r.object
    for e in x.events:
        yield from e.actors
        yield from e.targets
        if e.place:
            yield e.place


def build(paths: Iterable[str | Path], *, model: str | None = None, base: str = DEFAULT_BASE,
          n_process: int | None = None, batch_size: int = 16,
          progress: Callable[[int], None] | None = None,
          articles: Iterable[Article | Problem | Notice] | None = None,
          cache_dir: Path | None = None, store: Path | str | None = None,
          runner: Runner | None = None,
          tell: Callable[[Problem | Notice], None] | None = None) -> BuildResult:
    """Build the knowledge graph of the articles in `paths` (files or folders).

    The articles are read as the build goes (from `paths`, or from `articles`: records
    of `kg.ingest`), never all held. With `cache_dir`, each article's records are kept
    there as they are made, and articles already extracted by the same code and model
    are not parsed again.
    With `store`, the articles are added to a persistent store (see `kg.store`), and
    the result holds everything in it. `runner` parses and extracts elsewhere (the Dask
    engine of `kg.distributed`); by default worker processes on this machine do.
    `tell` is called with each input problem and notice as it is found (they are also
    in the result)."""
    if store is not None:
        from kg.rdf import Minter
        from kg.store import GraphStore

        Minter(base)  # a bad --base fails before the store is touched
        with GraphStore(store, base) as graph_store:
            return _build(paths, model=model, base=base, n_process=n_process,
                          batch_size=batch_size, progress=progress, articles=articles,
                          cache_dir=cache_dir, graph_store=graph_store, runner=runner,
                          tell=tell)
    return _build(paths, model=model, base=base, n_process=n_process, batch_size=batch_size,
                  progress=progress, articles=articles, cache_dir=cache_dir, runner=runner,
                  tell=tell)


def _build(paths: Iterable[str | Path], *, model: str | None, base: str, n_process: int | None,
           batch_size: int, progress: Callable[[int], None] | None,
           articles: Iterable[Article | Problem | Notice] | None, cache_dir: Path | None,
           graph_store: GraphStore | None = None, runner: Runner | None = None,
           tell: Callable[[Problem | Notice], None] | None = None) -> BuildResult:
    from kg import nlp as nlp_stage
    from kg import parallel, rdf

    rdf.Minter(base)  # a bad --base fails now, not after the parsing
    timings: dict[str, float] = defaultdict(float)
    problems: list[Problem] = []
    notices: list[Notice] = []
    # The articles stream through: each is read, looked up in the store and the cache,
    # and parsed, one batch at a time. The records go to a file as they come, and only
    # an id per article and each distinct entity (for the merge) stay in memory, so a
    # build's memory does not grow with the corpus.
    position: dict[str, int] = {}  # article id: its place in the input
    extractions = RecordFile(cache_dir)
    distinct: dict[Entity, None] = {}
    known = 0
    cache = None
    if cache_dir is not None:
        from kg.cache import Cache

        cache = Cache(cache_dir, model or nlp_stage.default_model())

    def keep(x: Extraction, text: str | None = None) -> str:
        distinct.update(dict.fromkeys(x.entities))
        return extractions.append(x, text)  # its JSON

    def report(item: Problem | Notice) -> None:
        if isinstance(item, Problem):
            problems.append(item)
        else:
            notices.append(item)
        if tell:
            tell(item)

    def to_parse() -> Iterator[Article]:
        """The input articles that neither the store nor the cache holds."""
        nonlocal known
        for item in (articles if articles is not None else ingest.read(paths)):
            if isinstance(item, Notice):
                report(item)
                continue
            if isinstance(item, Problem):
                report(item)
            elif graph_store is not None and item.id in graph_store:
                position[item.id] = len(position)
                known += 1
            elif cache is not None and (hit := cache.get(item)) is not None:
                position[item.id] = len(position)
                keep(*hit)
            else:
                position[item.id] = len(position)
                yield item
                continue
            if progress:
                progress(1)

    t0 = time.perf_counter()
    todo = to_parse()
    # The first articles to parse tell whether there is any (no model is loaded for
    # none) and how many workers are worth starting (all cores for a large input).
    head = list(itertools.islice(todo, parallel.ARTICLES_PER_WORKER * parallel.cores()))
    if n_process is None:
        n_process = parallel.default_processes(len(head))
    if runner is None:
        runner = parallel.run if n_process > 1 else parallel.run_here
    for batch in (runner(itertools.chain(head, todo), model=model, processes=n_process,
                         batch_size=batch_size) if head else ()):
        for record in batch:
            if isinstance(record, Problem):
                report(record)
                continue
            text = keep(record)
            if cache is not None:
                cache.put(record, text)
        if progress:
            progress(len(batch))
    timings["read, parse, extract"] += time.perf_counter() - t0
    # Input order, whatever came from the cache: the build is deterministic.
    extractions.order(position.__getitem__)

    if graph_store is not None:
        t0 = time.perf_counter()
        snap = graph_store.add(extractions)
        timings["merge + rdf (store)"] += time.perf_counter() - t0
        return BuildResult(snap.extractions, snap.entities, problems, base, dict(timings),
                           notices, added=snap.added, known=known, stored=snap.store,
                           lines=snap.lines)
    t0 = time.perf_counter()
    remap, entities = merge_plan(distinct)
    extractions.view = functools.partial(remapped, remap=remap)
    timings["merge"] += time.perf_counter() - t0
    return BuildResult(extractions, entities, problems, base, dict(timings), notices)
