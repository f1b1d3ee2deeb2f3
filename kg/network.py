"""A build as a network: entities as nodes, each relation and event as an edge.

The edges are made article by article from the records (`article_edges`), so the
exports and the viewer stream them and a build never holds them all; `network` gathers
them into a networkx graph for analytics, on request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.rdf import xml_safe
from kg.records import GROUP_OF, Entity, Extraction

if TYPE_CHECKING:
    import networkx as nx

    from kg.pipeline import BuildResult

DRAWN_MODES = ("asserted", "historical")

# Every node and edge carries these attributes, of these types (GraphML and GEXF
# declare them before the first node).
NODE_FIELDS: dict[str, type] = {
    "label": str, "type": str, "aliases": str, "wikidata": str, "mentions": int,
    "articles": int, "roles": str}
EDGE_FIELDS: dict[str, type] = {
    "kind": str, "type": str, "label": str, "mode": str, "group": str, "date": str,
    "evidence": str, "article": str, "article_date": str, "url": str, "trigger": str,
    "event": str, "confidence": float}

Edge = tuple[str, str, str, dict[str, object]]  # source, target, key, attributes
Node = tuple[str, dict[str, object]]  # key, attributes


def article_edges(x: Extraction, *, asserted_only: bool = False) -> list[Edge]:
    """One article's relations and events as edges (actor to target, or to the place
    when an event has no target), sorted by source, target and key. Roles are node
    attributes, not edges; with `asserted_only`, only asserted and historical events."""
    a = x.article
    title = a.title or a.source
    date = a.date.isoformat() if a.date else ""
    url = a.url or ""
    edges: dict[tuple[str, str, str], dict[str, object]] = {}
    for r in x.relations:
        if r.predicate == "role":
            continue
        edges[r.subject, r.object, f"{r.predicate}:{a.id}:{r.subject}:{r.object}"] = _safe(
            kind="relation", type=r.predicate, label=r.predicate, mode="asserted",
            group="relation", date="", evidence=r.evidence, article=title,
            article_date=date, url=url, trigger="", event="", confidence=1.0)
    for ev in x.events:
        if asserted_only and ev.mode not in DRAWN_MODES:
            continue
        for actor in ev.actors:
            for target in ev.targets or ((ev.place,) if ev.place else ()):
                if actor != target:
                    edges[actor, target, f"{ev.id}:{actor}:{target}"] = _safe(
                        kind="event", type=ev.type, label=ev.type, mode=ev.mode,
                        group=GROUP_OF[ev.type], date=ev.date or "",
                        evidence=ev.sentence_text, article=title, article_date=date,
                        url=url, trigger=ev.trigger, event=ev.id,
                        confidence=float(ev.confidence))
    return [(u, v, k, d) for (u, v, k), d in sorted(edges.items(), key=lambda e: e[0])]


class NodeCounts:
    """What the records say of each entity, counted article by article: its mentions,
    the articles that mention it, its roles. Memory grows with entities, not articles."""

    def __init__(self) -> None:
        self.mentions: Counter[str] = Counter()
        self.articles: Counter[str] = Counter()
        self.roles: dict[str, list[str]] = {}

    def add(self, x: Extraction) -> None:
        self.mentions.update(m.entity for m in x.mentions)
        self.articles.update({m.entity for m in x.mentions})
        for r in x.relations:
            if r.predicate == "role" and r.object not in self.roles.setdefault(r.subject, []):
                self.roles[r.subject].append(r.object)

    def nodes(self, entities: dict[str, Entity]) -> Iterator[Node]:
        """Each entity with its attributes, in the order of `entities` (sorted keys)."""
        for key, e in entities.items():
            yield key, _safe(label=e.label, type=e.type, aliases="; ".join(e.aliases),
                             wikidata=e.wikidata or "", mentions=self.mentions[key],
                             articles=self.articles[key],
                             roles="; ".join(self.roles.get(key, [])))


def network(result: BuildResult, *, asserted_only: bool = True) -> nx.MultiDiGraph:
    """All of a build's network in one networkx graph: nodes in key order, then the
    edges article by article (in id order). It holds every edge with its evidence: for
    analytics in Python; the build's own outputs stream the edges instead."""
    import networkx as nx

    counts = NodeCounts()
    edges: list[Edge] = []
    for x in result.by_article():
        counts.add(x)
        edges.extend(article_edges(x, asserted_only=asserted_only))
    g = nx.MultiDiGraph(articles=len(result.extractions))
    g.add_nodes_from(counts.nodes(result.entities))
    g.add_edges_from(edges)
    return g


def _safe(**attrs: object) -> dict[str, object]:
    """Attributes that GraphML and GEXF can hold: text from articles is untrusted."""
    return {k: xml_safe(v) if isinstance(v, str) else v for k, v in attrs.items()}
