"""The ontology (ontology/kg.ttl) and the shapes (ontology/shapes.ttl) against the code.

- kg/vocab.py and the ontology declare the same terms, each with a type, label and comment;
- both files parse with Oxigraph as well as rdflib;
- the seed build conforms to the shapes, and so does what the RDF writer makes of records
  covering every PLOVER category, mode and date precision;
- hand-made broken graphs do not conform, each for the reason it was broken.

Validation runs with the ontology as pySHACL's extra ontology graph and *no* inference.
The ontology contributes its rdfs:subClassOf axioms, which sh:class and sh:targetClass
follow (a kg:Country is a kg:Actor); the data must state its own rdf:type triples. RDFS
inference would instead derive types from rdfs:domain / rdfs:range, so "the source
article is a kg:Article" or "an official is a kg:Person" could never fail
(test_rdfs_inference_would_hide_missing_types shows it).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace as rns  # XSD via rns: pytest probes globals, XSD warns on that
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS

from kg.records import (
    MODES,
    PLOVER_GROUPS,
    PLOVER_TYPES,
    Article,
    Entity,
    Event,
    Extraction,
    Mention,
    Relation,
    Sentence,
)
from kg.vocab import DEFAULT_BASE, KG, ONTOLOGY_IRI, ORG, PLOVER, SCHEMA

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"

SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
ID = Namespace(DEFAULT_BASE)

KG_TERMS = set(dir(KG))
PLOVER_TERMS = set(dir(PLOVER))
PLOVER_GROUP_TERMS = {PLOVER.VerbalCooperation, PLOVER.MaterialCooperation,
                      PLOVER.VerbalConflict, PLOVER.MaterialConflict}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def shacl(data: Graph, shapes: Graph, ontology: Graph, inference: str = "none"):
    """(conforms, {(focus node, result path, constraint component)}, report text)."""
    conforms, report, text = validate(data, shacl_graph=shapes, ont_graph=ontology,
                                      inference=inference)
    found = {(report.value(r, SH.focusNode), report.value(r, SH.resultPath),
              report.value(r, SH.sourceConstraintComponent))
             for r in report.objects(None, SH.result)}
    return conforms, found, text


def in_namespace(graph: Graph, ns: str) -> set[URIRef]:
    return {t for triple in graph for t in triple
            if isinstance(t, URIRef) and str(t).startswith(ns)}


def english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return [str(o) for o in graph.objects(subject, predicate)
            if isinstance(o, Literal) and o.language == "en" and str(o).strip()]


# --- (a) code and ontology declare the same terms -------------------------------------

@pytest.mark.parametrize("term", sorted(KG_TERMS), ids=lambda t: t.split("#")[-1])
def test_kg_term_is_declared_with_type_label_and_comment(ontology, term):
    types = set(ontology.objects(term, RDF.type))
    if term.split("#")[-1][0].isupper():
        assert OWL.Class in types, f"{term} is not an owl:Class"
    else:
        kinds = types & {OWL.ObjectProperty, OWL.DatatypeProperty}
        assert len(kinds) == 1, f"{term} needs exactly one of owl:Object/DatatypeProperty"
    assert len(english(ontology, term, RDFS.label)) == 1, f"{term}: one English rdfs:label"
    assert english(ontology, term, RDFS.comment), f"{term}: no English rdfs:comment"


@pytest.mark.parametrize("term", sorted(PLOVER_TERMS), ids=lambda t: t.split("#")[-1])
def test_plover_term_is_declared_with_label_and_definition(ontology, term):
    assert english(ontology, term, RDFS.label), f"{term}: no English rdfs:label"
    assert english(ontology, term, RDFS.comment), f"{term}: no English rdfs:comment"
    assert len(english(ontology, term, SKOS.prefLabel)) == 1, f"{term}: one skos:prefLabel"
    assert english(ontology, term, SKOS.definition), f"{term}: no skos:definition"
    if term == PLOVER.scheme:
        assert (term, RDF.type, SKOS.ConceptScheme) in ontology
    else:
        assert (term, RDF.type, SKOS.Concept) in ontology
        assert (term, SKOS.inScheme, PLOVER.scheme) in ontology


def test_ontology_uses_no_kg_or_plover_term_missing_from_vocab(ontology):
    assert in_namespace(ontology, str(KG._NS)) <= KG_TERMS, \
        sorted(in_namespace(ontology, str(KG._NS)) - KG_TERMS)
    assert in_namespace(ontology, str(PLOVER._NS)) <= PLOVER_TERMS, \
        sorted(in_namespace(ontology, str(PLOVER._NS)) - PLOVER_TERMS)
    declared = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}
    assert {t for t in declared if t.startswith(str(KG._NS))} == KG_TERMS
    assert {t for t in declared if t.startswith(str(PLOVER._NS))} == PLOVER_TERMS


def test_shapes_use_no_kg_or_plover_term_missing_from_vocab(shapes):
    assert in_namespace(shapes, str(KG._NS)) <= KG_TERMS
    assert in_namespace(shapes, str(PLOVER._NS)) <= PLOVER_TERMS


def test_ontology_header(ontology):
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert english(ontology, onto, RDFS.label) and english(ontology, onto, RDFS.comment)
    assert str(KG._NS) == ONTOLOGY_IRI + "#"


@pytest.mark.parametrize("s, p, o", [
    (KG.Person, RDFS.subClassOf, SCHEMA.Person),
    (KG.Person, RDFS.subClassOf, FOAF.Person),
    (KG.Person, RDFS.subClassOf, KG.Actor),
    (KG.Organization, RDFS.subClassOf, ORG.Organization),
    (KG.Organization, RDFS.subClassOf, SCHEMA.Organization),
    (KG.Organization, RDFS.subClassOf, KG.Actor),
    (KG.Country, RDFS.subClassOf, KG.Actor),
    (KG.Country, RDFS.subClassOf, SCHEMA.Country),
    (KG.Alliance, RDFS.subClassOf, KG.Actor),
    (KG.Place, RDFS.subClassOf, SCHEMA.Place),
    (KG.Event, RDFS.subClassOf, SEM.Event),
    (KG.Event, RDFS.subClassOf, SCHEMA.Event),
    (KG.Article, RDFS.subClassOf, SCHEMA.NewsArticle),
    (KG.Article, RDFS.subClassOf, PROV.Entity),
    (KG.memberOf, RDFS.subPropertyOf, ORG.memberOf),
    (KG.leaderOf, RDFS.subPropertyOf, KG.officialOf),
    (KG.locatedIn, RDFS.subPropertyOf, SCHEMA.containedInPlace),
    (KG.actor, RDFS.subPropertyOf, SEM.hasActor),
    (KG.place, RDFS.subPropertyOf, SEM.hasPlace),
    (KG.sourceArticle, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    (KG.role, RDF.type, OWL.DatatypeProperty),
    (KG.role, RDFS.range, rns.XSD.string),
    (KG.sourceArticle, RDFS.range, KG.Article),
    (KG.mentionedIn, RDFS.range, KG.Article),
    (KG.actor, RDFS.range, KG.Actor),
    (KG.eventType, RDFS.domain, KG.Event),
])
def test_alignment(ontology, s, p, o):
    assert (s, p, o) in ontology


def test_plover_groups_match_records(ontology):
    assert set(ontology.objects(PLOVER.scheme, SKOS.hasTopConcept)) == PLOVER_GROUP_TERMS
    groups = {str(ontology.value(g, SKOS.prefLabel)): g for g in PLOVER_GROUP_TERMS}
    assert set(groups) == set(PLOVER_GROUPS)
    for name, types in PLOVER_GROUPS.items():
        members = set(ontology.subjects(SKOS.broader, groups[name]))
        assert members == {PLOVER[t] for t in types}, name
    assert PLOVER_TERMS == {PLOVER.scheme} | PLOVER_GROUP_TERMS | {PLOVER[t] for t in PLOVER_TYPES}
    for t in PLOVER_TYPES:
        assert len(list(ontology.objects(PLOVER[t], SKOS.broader))) == 1, t
        assert str(ontology.value(PLOVER[t], SKOS.notation)) == t


def test_direct_edges_are_the_plover_types(ontology):
    edges = set(ontology.subjects(RDFS.subPropertyOf, KG.interactsWith))
    assert edges == {KG[t.lower()] for t in PLOVER_TYPES}
    for t in PLOVER_TYPES:
        assert (KG[t.lower()], RDFS.seeAlso, PLOVER[t]) in ontology


def _shape_list(graph: Graph, path: URIRef, key: URIRef) -> list:
    lists = [graph.value(shape, key) for shape in graph.subjects(SH.path, path)
             if graph.value(shape, key) is not None]
    assert len(lists) == 1, f"expected one sh:path {path} shape with {key}"
    return list(Collection(graph, lists[0]))


def test_shape_and_ontology_enumerations_match_the_code(shapes, ontology):
    assert _shape_list(shapes, KG.eventType, SH["in"]) == [PLOVER[t] for t in PLOVER_TYPES]
    assert [str(m) for m in _shape_list(shapes, KG.mode, SH["in"])] == list(MODES)
    mode_range = ontology.value(KG.mode, RDFS.range)
    assert [str(m) for m in Collection(ontology, ontology.value(mode_range, OWL.oneOf))] \
        == list(MODES)


# --- (b) the files parse with Oxigraph too -------------------------------------------

@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES], ids=lambda p: p.name)
def test_parses_with_pyoxigraph(path):
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(Graph().parse(path, format="turtle"))


def test_oxigraph_sees_the_same_classes_and_properties(ontology):
    store = ox.Store()
    store.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE)
    assert bool(store.query(f"ASK {{ <{ONTOLOGY_IRI}> a <{OWL.Ontology}> }}"))
    rows = store.query(f"""
        SELECT ?t WHERE {{
          VALUES ?kind {{ <{OWL.Class}> <{OWL.ObjectProperty}> <{OWL.DatatypeProperty}> }}
          ?t a ?kind FILTER(STRSTARTS(STR(?t), "{KG._NS}"))
        }}""")
    assert {URIRef(row["t"].value) for row in rows} == KG_TERMS


# --- (c) real output conforms ---------------------------------------------------------

def test_seed_build_conforms(seed_build, shapes, ontology):
    result, _ = seed_build
    g = result.graph
    for cls in (KG.Article, KG.Event, KG.Mention):
        assert any(g.subjects(RDF.type, cls)), f"no {cls} in the seed build: nothing to check"
    conforms, _, text = shacl(g, shapes, ontology)
    assert conforms, text


def test_seed_graph_file_conforms(seed_build, shapes, ontology):
    """The same, after a round trip through the Turtle file a user gets."""
    _, out = seed_build
    g = Graph().parse(out / "graph.ttl", format="turtle")
    conforms, _, text = shacl(g, shapes, ontology)
    assert conforms, text


def _records() -> Extraction:
    """One article whose records use every PLOVER type, mode and date precision."""
    text = "x" * 400
    art = Article(id="a0", source="made/by/test.txt", text=text, title="Test",
                  url="https://example.org/a0", author="Tester")
    ents = (Entity("country/rus", "Russia", "Country", ("Moscow",), "Q159"),
            Entity("country/ukr", "Ukraine", "Country"),
            Entity("country/pol", "Poland", "Country"),
            Entity("alliance/nato", "NATO", "Alliance"),
            Entity("organization/cia", "CIA", "Organization"),
            Entity("person/vladimir-putin", "Vladimir Putin", "Person"),
            Entity("place/crimea", "Crimea", "Place"))
    mentions = tuple(Mention(e.key, e.label, 10 * i, 10 * i + len(e.label), 0)
                     for i, e in enumerate(ents))
    rel = lambda s, p, o: Relation(s, p, o, 0, "evidence", 0, 10)  # noqa: E731
    relations = (rel("person/vladimir-putin", "role", "President"),
                 rel("person/vladimir-putin", "officialOf", "country/rus"),
                 rel("person/vladimir-putin", "leaderOf", "country/rus"),
                 rel("country/pol", "memberOf", "alliance/nato"),
                 rel("place/crimea", "locatedIn", "country/ukr"))
    actors = ("country/rus", "alliance/nato", "organization/cia", "person/vladimir-putin")
    dates = ("2014", "2014-02", "2014-02-27", None)
    events = tuple(
        Event(id=f"e{i:02d}", type=t, actors=(actors[i % 4],),
              targets=("country/ukr",) if i % 3 else (), trigger="did", trigger_start=100 + i,
              trigger_end=103 + i, sentence=0, sentence_text="Someone did something.",
              sentence_start=0, mode=MODES[i % len(MODES)],
              place="place/crimea" if i % 2 else None, date=dates[i % 4],
              date_text="in 2014" if dates[i % 4] else None, confidence=(i % 11) / 10)
        for i, t in enumerate(PLOVER_TYPES))
    return Extraction(art, (Sentence(0, 0, len(text)),), ents, mentions, relations, events)


def test_writer_output_for_every_type_mode_and_date_conforms(shapes, ontology):
    from kg.rdf import quads

    x = _records()
    _, union = quads([x], {e.key: e for e in x.entities}, DEFAULT_BASE)
    g = Graph().parse(data=union.dump(format=ox.RdfFormat.N_TRIPLES,
                                      from_graph=ox.DefaultGraph()), format="nt")
    assert len(set(g.objects(None, KG.eventType))) == len(PLOVER_TYPES)
    datatypes = {o.datatype for o in g.objects(None, KG.date)}
    assert datatypes == {rns.XSD.date, rns.XSD.gYearMonth, rns.XSD.gYear}
    conforms, _, text = shacl(g, shapes, ontology)
    assert conforms, text


# --- (d) broken graphs do not conform -------------------------------------------------

GOOD = """
@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix plover: <https://w3id.org/kg-news/plover#> .
@prefix ex: <https://w3id.org/kg-news/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

