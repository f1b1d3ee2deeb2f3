"""RDF stage: records into quads, one named graph per article.

Each article's triples are made as N-Triples text (terms in their N-Triples form):
`kg.rdf_files` streams them into the files, `kg.store` into an on-disk store, and
`quads` into in-memory Oxigraph stores on demand; making one Python object per term
would cost more than everything else in this stage.
IRIs are minted only from entity keys (already slugs), article and event hashes, never
from raw text. Literals are typed so that every store accepts them:
partial dates as xsd:gYear / xsd:gYearMonth, confidences as xsd:decimal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg.gazetteer import slug
from kg.records import Entity, Event, Extraction
from kg.vocab import KG, ORG, PLOVER, SCHEMA, WD

_SAFE_LOCAL = re.compile(r"^[a-z0-9][a-z0-9/-]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
PROV_NS = "http://www.w3.org/ns/prov#"
DCT_NS = "http://purl.org/dc/terms/"

PREFIXES = {"kg": str(KG._NS), "plover": str(PLOVER._NS), "org": str(ORG),
            "schema": str(SCHEMA), "wd": str(WD), "prov": PROV_NS, "dcterms": DCT_NS,
            "skos": SKOS_NS, "owl": OWL_NS, "rdfs": RDFS_NS, "xsd": XSD_NS}


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _n(iri: str) -> str:
    return f"<{iri}>"


A = _n(RDF_NS + "type")
LABEL = _n(RDFS_NS + "label")
ALT = _n(SKOS_NS + "altLabel")
PREF = _n(SKOS_NS + "prefLabel")
SAME_AS = _n(OWL_NS + "sameAs")
DERIVED = _n(PROV_NS + "wasDerivedFrom")
D_SOURCE, D_TITLE, D_DATE, D_CREATOR = (_n(DCT_NS + x) for x in ("source", "title", "date",
                                                                  "creator"))
S_URL = _n(str(SCHEMA) + "url")
POST, POST_IN, HOLDS = _n(str(ORG) + "Post"), _n(str(ORG) + "postIn"), _n(str(ORG) + "holds")
XSD_DECIMAL, XSD_DATE, XSD_GYEAR, XSD_GYM, XSD_ANYURI, XSD_INT = (
    _n(XSD_NS + x) for x in ("decimal", "date", "gYear", "gYearMonth", "anyURI", "integer"))
K = {name: _n(KG[name]) for name in (
    "Article", "Country", "Alliance", "Organization", "Person", "Place", "Event", "Mention",
    "memberOf", "officialOf", "leaderOf", "locatedIn", "role", "mentionedIn", "eventType",
    "actor", "target", "place", "date", "dateText", "mode", "sourceArticle", "sentence",
    "trigger", "charStart", "charEnd", "confidence", "mentionOf", "text")}


def xml_safe(value: str) -> str:
    """The string without the characters that XML (and so RDF/XML readers) reject."""
    return _CONTROL.sub(" ", value)


def text(value: str) -> str:
    """A plain string literal, escaped, without characters that N-Triples and XML
    readers reject."""
    return '"' + xml_safe(value).translate(_ESCAPES) + '"'


def typed(lexical: str, datatype: str) -> str:
    """A typed literal; the lexical form must already be valid for its datatype."""
    return f'"{lexical}"^^{datatype}'


def integer(value: int) -> str:
    return typed(str(int(value)), XSD_INT)


def decimal(value: float) -> str:
    """A confidence to two places, in the canonical lexical form ("0.7", not "0.70"):
    stores that normalize decimals then give back the literal as written."""
    lexical = f"{value:.2f}".rstrip("0")
    return typed(lexical + "0" if lexical.endswith(".") else lexical, XSD_DECIMAL)


def date_literal(value: str) -> str:
    if re.fullmatch(r"\d{4}", value):
        return typed(value, XSD_GYEAR)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return typed(value, XSD_GYM)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return typed(value, XSD_DATE)
    raise ValueError(f"not an ISO date, year-month or year: {value!r}")


class Minter:
    """IRIs under one base, from safe local names only."""

    def __init__(self, base: str):
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", base):
            raise ValueError(f"--base must be an absolute IRI without spaces, got {base!r}")
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def local(self, name: str) -> str:
        if not _SAFE_LOCAL.match(name):
            raise ValueError(f"unsafe IRI local name {name!r}")
        return f"<{self.base}{name}>"

    def entity(self, key: str) -> str:
        return self.local(key)

    def article(self, article_id: str) -> str:
        return self.local("article/" + article_id)

    def event(self, event_id: str) -> str:
        return self.local("event/" + event_id)


Triple = tuple[str, str, str]  # subject, predicate, object in N-Triples form


def _entity(m: Minter, e: Entity, article: str,
            aliases: tuple[str, ...]) -> Iterator[Triple]:
    node = m.entity(e.key)
    yield node, A, K[e.type]
    yield node, LABEL, text(e.label)
    for alias in aliases:
        if alias != e.label:
            yield node, ALT, text(alias)
    if e.wikidata:
        yield node, SAME_AS, _n(str(WD) + e.wikidata)
    yield node, K["mentionedIn"], article


def _event(m: Minter, ev: Event, article: str) -> Iterator[Triple]:
    node = m.event(ev.id)
    yield node, A, K["Event"]
    yield node, K["eventType"], _n(PLOVER[ev.type])
    yield node, LABEL, text(f"{ev.type.lower()}: {ev.trigger}")
    for a in ev.actors:
        yield node, K["actor"], m.entity(a)
    for t in ev.targets:
        yield node, K["target"], m.entity(t)
    if ev.place:
        yield node, K["place"], m.entity(ev.place)
    if ev.date:
        yield node, K["date"], date_literal(ev.date)
    if ev.date_text:
        yield node, K["dateText"], text(ev.date_text)
    yield node, K["mode"], text(ev.mode)
    yield node, K["trigger"], text(ev.trigger)
    yield node, K["sentence"], text(ev.sentence_text)
    yield node, K["charStart"], integer(ev.trigger_start)
    yield node, K["charEnd"], integer(ev.trigger_end)
    yield node, K["confidence"], decimal(ev.confidence)
    yield node, K["sourceArticle"], article
    yield node, DERIVED, article
    if ev.mode in ("asserted", "historical"):
        direct = _n(KG[ev.type.lower()])
        for a in ev.actors:
            for t in ev.targets:
                if a != t:
                    yield m.entity(a), direct, m.entity(t)


def article_triples(m: Minter, x: Extraction, entities: dict[str, Entity]) -> Iterator[Triple]:
    """Everything one article states."""
    a = x.article
    art = m.article(a.id)
    yield art, A, K["Article"]
    yield art, D_SOURCE, text(a.source)
    if a.title:
        yield art, D_TITLE, text(a.title)
    if a.date:
        yield art, D_DATE, typed(a.date.isoformat(), XSD_DATE)
    if a.url:
        yield art, S_URL, text(a.url)[:-1] + '"^^' + XSD_ANYURI
    if a.author:
        yield art, D_CREATOR, text(a.author)
    for local in x.entities:
        yield from _entity(m, entities.get(local.key, local), art, local.aliases)
    for men in x.mentions:
        node = m.local(f"mention/{a.id}-{men.start}-{men.end}")
        yield node, A, K["Mention"]
        yield node, K["mentionOf"], m.entity(men.entity)
        yield node, K["sourceArticle"], art
        yield node, K["text"], text(men.text)
        yield node, K["charStart"], integer(men.start)
        yield node, K["charEnd"], integer(men.end)
    roles: dict[str, set[str]] = {}
    for r in x.relations:
        if r.predicate == "role":
            roles.setdefault(r.subject, set()).add(r.object)
    for r in x.relations:
        subj = m.entity(r.subject)
        if r.predicate == "role":
            yield subj, K["role"], text(r.object)
            continue
        yield subj, K[r.predicate], m.entity(r.object)
        if r.predicate == "officialOf" and len(roles.get(r.subject, ())) == 1:
            # The W3C ORG way: the person holds a post in the organization (written only
            # when the article gives the person one title, so post and polity match).
            (role,) = roles[r.subject]
            post = m.local(f"post/{r.object}/{slug(role)}")
            yield post, A, POST
            yield post, POST_IN, m.entity(r.object)
            yield post, PREF, text(role)
            yield subj, HOLDS, post
    for ev in x.events:
        yield from _event(m, ev, art)


def article_lines(m: Minter, x: Extraction, entities: dict[str, Entity]) -> list[str]:
    """An article's triples as distinct N-Triples lines (without the final " ."), sorted:
    the order every writer and the store's digests rely on."""
    return sorted({f"{s} {p} {o}" for s, p, o in article_triples(m, x, entities)})


def quads(extractions: Iterable[Extraction], entities: dict[str, Entity],
          base: str) -> tuple[ox.Store, ox.Store]:
    """Two in-memory stores: one named graph per article (named by the article's IRI),
    and the union of all articles as one default graph, each triple once. For SPARQL
    over a build in Python; the files are written from the lines (`kg.rdf_files`)."""
    m = Minter(base)
    dataset = ox.Store()
    union = ox.Store()
    for batch in _chunks(extractions, 64):
        quads: list[str] = []
        triples: list[str] = []
        for x in batch:
            g = m.article(x.article.id)
            for line in article_lines(m, x, entities):
                triples.append(line + " .\n")
                quads.append(f"{line} {g} .\n")
        dataset.bulk_load("".join(quads).encode("utf-8"), ox.RdfFormat.N_QUADS)
        union.bulk_load("".join(triples).encode("utf-8"), ox.RdfFormat.N_TRIPLES)
    return dataset, union


def _chunks(items: Iterable[Extraction], size: int) -> Iterator[list[Extraction]]:
    batch: list[Extraction] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
