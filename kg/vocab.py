"""The kg vocabulary, declared once; `ontology/kg.ttl` describes the same terms."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kg.config import DEFAULT_BASE, ONTOLOGY_IRI

__all__ = ["DEFAULT_BASE", "KG", "ONTOLOGY_IRI", "ORG", "PLOVER", "SCHEMA", "WD"]
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")


class KG(DefinedNamespace):
    """Classes and properties of the kg ontology."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes
    Article: URIRef
    Actor: URIRef
    Country: URIRef
    Alliance: URIRef
    Organization: URIRef
    Person: URIRef
    Place: URIRef
    Event: URIRef
    Mention: URIRef
    # relations between entities
    memberOf: URIRef
    officialOf: URIRef
    leaderOf: URIRef
    locatedIn: URIRef
    role: URIRef
    mentionedIn: URIRef
    # events
    eventType: URIRef
    actor: URIRef
    target: URIRef
    place: URIRef
    date: URIRef
    dateText: URIRef
    mode: URIRef
    interactsWith: URIRef
    # provenance
    sourceArticle: URIRef
    sentence: URIRef
    trigger: URIRef
    charStart: URIRef
    charEnd: URIRef
    confidence: URIRef
    mentionOf: URIRef
    text: URIRef
    # direct actor -> target edges, one per PLOVER type (asserted events only)
    agree: URIRef
    consult: URIRef
    support: URIRef
    concede: URIRef
    cooperate: URIRef
    aid: URIRef
    retreat: URIRef
    request: URIRef
    accuse: URIRef
    reject: URIRef
    threaten: URIRef
    protest: URIRef
    sanction: URIRef
    mobilize: URIRef
    coerce: URIRef
    assault: URIRef


class PLOVER(DefinedNamespace):
    """The PLOVER event categories as SKOS concepts."""

    _NS = Namespace("https://w3id.org/kg-news/plover#")
    _fail = True

    scheme: URIRef
    # the four groups (top concepts); records.PLOVER_GROUPS says which category is in which
    VerbalCooperation: URIRef
    MaterialCooperation: URIRef
    VerbalConflict: URIRef
    MaterialConflict: URIRef
    # the sixteen categories, the values of kg:eventType
    AGREE: URIRef
    CONSULT: URIRef
    SUPPORT: URIRef
    CONCEDE: URIRef
    COOPERATE: URIRef
    AID: URIRef
    RETREAT: URIRef
    REQUEST: URIRef
    ACCUSE: URIRef
    REJECT: URIRef
    THREATEN: URIRef
    PROTEST: URIRef
    SANCTION: URIRef
    MOBILIZE: URIRef
    COERCE: URIRef
    ASSAULT: URIRef
