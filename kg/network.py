"""A networkx view of a build: entities as nodes, relations and events as edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from kg.rdf import xml_safe
from kg.records import GROUP_OF

if TYPE_CHECKING:
    from kg.pipeline import BuildResult

DRAWN_MODES = ("asserted", "historical")


def network(result: BuildResult, *, asserted_only: bool = True) -> nx.MultiDiGraph:
    """Nodes carry label, type and mention counts; edges carry kind, type and evidence.
    One pass over the records (they are read back from disk); nodes and edges sorted."""
    g = nx.MultiDiGraph()
    mentions: dict[str, int] = {}
    articles: dict[str, set[str]] = {}
    roles: dict[str, list[str]] = {}
    edges: list[tuple[str, str, str, dict]] = []
    for x in result.extractions:
        a = x.article
        for m in x.mentions:
            mentions[m.entity] = mentions.get(m.entity, 0) + 1
            articles.setdefault(m.entity, set()).add(a.id)
        title = a.title or a.source
        date = a.date.isoformat() if a.date else ""
        for r in x.relations:
            if r.predicate == "role":
                if r.object not in roles.setdefault(r.subject, []):
                    roles[r.subject].append(r.object)
                continue
            edges.append((r.subject, r.object, f"{r.predicate}:{a.id}:{r.subject}:{r.object}",
                          _safe(kind="relation", type=r.predicate, label=r.predicate,
                               mode="asserted", group="relation", date="",
                               evidence=r.evidence, article=title, article_date=date,
                               url=a.url or "", trigger="", event="", confidence=1.0)))
        for ev in x.events:
            if asserted_only and ev.mode not in DRAWN_MODES:
                continue
            for actor in ev.actors:
                for target in ev.targets or ((ev.place,) if ev.place else ()):
                    if actor == target:
                        continue
                    edges.append((actor, target, f"{ev.id}:{actor}:{target}",
                                  _safe(kind="event", type=ev.type, label=ev.type,
                                       mode=ev.mode, group=GROUP_OF[ev.type],
                                       date=ev.date or "", evidence=ev.sentence_text,
                                       article=title, article_date=date, url=a.url or "",
                                       trigger=ev.trigger, event=ev.id,
                                       confidence=float(ev.confidence))))
    for key, e in result.entities.items():
        g.add_node(key, **_safe(label=e.label, type=e.type, aliases="; ".join(e.aliases),
                                wikidata=e.wikidata or "", mentions=mentions.get(key, 0),
                                articles=len(articles.get(key, ())),
                                roles="; ".join(roles.get(key, []))))
    g.graph["articles"] = len(result.extractions)
    # Sorted, so that the exports write it as it is, in an order fixed by the content.
    g.add_edges_from(sorted(edges, key=lambda e: (e[0], e[1], e[2])))
    return g


def _safe(**attrs: object) -> dict[str, object]:
    """Attributes that GraphML and GEXF can hold: text from articles is untrusted."""
    return {k: xml_safe(v) if isinstance(v, str) else v for k, v in attrs.items()}
