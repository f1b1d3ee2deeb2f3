"""Read articles from files and folders: plain text, Markdown, HTML and JSON lines.

Every input yields either an `Article` or a `Problem` naming the file and the reason;
a bad file never stops the batch.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.records import Article, Notice, Problem

Item = Article | Problem | Notice

SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html",
            ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# A single article file larger than this is refused (JSON lines files are streamed and
# may be of any size; each of their lines is held to the same limit).
MAX_FILE_BYTES = 50 * 1024 * 1024
# spaCy's parser needs about 1 GB per 100,000 characters of one Doc: longer articles are
# split at paragraph (else sentence, else word) boundaries into parts of at most this size.
MAX_ARTICLE_CHARS = 100_000

_HEADER_KEYS = {"url", "date", "title", "author", "byline", "source", "published"}
_HEADER_LINE = re.compile(r"^([A-Za-z_]+):\s*(.*)$")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|`)")
# Control characters, and lone surrogates (a JSON "\\ud800" decodes to one): no UTF-8
# file, XML document or RDF literal can hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\u061c\ufeff]")


def article_id(text: str) -> str:
    """A stable id for an article: the same text always gets the same id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def discover(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> Iterator[Path | Problem]:
    """Expand files and folders into the article files they hold, in a stable order;
    hidden files and folders, and the `exclude` folders (a build's output), are passed."""
    skip = [p.resolve() for p in exclude]
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts)
                           and not any(p.resolve().is_relative_to(s) for s in skip))
            if not files:
                yield Problem(str(path), "folder holds no .txt, .md, .html or .jsonl files")
            yield from files
        elif path.is_file():
            yield path
        else:
            yield Problem(str(path), "no such file or folder")


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM) or UTF-16 with BOM, else Latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # Windows' Latin-1 superset: its smart quotes are what such files usually hold
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def clean(text: str) -> str:
    """Normalise newlines and drop control and invisible formatting characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    return _CONTROL.sub(" ", text)


def parse_date(value: str | None) -> dt.date | None:
    """A calendar date from a header value such as '2021-11-24' or '24 November 2021'."""
    if not value or not _YEAR.search(value):
        return None
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    import dateparser  # slow to import: only when a header date is not ISO

    parsed = dateparser.parse(value, languages=["en"],
                              settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"})
    return parsed.date() if parsed else None


def _strip_markdown(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text, flags=re.MULTILINE)
    return _MD_EMPH.sub("", text)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _looks_like_byline(par: str) -> bool:
    words = par.removeprefix("By ").removeprefix("by ").split()
    return (0 < len(words) <= 5 and "\n" not in par and not par.endswith((".", ":", "?"))
            and all(w[:1].isupper() or w in {"and", "de", "van", "von", "al"} for w in words))


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Separate metadata at the top of a text article from its body.

    Two conventions are read: `key: value` header lines ended by a blank line, and a
    newspaper head of title, byline and date lines, each its own paragraph.
    """
    meta: dict[str, str] = {}
    lines = text.lstrip("\n").split("\n")
    i = 0
    while i < len(lines) and (m := _HEADER_LINE.match(lines[i].strip())) \
            and m.group(1).lower() in _HEADER_KEYS:
        meta[m.group(1).lower()] = m.group(2).strip()
        i += 1
    body = "\n".join(lines[i:]) if meta else text
    # Head paragraphs: at most a title, a byline and a date, before the first real one.
    pars = re.split(r"(\n\s*\n)", body.lstrip())
    consumed = 0
    for k, par in enumerate(p for p in pars[::2][:5]):
        stripped = par.strip()
        if not stripped:
            consumed = k + 1
            continue
        heading = stripped.startswith("#")
        short = len(stripped) < 200 and "\n" not in stripped
        plain = re.sub(r"^#+\s*", "", stripped)
        if short and _YEAR.search(plain) and len(plain) < 40 and "date" not in meta \
                and parse_date(plain):
            meta["date"] = plain
        elif "title" not in meta and (
                heading or (short and not plain.endswith((".", "\u201d", '"')))):
            meta["title"] = plain
        elif "title" in meta and "author" not in meta and _looks_like_byline(plain):
            meta["author"] = plain.removeprefix("By ").removeprefix("by ")
        else:
            break
        consumed = k + 1
    rest = "".join(pars[consumed * 2:]) if consumed else body
    # "By Alexander Winning and Tim Cocks" on the body's first line, above a dateline.
    first, _, after = rest.lstrip().partition("\n")
    if first.startswith("By ") and _looks_like_byline(first) and after.strip():
        meta.setdefault("author", first[3:].strip())
        rest = after
    # A text that is all head ("Iran threatened Israel"): its one line is the article.
    return meta, (rest if rest.strip() else body).strip("\n")


def split_long(text: str, limit: int = MAX_ARTICLE_CHARS) -> list[str]:
    """Parts of at most `limit` characters, cut at a paragraph, sentence or word end."""
    parts = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind("\n\n"), window.rfind(". ") + 1, 0)
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        parts.append(text[:cut].strip())
        text = text[cut:]
    parts.append(text.strip())
    return [p for p in parts if p]