ex:article\\/a1 a kg:Article ; dcterms:source "seeds/a1.txt" ; dcterms:title "Crimea" ;
    dcterms:date "2021-11-24"^^xsd:date .
ex:country\\/rus a kg:Country ; rdfs:label "Russia" ; kg:mentionedIn ex:article\\/a1 .
ex:country\\/ukr a kg:Country ; rdfs:label "Ukraine" ; kg:mentionedIn ex:article\\/a1 .
ex:place\\/crimea a kg:Place ; rdfs:label "Crimea" ; kg:mentionedIn ex:article\\/a1 ;
    kg:locatedIn ex:country\\/ukr .
ex:person\\/vladimir-putin a kg:Person ; rdfs:label "Vladimir Putin" ;
    kg:mentionedIn ex:article\\/a1 ; kg:role "President" ;
    kg:officialOf ex:country\\/rus ; kg:leaderOf ex:country\\/rus .
ex:event\\/e1 a kg:Event ; kg:eventType plover:ASSAULT ; kg:mode "historical" ;
    kg:actor ex:country\\/rus ; kg:target ex:country\\/ukr ; kg:place ex:place\\/crimea ;
    kg:date "2014-02"^^xsd:gYearMonth ; kg:dateText "in February 2014" ;
    kg:trigger "annexed" ; kg:sentence "Russia annexed Crimea in February 2014." ;
    kg:charStart 7 ; kg:charEnd 14 ; kg:confidence 0.9 ; kg:sourceArticle ex:article\\/a1 .
