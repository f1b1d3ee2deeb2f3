"""A build's extraction records in a temporary file instead of in memory.

A corpus then costs an offset per article in memory, whatever its size: the stages after
extraction (merge, RDF, tables, network) read the records back one at a time. The file
keeps the records as extracted; reading applies the build's view of them (its entity
merge), so the merge is never held for the whole corpus either.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import overload

from kg.cache import from_json, to_json
from kg.records import Extraction


class _Spill:
    """Texts appended to an anonymous temporary file (gone when closed or collected),
    each under an article id, read back by position."""

    prefix = ".kg-spill-"

    def __init__(self, folder: Path | None = None):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self._file = tempfile.TemporaryFile(prefix=self.prefix, dir=folder)
        self._spans: list[tuple[str, int, int]] = []  # article id, offset, length
        self._end = 0

    def _append(self, article_id: str, text: str) -> None:
        data = text.encode("utf-8")
        self._file.seek(self._end)
        self._file.write(data)
        self._spans.append((article_id, self._end, len(data)))
        self._end += len(data)

    def _text(self, index: int) -> str:
        _id, offset, length = self._spans[index]
        self._file.seek(offset)
        return self._file.read(length).decode("utf-8")

    def ids(self) -> list[str]:
        return [span[0] for span in self._spans]

    def __len__(self) -> int:
        return len(self._spans)

    def close(self) -> None:
        self._file.close()


class LinesFile(_Spill):
    """Each article's N-Triples lines, as `kg.rdf.article_lines` made them."""

    prefix = ".kg-lines-"

    def append(self, article_id: str, lines: list[str]) -> None:
        self._append(article_id, "\n".join(lines))

    def lines(self, index: int) -> list[str]:
        text = self._text(index)
        return text.split("\n") if text else []


class RecordFile(_Spill, Sequence[Extraction]):
    """Extraction records, read back by position in the order given by `order`, with
    the build's view of them (`view`: its entity merge) applied."""

    prefix = ".kg-records-"

    def __init__(self, folder: Path | None = None):
        super().__init__(folder)
        self.facts = self.events = 0  # counted as they come: a summary needs no pass
        self.view: Callable[[Extraction], Extraction] | None = None

    def append(self, x: Extraction, text: str | None = None) -> str:
        """Add a record (`text`: its JSON, when already made); returns its JSON."""
        text = text if text is not None else to_json(x)
        self._append(x.article.id, text)
        self.facts += len(x.relations)
        self.events += len(x.events)
        return text

    def order(self, rank: Callable[[str], int]) -> None:
        """Put the records in the order of `rank` of their article ids."""
        self._spans.sort(key=lambda span: rank(span[0]))

    def json(self, index: int) -> str:
        """A record as extracted, in the JSON form of `kg.cache`."""
        return self._text(index)

    def _get(self, index: int) -> Extraction:
        x = from_json(self.json(index))
        return self.view(x) if self.view is not None else x

    @overload
    def __getitem__(self, index: int) -> Extraction: ...
    @overload
    def __getitem__(self, index: slice) -> list[Extraction]: ...
    def __getitem__(self, index: int | slice) -> Extraction | list[Extraction]:
        if isinstance(index, slice):
            return [self._get(i) for i in range(len(self))[index]]
        return self._get(range(len(self))[index])  # IndexError, negative indexes

    def __iter__(self) -> Iterator[Extraction]:
        for i in range(len(self)):
            yield self._get(i)
