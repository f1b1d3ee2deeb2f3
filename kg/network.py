"""A networkx view of a build: entities as nodes, relations and events as edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from kg.records import GROUP_OF

if TYPE_CHECKING:
    from kg.pipeline import BuildResult

DRAWN_MODES = ("asserted", "historical")


def network(result: BuildResult, *, asserted_only: bool = True) -> nx.MultiDiGraph:
    """Nodes carry label, type and mention counts; edges carry kind, type and evidence."""
    g = nx.MultiDiGraph()
    mentions: dict[str, int] = {}
    articles: dict[str, set[str]] = {}
    for x in result.extractions:
        for m in x.mentions:
            mentions[m.entity] = mentions.get(m.entity, 0) + 1
            articles.setdefault(m.entity, set()).add(x.article.id)
    roles: dict[str, list[str]] = {}
    for r in result.relations:
        if r.predicate == "role" and r.object not in roles.setdefault(r.subject, []):
            roles[r.subject].append(r.object)
    for key, e in result.entities.items():
        g.add_node(key, label=e.label, type=e.type, aliases="; ".join(e.aliases),
                   wikidata=e.wikidata or "", mentions=mentions.get(key, 0),
                   articles=len(articles.get(key, ())), roles="; ".join(roles.get(key, [])))
    g.graph["articles"] = len(result.extractions)
    for x in result.extractions:
        a = x.article
        title = a.title or a.source
        date = a.date.isoformat() if a.date else ""
        for r in x.relations:
            if r.predicate == "role":
                continue
            g.add_edge(r.subject, r.object, key=f"{r.predicate}:{a.id}:{r.subject}:{r.object}",
                       kind="relation", type=r.predicate, label=r.predicate, mode="asserted",
                       group="relation", date="", evidence=r.evidence, article=title,
                       article_date=date, url=a.url or "", trigger="", event="",
                       confidence=1.0)
        for ev in x.events:
            if asserted_only and ev.mode not in DRAWN_MODES:
                continue
            for actor in ev.actors:
                for target in ev.targets or ((ev.place,) if ev.place else ()):
                    if actor == target:
                        continue
                    g.add_edge(actor, target, key=f"{ev.id}:{actor}:{target}", kind="event",
                               type=ev.type, label=ev.type, mode=ev.mode,
                               group=GROUP_OF[ev.type], date=ev.date or "",
                               evidence=ev.sentence_text, article=title, article_date=date,
                               url=a.url or "", trigger=ev.trigger, event=ev.id,
                               confidence=float(ev.confidence))
    return g