ex:mention\\/a1-0-6 a kg:Mention ; kg:mentionOf ex:country\\/rus ;
    kg:sourceArticle ex:article\\/a1 ; kg:text "Russia" ; kg:charStart 0 ; kg:charEnd 6 .
ex:country\\/rus kg:assault ex:country\\/ukr .
"""

ART, RUS, UKR = ID["article/a1"], ID["country/rus"], ID["country/ukr"]
CRIMEA, PUTIN = ID["place/crimea"], ID["person/vladimir-putin"]
E1, M1 = ID["event/e1"], ID["mention/a1-0-6"]


def good() -> Graph:
    return Graph().parse(data=GOOD, format="turtle")


def test_hand_made_good_graph_conforms(shapes, ontology):
    """The baseline the broken graphs below start from."""
    conforms, _, text = shacl(good(), shapes, ontology)
    assert conforms, text


def typed(lexical: str, xsd_name: str) -> Literal:
    return Literal(lexical, datatype=rns.XSD[xsd_name])


A2, A9 = ID["article/a2"], ID["article/a9"]
OR, IN, CLASS, DATATYPE = (SH.OrConstraintComponent, SH.InConstraintComponent,
                           SH.ClassConstraintComponent, SH.DatatypeConstraintComponent)
MIN, MAX = SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent

# (name, triples to drop, triples to add, expected (focus, path, constraint component))
BROKEN = [
    ("event without actor", [(E1, KG.actor, None)], [], (E1, KG.actor, MIN)),
    ("entity with two labels", [], [(RUS, RDFS.label, Literal("Russian Federation"))],
     (RUS, RDFS.label, MAX)),
    ("ill-typed xsd:date", [(E1, KG.date, None)], [(E1, KG.date, typed("2014-02-30", "date"))],
     (E1, KG.date, OR)),
    ("ill-typed xsd:gYearMonth", [(E1, KG.date, None)],
     [(E1, KG.date, typed("2014-13", "gYearMonth"))], (E1, KG.date, OR)),
    ("ill-typed xsd:gYear", [(E1, KG.date, None)], [(E1, KG.date, typed("14", "gYear"))],
     (E1, KG.date, OR)),
    ("date as a plain string", [(E1, KG.date, None)], [(E1, KG.date, Literal("2014-02-27"))],
     (E1, KG.date, OR)),
    ("two dates", [], [(E1, KG.date, typed("2014", "gYear"))], (E1, KG.date, MAX)),
    ("event type a PLOVER group, not a category", [(E1, KG.eventType, None)],
     [(E1, KG.eventType, PLOVER.MaterialConflict)], (E1, KG.eventType, IN)),
    ("event type missing", [(E1, KG.eventType, None)], [], (E1, KG.eventType, MIN)),
    ("two event types", [], [(E1, KG.eventType, PLOVER.COERCE)], (E1, KG.eventType, MAX)),
    ("unknown mode", [(E1, KG.mode, None)], [(E1, KG.mode, Literal("maybe"))],
     (E1, KG.mode, IN)),
    ("confidence above 1", [(E1, KG.confidence, None)],
     [(E1, KG.confidence, typed("1.5", "decimal"))],
     (E1, KG.confidence, SH.MaxInclusiveConstraintComponent)),
    ("confidence a double", [(E1, KG.confidence, None)],
     [(E1, KG.confidence, typed("0.5", "double"))], (E1, KG.confidence, DATATYPE)),
    ("event without sentence", [(E1, KG.sentence, None)], [], (E1, KG.sentence, MIN)),
    ("event with two source articles", [],
     [(E1, KG.sourceArticle, A2), (A2, RDF.type, KG.Article),
      (A2, DCTERMS.source, Literal("seeds/a2.txt"))], (E1, KG.sourceArticle, MAX)),
    ("source article without its type", [(E1, KG.sourceArticle, None)],
     [(E1, KG.sourceArticle, A9)], (E1, KG.sourceArticle, CLASS)),
    ("a place as actor", [], [(E1, KG.actor, CRIMEA)], (E1, KG.actor, CLASS)),
    ("entity never mentioned", [(UKR, KG.mentionedIn, None)], [],
     (UKR, KG.mentionedIn, MIN)),
    ("language-tagged label", [(UKR, RDFS.label, None)],
     [(UKR, RDFS.label, Literal("Ukraine", lang="en"))], (UKR, RDFS.label, DATATYPE)),
    ("article without source", [(ART, DCTERMS.source, None)], [],
     (ART, DCTERMS.source, MIN)),
    ("a country as official", [], [(UKR, KG.officialOf, RUS)], (UKR, None, CLASS)),
    ("a country as leader", [], [(UKR, KG.leaderOf, RUS)], (UKR, None, CLASS)),
    ("official of a place", [], [(PUTIN, KG.officialOf, CRIMEA)], (PUTIN, KG.officialOf, OR)),
    ("role not a string", [(PUTIN, KG.role, None)], [(PUTIN, KG.role, Literal(3))],
     (PUTIN, KG.role, DATATYPE)),
    ("mention of nothing", [(M1, KG.mentionOf, None)], [], (M1, KG.mentionOf, MIN)),
    ("mention offset a string", [(M1, KG.charStart, None)], [(M1, KG.charStart, Literal("0"))],
     (M1, KG.charStart, DATATYPE)),
    ("mention ending before it starts", [(M1, KG.charEnd, None)],
     [(M1, KG.charEnd, Literal(-1))], (M1, KG.charStart, SH.LessThanConstraintComponent)),
    ("mention without source article", [(M1, KG.sourceArticle, None)], [],
     (M1, KG.sourceArticle, MIN)),
]


@pytest.mark.parametrize("drop, add, expected", [case[1:] for case in BROKEN],
                         ids=[case[0] for case in BROKEN])
def test_broken_graph_does_not_conform(shapes, ontology, drop, add, expected):
    g = good()
    for pattern in drop:
        assert any(g.triples(pattern)), f"nothing to drop for {pattern}"
        g.remove(pattern)
    for triple in add:
        g.add(triple)
    conforms, found, text = shacl(g, shapes, ontology)
    assert not conforms
    assert expected in found, text


def test_graph_with_all_three_faults_does_not_conform(shapes, ontology):
    """The brief's bad graph: an event without actor, an entity with two labels, and an
    ill-typed date, together; each is reported."""
    g = good()
    g.remove((E1, KG.actor, None))
    g.add((RUS, RDFS.label, Literal("Russian Federation")))
    g.set((E1, KG.date, typed("2014-02-30", "date")))
    conforms, found, text = shacl(g, shapes, ontology)
    assert not conforms
    assert {(E1, KG.actor, MIN), (RUS, RDFS.label, MAX), (E1, KG.date, OR)} <= found, text


def test_rdfs_inference_would_hide_missing_types(shapes, ontology):
    """Why validation runs without inference: with RDFS, rdfs:range kg:Article makes an
    untyped source article a kg:Article, so the missing type goes unnoticed."""
    g = good()
    g.set((E1, KG.sourceArticle, A9))
    g.add((A9, DCTERMS.source, Literal("seeds/a9.txt")))
    assert not shacl(g, shapes, ontology, inference="none")[0]
    assert shacl(g, shapes, ontology, inference="rdfs")[0]
