"""A persistent graph store for incremental builds (`kg build --store DIR`).

DIR holds generations of an on-disk Oxigraph store, each with a manifest of its
articles: one named graph per article, and their union (every triple once) as the
default graph, so that SPARQL over the store answers a fact stated by two articles once.
`records/` keeps every article's extraction records; `CURRENT` names the live
generation.

A build copies the live generation (a RocksDB checkpoint: hard links, not a copy of the
data), changes the copy, and switches `CURRENT` by an atomic rename, so a build that
fails or is killed leaves the store as it was. Only new articles are parsed. Entities are
merged across the whole store, so an old article's graph is rewritten when its merged
content changes ("Putin" there is now known as Vladimir Putin), and only then; an article
already in the store changes nothing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.records import Entity, Extraction
from kg.spill import LinesFile, RecordFile

FORMAT = "kg-store/1"
# Quads per bulk load. Larger loads are no faster (1,000 articles: 16 s in loads of
# 60,000 quads, 19 s in loads of 500,000) and Oxigraph's loader holds each in memory
# several times over (194 MB against 845 MB at the peak).
_CHUNK = 60_000


class StoreError(ValueError):
    """The folder is not a usable kg store; the message says why and what to do."""


@dataclass
class Snapshot:
    """The store's content after a build: every article's merged records and the RDF."""

    extractions: RecordFile  # every article's records, merged as they are read
    lines: LinesFile  # every article's triples, in the same order
    entities: dict[str, Entity]
    store: ox.Store  # named graphs per article, their union as the default graph
    added: int  # new articles
    rewritten: int  # old articles whose graph changed with the merge


def is_store(folder: Path) -> bool:
    return (folder / "CURRENT").is_file()


def open_store(folder: Path) -> ox.Store:
    """The live store, read-only (for `kg query` and `kg serve`)."""
    return ox.Store.read_only(str(_live(folder) / "store"))


def _live(folder: Path) -> Path:
    try:
        name = (folder / "CURRENT").read_text("utf-8").strip()
    except OSError as exc:
        raise StoreError(f"{folder}: not a kg store ({exc.strerror or exc})") from None
    if not name.startswith("gen-") or not (folder / name / "manifest.json").is_file():
        raise StoreError(f"{folder}: damaged kg store: CURRENT names {name!r}, which is missing")
    return folder / name


class GraphStore:
    """One store folder, locked for writing while it is open."""

    def __init__(self, folder: Path | str, base: str):
        self.folder = Path(folder)
        self.base = base
        self._lock: int | None = None

    def __enter__(self) -> GraphStore:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        folder = self.folder
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"{folder}: not a folder")
        if folder.is_dir() and not is_store(folder) and any(
                p.name not in (".lock", "records", ".kg-cache") and not p.name.startswith("gen-")
                for p in folder.iterdir()):
            raise StoreError(f"{folder}: not a kg store, and not empty; give a new or empty "
                             "folder to start a store")
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(folder / ".lock")
        self.manifest = self._read_manifest()
        if self.manifest["base"] != self.base:
            self.close()
            raise StoreError(f"{folder}: this store's IRIs are under {self.manifest['base']}; "
                             f"build with --base {self.manifest['base']} or use another store")
        live = self.manifest.get("generation")
        for stale in folder.glob("gen-*"):  # left by a build that failed or was killed
            if stale.name != live:
                shutil.rmtree(stale, ignore_errors=True)
        self.digests: dict[str, str] = dict(self.manifest["articles"])

    def close(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # releases the lock
            self._lock = None

    def _read_manifest(self) -> dict:
        if not is_store(self.folder):
            return {"format": FORMAT, "base": self.base, "generation": None, "articles": []}
        live = _live(self.folder)
        try:
            manifest = json.loads((live / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{live}: unreadable manifest: {exc}") from None
        if manifest.get("format") != FORMAT:
            raise StoreError(f"{self.folder}: a store of format {manifest.get('format')!r}; "
                             f"this kg reads {FORMAT}")
        return manifest

    def __contains__(self, article_id: str) -> bool:
        return article_id in self.digests

    def __len__(self) -> int:
        return len(self.digests)

    def _record_path(self, article_id: str) -> Path:
        return self.folder / "records" / f"{article_id}.json"

    def records(self) -> Iterator[tuple[Extraction, str]]:
        """The extraction records of the articles in the store, in the order they came,
        each with its JSON."""
        from kg.cache import from_json

        for article_id in self.digests:
            path = self._record_path(article_id)
            try:
                text = path.read_text("utf-8")
                yield from_json(text), text
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise StoreError(f"{path}: unreadable article record ({exc}); the store is "
                                 "damaged: rebuild it from the articles") from None

    def add(self, new: RecordFile) -> Snapshot:
        """Add new articles' records (ones already in the store are left out), merge
        entities over the whole store, and commit a new generation if anything changed."""
        from kg.pipeline import merge_plan, remapped
        from kg.rdf import Minter, article_lines

        # All records, old then new, in a file: only the distinct entities stay in memory.
        records = RecordFile(self.folder)
        distinct: dict[Entity, None] = {}
        for x, text in self.records():
            records.append(x, text)
            distinct.update(dict.fromkeys(x.entities))
        old = len(records)
        seen = set(self.digests)
        for i, x in enumerate(new):
            if x.article.id not in seen:
                seen.add(x.article.id)
                records.append(x, new.json(i))
                distinct.update(dict.fromkeys(x.entities))
        remap, entities = merge_plan(distinct)
        records.view = functools.partial(remapped, remap=remap)
        m = Minter(self.base)
        digests: dict[str, str] = {}
        triples = LinesFile(self.folder)  # made once: the RDF files are written from them
        store: ox.Store | None = None  # the next generation, made at the first change
        stale: set[tuple] = set()
        rewritten = 0
        chunk: list[str] = []
        with _Loader() as loader:
            # Article by article, a chunk at a time: the triples are never all in memory.
            for n, x in enumerate(records, 1):
                lines = article_lines(m, x, entities)
                digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:32]
                digests[x.article.id] = digest
                triples.append(x.article.id, lines)
                if self.digests.get(x.article.id) != digest:
                    if store is None:
                        store = self._next_generation()
                    g = m.article(x.article.id)
                    if x.article.id in self.digests:  # an old article whose graph changed
                        rewritten += 1
                        # Oxigraph's bulk loads are not transactions: nothing is deleted
                        # while one runs.
                        loader.wait()
                        node = ox.NamedNode(g[1:-1])
                        stale.update((q.subject, q.predicate, q.object)
                                     for q in store.quads_for_pattern(None, None, None, node))
                        store.remove_graph(node)
                    for line in lines:
                        chunk.append(f"{line} {g} .\n")
                        chunk.append(f"{line} .\n")  # the default graph: the union
                if chunk and (len(chunk) >= _CHUNK or n == len(records)):
                    assert store is not None
                    loader.load(store, "".join(chunk).encode("utf-8"))
                    chunk = []
        if store is not None:
            default = ox.DefaultGraph()
            for s, p, o in sorted(stale, key=str):
                # A triple of an old graph stays in the union while an article says it.
                if not any(not isinstance(q.graph_name, ox.DefaultGraph)
                           for q in store.quads_for_pattern(s, p, o, None)):
                    store.remove(ox.Quad(s, p, o, default))
            # Compacting what the bulk loads wrote halves the time of every later read
            # (the exports that follow, queries): 6 s for 1.6M quads.
            store.optimize()
            store.flush()
            del store  # closes the database before the switch
            self._commit(records, range(old, len(records)), digests)
        live = _live(self.folder)
        return Snapshot(records, triples, entities, ox.Store.read_only(str(live / "store")),
                        added=len(records) - old, rewritten=rewritten)

    def _next_generation(self) -> ox.Store:
        """A writable copy of the live generation (or an empty store), not yet live."""
        live = self.manifest["generation"]
        self._gen = self.folder / f"gen-{int(live[4:]) + 1 if live else 1:06d}"
        shutil.rmtree(self._gen, ignore_errors=True)
        self._gen.mkdir()
        if live:
            ox.Store.read_only(str(self.folder / live / "store")).backup(str(self._gen / "store"))
        return ox.Store(str(self._gen / "store"))

    def _commit(self, records: RecordFile, new: range, digests: dict[str, str]) -> None:
        """Make the next generation live: records, manifest, then the switch."""
        live, gen = self.manifest["generation"], self._gen
        (self.folder / "records").mkdir(exist_ok=True)
        ids = records.ids()
        # On Linux one sync for all of them, before the manifest that lists them goes
        # live (a thousand fsyncs, one per file, took a second); elsewhere sync(2) may
        # return before the data is written, so each file is synced.
        sync_once = sys.platform == "linux"
        for i in new:
            _atomic_text(self._record_path(ids[i]), records.json(i), sync=not sync_once)
        if sync_once:
            os.sync()
        else:
            _sync_folder(self.folder / "records")
        manifest = {"format": FORMAT, "base": self.base, "generation": gen.name,
                    "articles": [[k, digests[k]] for k in digests]}
        _atomic_text(gen / "manifest.json", json.dumps(manifest, indent=0) + "\n")
        _atomic_text(self.folder / "CURRENT", gen.name + "\n")  # the switch
        _sync_folder(self.folder)  # the switch is on disk before the old generation goes
        self.manifest, self.digests = manifest, dict(digests)
        if live:
            shutil.rmtree(self.folder / live, ignore_errors=True)


class _Loader:
    """Bulk loads on a thread of their own, one at a time, so that the next chunk is
    made while the last one loads (Oxigraph lets go of the GIL while it loads). Memory
    holds the chunk being loaded and the one being made, not more."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="kg-store-load")
        self._pending: Future[None] | None = None

    def load(self, store: ox.Store, data: bytes) -> None:
        self.wait()
        self._pending = self._pool.submit(store.bulk_load, data, ox.RdfFormat.N_QUADS)

    def wait(self) -> None:
        """Until the last load is done; its error, if it failed."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def __enter__(self) -> _Loader:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        try:
            if kind is None:
                self.wait()
        finally:
            self._pool.shutdown()  # waits for a load under way


def _sync_folder(folder: Path) -> None:
    """Make the renames inside a folder durable (where folders can be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows: a folder is not a file
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_text(path: Path, text: str, *, sync: bool = True) -> None:
    from kg.exports import atomic_write

    atomic_write(path, lambda f: f.write(text), sync=sync)


def _lock(path: Path) -> int:
    """An exclusive lock on the store: two builds must not write it at once."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    with contextlib.suppress(ImportError):
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreError(f"{path.parent}: another build is writing to this store") from None
    return fd
