"""From one parsed Doc to the frozen records of one article (the last use of spaCy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg import entities, events, relations
from kg.records import Article, Extraction, Relation, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc


def extract(doc: Doc, article: Article) -> Extraction:
    """Entities, mentions, relations and events of one article."""
    resolved = entities.resolve(doc)
    text = article.text  # the Doc's text; doc.text would rebuild it on every call
    sentences = []
    for s in resolved.sentences:  # without the blank lines a paragraph break leaves
        start, end = s.start_char, s.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        sentences.append((start, end))
    sentence_of = resolved.sentence_of
    ents, mentions = entities.records(resolved, doc, sentence_of)
    rels = []
    for found in relations.extract(doc, resolved):
        n = sentence_of[found.start]
        start, end = sentences[n]
        rels.append(Relation(found.subject, found.predicate, found.object, n,
                             text[start:end], start, end))
    evs = events.finish(events.extract(doc, resolved), article.id, article.date, sentence_of,
                        sentences, doc)
    return Extraction(article, tuple(Sentence(i, s, e) for i, (s, e) in enumerate(sentences)),
                      ents, mentions, tuple(rels), tuple(evs))