def _make(source: str, text: str, meta: dict[str, str]) -> Iterator[Item]:
    text = clean(text).strip()
    if not text:
        yield Problem(source, "no article text (empty after removing the header)")
        return
    date_value = meta.get("date") or meta.get("published")
    url = clean(meta.get("url") or meta.get("source") or "").strip() or None
    parts = split_long(text)
    if len(parts) > 1:
        yield Notice(source, f"{len(text):,} characters: read as {len(parts)} parts of at most "
                             f"{MAX_ARTICLE_CHARS:,}")
    title = clean(meta.get("title") or "").strip() or None
    author = clean(meta.get("author") or meta.get("byline") or "").strip() or None
    for n, part in enumerate(parts, start=1):
        yield Article(id=article_id(part), source=source if len(parts) == 1
                      else f"{source}#part{n}", text=part, title=title,
                      date=parse_date(date_value),
                      url=url if url and re.match(r"^https?://\S+$", url) else None,
                      author=author)


def _read_text(path: Path, text: str, markdown: bool) -> Iterator[Item]:
    meta, body = split_front_matter(text)
    if markdown or "](" in body or "**" in body:
        body = _strip_markdown(body)
        if "title" in meta:
            meta["title"] = _strip_markdown(meta["title"])
    yield from _make(str(path), body, meta)


def _read_html(path: Path, html: str) -> Iterator[Item]:
    import trafilatura  # heavy: only for HTML inputs

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, as_dict=False)
    text = getattr(doc, "text", None)
    if not text:
        yield Problem(str(path), "no article text found in the HTML")
        return
    meta = {k: str(v) for k in ("title", "date", "url", "author")
            if (v := getattr(doc, k, None))}
    yield from _make(str(path), str(text), meta)


def _read_jsonl(path: Path) -> Iterator[Item]:
    """One article per line, streamed: the file may be of any size."""
    with path.open("rb") as f:
        for n, raw in enumerate(f, start=1):
            source = f"{path}:{n}"
            if len(raw) > MAX_FILE_BYTES:
                yield Problem(source, f"line of {len(raw) // 2**20} MiB; the limit is "
                                      f"{MAX_FILE_BYTES // 2**20} MiB")
                continue
            line, _ = decode(raw)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Problem(source, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(record, dict):
                yield Problem(source, "a JSON line must be an object with a \"text\" field")
                continue
            body = record.get("text") or record.get("body") or record.get("content")
            if not isinstance(body, str):
                yield Problem(source, "no \"text\" string in this JSON line")
                continue
            meta = {k: str(record[k]) for k in ("title", "url", "date", "author")
                    if isinstance(record.get(k), (str, int))}
            yield from _make(source, body, meta)


def read_file(path: Path) -> Iterator[Item]:
    """Read one file into articles (several for JSON lines or long texts), notices and
    problems."""
    kind = SUFFIXES.get(path.suffix.lower(), "text")
    if kind == "jsonl":
        try:
            yield from _read_jsonl(path)
        except OSError as exc:
            yield Problem(str(path), f"cannot read: {exc.strerror or exc}")
        return
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield Problem(str(path), f"file is {size // 2**20} MiB; the limit for one article "
                                     f"is {MAX_FILE_BYTES // 2**20} MiB (split it, e.g. into "
                                     f"JSON lines)")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Problem(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if b"\x00" in data[:8192] and not data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield Problem(str(path), "binary file, not text")
        return
    text, encoding = decode(data)
    if encoding in ("cp1252", "latin-1"):
        name = "Windows-1252" if encoding == "cp1252" else "Latin-1"
        yield Notice(str(path), f"not valid UTF-8: decoded as {name}")
    elif encoding == "utf-16":
        yield Notice(str(path), "decoded as UTF-16 (byte-order mark)")
    if kind == "html":
        yield from _read_html(path, text)
    else:
        yield from _read_text(path, text, markdown=kind == "markdown")


def read(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> Iterator[Item]:
    """Articles from files and folders; duplicates (same text) are reported once."""
    seen: dict[str, str] = {}
    for item in discover(paths, exclude):
        if isinstance(item, Problem):
            yield item
            continue
        for result in read_file(item):
            if isinstance(result, Article):
                if result.id in seen:
                    yield Problem(result.source, f"same text as {seen[result.id]}; skipped")
                    continue
                seen[result.id] = result.source
            yield result


def count(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> int:
    """About how many inputs `read` will give, without reading them: a file each, a
    JSON-lines file a line each (for a progress bar; long texts read in parts give more)."""
    n = 0
    for item in discover(paths, exclude):
        if isinstance(item, Path) and SUFFIXES.get(item.suffix.lower()) == "jsonl":
            try:  # newlines counted a block at a time: fast on a large file
                with open(item, "rb") as f:
                    n += max(1, sum(block.count(b"\n")
                                    for block in iter(lambda: f.read(1 << 20), b"")))
            except OSError:
                n += 1
        else:
            n += 1
    return n
