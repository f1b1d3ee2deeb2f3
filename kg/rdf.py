"""RDF stage: records into an rdflib Dataset, one named graph per article.

IRIs are minted only from entity keys (already slugs), article and event hashes, never
from raw text. Literals are typed so that every store accepts them: partial dates as
xsd:gYear / xsd:gYearMonth, confidences as xsd:decimal.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.records import Entity, Event, Extraction
from kg.vocab import KG, ORG, PLOVER, SCHEMA, WD

_SAFE_LOCAL = re.compile(r"^[a-z0-9][a-z0-9/-]*$")
_CLASS = {"Country": KG.Country, "Alliance": KG.Alliance, "Organization": KG.Organization,
          "Person": KG.Person, "Place": KG.Place}
_RELATION = {"memberOf": KG.memberOf, "officialOf": KG.officialOf, "leaderOf": KG.leaderOf,
             "locatedIn": KG.locatedIn}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def bind(g: Graph) -> None:
    g.bind("kg", KG._NS)
    g.bind("plover", PLOVER._NS)
    g.bind("org", ORG)
    g.bind("schema", SCHEMA)
    g.bind("wd", WD)
    g.bind("prov", PROV)
    g.bind("dcterms", DCTERMS)
    g.bind("skos", SKOS)
    g.bind("owl", OWL)


def text(value: str) -> Literal:
    """A plain string literal with characters XML 1.0 and N-Triples readers reject removed."""
    return Literal(_CONTROL.sub(" ", value))


def date_literal(value: str) -> Literal:
    if len(value) == 4:
        return Literal(value, datatype=XSD.gYear)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.date)


class Minter:
    """IRIs under one base, from safe local names only."""

    def __init__(self, base: str):
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", base):
            raise ValueError(f"--base must be an absolute IRI without spaces, got {base!r}")
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def local(self, name: str) -> URIRef:
        if not _SAFE_LOCAL.match(name):
            raise ValueError(f"unsafe IRI local name {name!r}")
        return URIRef(self.base + name)

    def entity(self, key: str) -> URIRef:
        return self.local(key)

    def article(self, article_id: str) -> URIRef:
        return self.local("article/" + article_id)

    def event(self, event_id: str) -> URIRef:
        return self.local("event/" + event_id)


def _entity(g: Graph, m: Minter, e: Entity, article: URIRef, aliases: tuple[str, ...]) -> None:
    node = m.entity(e.key)
    g.add((node, RDF.type, _CLASS[e.type]))
    g.add((node, RDFS.label, text(e.label)))
    for alias in aliases:
        if alias != e.label:
            g.add((node, SKOS.altLabel, text(alias)))
    if e.wikidata:
        g.add((node, OWL.sameAs, WD[e.wikidata]))
    g.add((node, KG.mentionedIn, article))


def _event(g: Graph, m: Minter, ev: Event, article: URIRef) -> None:
    node = m.event(ev.id)
    g.add((node, RDF.type, KG.Event))
    g.add((node, KG.eventType, PLOVER[ev.type]))
    g.add((node, RDFS.label, text(f"{ev.type.lower()}: {ev.trigger}")))
    for a in ev.actors:
        g.add((node, KG.actor, m.entity(a)))
    for t in ev.targets:
        g.add((node, KG.target, m.entity(t)))
    if ev.place:
        g.add((node, KG.place, m.entity(ev.place)))
    if ev.date:
        g.add((node, KG.date, date_literal(ev.date)))
    if ev.date_text:
        g.add((node, KG.dateText, text(ev.date_text)))
    g.add((node, KG.mode, Literal(ev.mode)))
    g.add((node, KG.trigger, text(ev.trigger)))
    g.add((node, KG.sentence, text(ev.sentence_text)))
    g.add((node, KG.charStart, Literal(ev.trigger_start)))
    g.add((node, KG.charEnd, Literal(ev.trigger_end)))
    g.add((node, KG.confidence, Literal(Decimal(str(ev.confidence)), datatype=XSD.decimal)))
    g.add((node, KG.sourceArticle, article))
    g.add((node, PROV.wasDerivedFrom, article))
    if ev.mode in ("asserted", "historical"):
        direct = KG[ev.type.lower()]
        for a in ev.actors:
            for t in ev.targets:
                if a != t:
                    g.add((m.entity(a), direct, m.entity(t)))


def article_graph(g: Graph, m: Minter, x: Extraction, entities: dict[str, Entity]) -> None:
    """Everything one article states, into g."""
    a = x.article
    art = m.article(a.id)
    g.add((art, RDF.type, KG.Article))
    g.add((art, DCTERMS.source, text(a.source)))
    if a.title:
        g.add((art, DCTERMS.title, text(a.title)))
    if a.date:
        g.add((art, DCTERMS.date, Literal(a.date.isoformat(), datatype=XSD.date)))
    if a.url:
        g.add((art, SCHEMA.url, Literal(a.url, datatype=XSD.anyURI)))
    if a.author:
        g.add((art, DCTERMS.creator, text(a.author)))
    used = {e.key for e in x.entities}
    for key in sorted(used):
        local = next(e for e in x.entities if e.key == key)
        _entity(g, m, entities.get(key, local), art, local.aliases)
    for men in x.mentions:
        node = m.local(f"mention/{a.id}-{men.start}-{men.end}")
        g.add((node, RDF.type, KG.Mention))
        g.add((node, KG.mentionOf, m.entity(men.entity)))
        g.add((node, KG.sourceArticle, art))
        g.add((node, KG.text, text(men.text)))
        g.add((node, KG.charStart, Literal(men.start)))
        g.add((node, KG.charEnd, Literal(men.end)))
    for r in x.relations:
        subj = m.entity(r.subject)
        if r.predicate == "role":
            g.add((subj, KG.role, text(r.object)))
            continue
        g.add((subj, _RELATION[r.predicate], m.entity(r.object)))
        if r.predicate == "officialOf":
            roles = [q.object for q in x.relations
                     if q.subject == r.subject and q.predicate == "role"]
            for role in roles[:1]:
                from kg.gazetteer import slug

                post = m.local(f"post/{r.object}/{slug(role)}")
                g.add((post, RDF.type, ORG.Post))
                g.add((post, ORG.postIn, m.entity(r.object)))
                g.add((post, SKOS.prefLabel, text(role)))
                g.add((subj, ORG.holds, post))
    for ev in x.events:
        _event(g, m, ev, art)


def dataset(extractions: list[Extraction], entities: dict[str, Entity], base: str) -> Dataset:
    """One named graph per article, named by the article's IRI."""
    m = Minter(base)
    ds = Dataset()
    bind(ds)
    for x in extractions:
        g = ds.graph(m.article(x.article.id))
        article_graph(g, m, x, entities)
    return ds


def union(ds: Dataset) -> Graph:
    """All the articles' facts as one graph."""
    g = Graph()
    bind(g)
    for quad in ds.quads((None, None, None, None)):
        g.add(quad[:3])
    return g
