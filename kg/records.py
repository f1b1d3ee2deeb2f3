"""Typed records that pass between the pipeline's stages.

No spaCy object outlives the NLP stage: extractors turn a parsed Doc into these
frozen records, and everything downstream (merge, RDF, views, eval) reads only them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ENTITY_TYPES = ("Country", "Alliance", "Organization", "Person", "Place")
ACTOR_TYPES = ("Country", "Alliance", "Organization", "Person")

PLOVER_GROUPS: dict[str, tuple[str, ...]] = {
    "verbal cooperation": ("AGREE", "CONSULT", "SUPPORT", "CONCEDE"),
    "material cooperation": ("COOPERATE", "AID", "RETREAT"),
    "verbal conflict": ("REQUEST", "ACCUSE", "REJECT", "THREATEN"),
    "material conflict": ("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"),
}
PLOVER_TYPES = tuple(t for group in PLOVER_GROUPS.values() for t in group)
GROUP_OF = {t: g for g, types in PLOVER_GROUPS.items() for t in types}

# PLOVER's auxiliary modes, plus "reported" for content only a source claims.
MODES = ("asserted", "negated", "hypothetical", "future", "historical", "reported")


@dataclass(frozen=True)
class Article:
    """One input article: its text and what its header or container said about it."""

    id: str  # stable: a hash of the text
    source: str  # the input path as given (plus ":line" for JSON lines)
    text: str  # the body handed to the parser; offsets refer to it
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Problem:
    """An input that could not be used, with the reason; it never stops a batch."""

    source: str
    reason: str


@dataclass(frozen=True)
class Notice:
    """Something the user should know about an input that was still used."""

    source: str
    message: str


@dataclass(frozen=True)
class Mention:
    """A span of an article's text that refers to an entity."""

    entity: str  # entity key
    text: str
    start: int  # character offsets in Article.text
    end: int
    sentence: int  # index of the sentence in the article


@dataclass(frozen=True)
class Entity:
    """A real-world thing: one per key across a whole build."""

    key: str  # "<type>/<slug>", the seed of its IRI
    label: str
    type: str  # one of ENTITY_TYPES
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None  # Q-id from bundled reference data


@dataclass(frozen=True)
class Relation:
    """A stated fact between entities, or a literal attribute (role)."""

    subject: str  # entity key
    predicate: str  # memberOf, officialOf, leaderOf, locatedIn, role
    object: str  # entity key, or the literal for "role"
    sentence: int
    evidence: str  # the sentence text
    start: int  # character span of the evidence inside Article.text
    end: int


@dataclass(frozen=True)
class Event:
    """Who did what to whom, when and where: one PLOVER-coded event."""

    id: str
    type: str  # one of PLOVER_TYPES
    actors: tuple[str, ...]
    targets: tuple[str, ...]
    trigger: str
    trigger_start: int
    trigger_end: int
    sentence: int
    sentence_text: str
    sentence_start: int
    mode: str = "asserted"
    place: str | None = None
    date: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    date_text: str | None = None
    confidence: float = 0.5


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]
    events: tuple[Event, ...]
