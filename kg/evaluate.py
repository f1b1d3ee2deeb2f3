"""`kg eval`: precision, recall and F1 against gold annotations.

Gold files follow `../shared/dev/GUIDELINES.md`: `<name>.gold.json` beside `<name>.txt`.
Our entities are aligned to gold entities by canonical label or any alias,
case- and punctuation-insensitive; a second node for one gold entity is a false positive.
Events count when asserted, historical or announced (future); hypothetical, negated and
reported ones are not gold by the guidelines.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.records import Entity, Extraction

COUNTED_MODES = ("asserted", "historical", "future")
RELATIONS = ("memberOf", "officialOf", "leaderOf", "role", "locatedIn")


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "f1": round(self.f1, 3), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class ArticleReport:
    name: str
    scores: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    dates: list[bool] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _align(ours: list[Entity], gold: list[dict]) -> tuple[dict[str, str], ArticleReport]:
    """Map our entity keys to gold ids; score entities typed and untyped."""
    names: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        for n in {g["label"], *g.get("aliases", [])}:
            names[norm(n)].append(g)
    report = ArticleReport("")
    mapping: dict[str, str] = {}
    matched: dict[str, str] = {}
    for e in sorted(ours, key=lambda e: (-len(e.aliases), e.key)):
        candidates: list[dict] = []
        for n in sorted({e.label, *e.aliases}):
            candidates.extend(names.get(norm(n), []))
        if not candidates:
            report.scores["entities"].fp += 1
            report.scores["entities (typed)"].fp += 1
            report.errors["entities"].append(f"FP {e.type} {e.label!r}")
            continue
        same_type = [g for g in candidates if g["type"] == e.type]
        free = [g for g in same_type + candidates if g["id"] not in matched]
        g = free[0] if free else (same_type or candidates)[0]
        mapping[e.key] = g["id"]
        if g["id"] in matched:
            report.scores["entities"].fp += 1
            report.scores["entities (typed)"].fp += 1
            report.errors["entities"].append(
                f"FP duplicate node {e.label!r} for gold {g['id']} (already {matched[g['id']]!r})")
            continue
        matched[g["id"]] = e.label
        report.scores["entities"].tp += 1
        if g["type"] == e.type:
            report.scores["entities (typed)"].tp += 1
        else:
            report.scores["entities (typed)"].fp += 1
            report.scores["entities (typed)"].fn += 1
            report.errors["entities"].append(f"type {e.label!r}: ours {e.type}, gold {g['type']}")
    for g in gold:
        if g["id"] not in matched:
            report.scores["entities"].fn += 1
            report.scores["entities (typed)"].fn += 1
            report.errors["entities"].append(f"FN {g['type']} {g['label']!r}")
    return mapping, report


def _role_match(a: str, b: str) -> bool:
    wa, wb = set(norm(a).split()) - {"of"}, set(norm(b).split()) - {"of"}
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def _score_set(name: str, ours: set, gold: set, report: ArticleReport) -> None:
    s = report.scores[name]
    s.tp += len(ours & gold)
    s.fp += len(ours - gold)
    s.fn += len(gold - ours)
    for x in sorted(ours - gold, key=str):
        report.errors[name].append(f"FP {x}")
    for x in sorted(gold - ours, key=str):
        report.errors[name].append(f"FN {x}")


def _score_matched(name: str, ours: set, gold: set, hit_ours: set, hit_gold: set,
                   report: ArticleReport) -> None:
    """Score where matching is looser than equality: true positives are the gold items
    some prediction matched; false positives the predictions that matched none."""
    s = report.scores[name]
    s.tp += len(hit_gold)
    s.fp += len(ours - hit_ours)
    s.fn += len(gold - hit_gold)
    report.errors[name] += [f"FP {o}" for o in sorted(ours - hit_ours, key=str)]
    report.errors[name] += [f"FN {g}" for g in sorted(gold - hit_gold, key=str)]


def score_article(x: Extraction, entities: dict[str, Entity], gold: dict) -> ArticleReport:
    local = [entities.get(e.key, e) for e in x.entities]
    local = [Entity(e.key, e.label, e.type, tuple(sorted(set(e.aliases) | set(mine.aliases))))
             for e, mine in zip(local, x.entities, strict=True)]
    mapping, report = _align(local, gold["entities"])

    def gid(key: str | None) -> str | None:
        if key is None:
            return None
        return mapping.get(key, "ours:" + key)

    rels: dict[str, set] = defaultdict(set)
    for r in x.relations:
        if r.predicate == "role":
            rels["role"].add((gid(r.subject), r.object))
        else:
            rels[r.predicate].add((gid(r.subject), gid(r.object)))
    rels["officialOf"] |= rels["leaderOf"]
    grels: dict[str, set] = defaultdict(set)
    for r in gold["relations"]:
        grels[r["p"]].add((r["s"], r["o"]))
    grels["officialOf"] |= grels["leaderOf"]
    for p in RELATIONS:
        if p == "role":
            ours_roles, gold_roles = rels["role"], grels["role"]
            hit_o = {o for o in ours_roles if any(o[0] == g[0] and _role_match(o[1], g[1])
                                                  for g in gold_roles)}
            hit_g = {g for g in gold_roles if any(o[0] == g[0] and _role_match(o[1], g[1])
                                                  for o in ours_roles)}
            _score_matched("role", ours_roles, gold_roles, hit_o, hit_g, report)
        else:
            _score_set(p, rels[p], grels[p], report)

    counted = [e for e in x.events if e.mode in COUNTED_MODES]
    pairs: dict[tuple, list] = defaultdict(list)
    typed: set[tuple] = set()
    for e in counted:
        for a in e.actors:
            for t in (e.targets or (None,)):
                if a == t:
                    continue
                pair = (gid(a), gid(t))
                pairs[pair].append(e)
                typed.add((pair[0], e.type, pair[1]))
    gpairs: dict[tuple, list] = defaultdict(list)
    for g in gold["events"]:
        gpairs[(g["actor"], g["target"])].append(g)
    _score_set("event pairs", set(pairs), set(gpairs), report)
    hit_ours = {t for t in typed if any(t[1] in {g["type"], *g.get("alt_types", [])}
                                        for g in gpairs.get((t[0], t[2]), []))}
    gold_typed = {(g["actor"], g["type"], g["target"]) for g in gold["events"]}
    hit_gold = {(g["actor"], g["type"], g["target"]) for g in gold["events"]
                if (g["actor"], g["target"]) in pairs and any(
                    e.type in {g["type"], *g.get("alt_types", [])}
                    for e in pairs[(g["actor"], g["target"])])}
    _score_matched("typed events", typed, gold_typed, hit_ours, hit_gold, report)
    for pair in sorted(set(pairs) & set(gpairs), key=str):
        gold_dates = {g["date"] for g in gpairs[pair]}
        ok = any(e.date in gold_dates for e in pairs[pair])
        report.dates.append(ok)
        if not ok:
            report.errors["dates"].append(
                f"{pair}: ours {sorted({str(e.date) for e in pairs[pair]})}, "
                f"gold {sorted(map(str, gold_dates))}")
    return report


def gold_articles(folder: Path) -> list[tuple[Path, Path]]:
    """(article, gold) pairs of a folder; an article without gold is not scored."""
    pairs = []
    for gold in sorted(folder.glob("*.gold.json")):
        name = gold.name.removesuffix(".gold.json")
        for suffix in (".txt", ".md", ".html", ".jsonl"):
            art = folder / (name + suffix)
            if art.exists():
                pairs.append((art, gold))
                break
    return pairs


def evaluate(folder: Path, *, model: str | None = None) -> dict:
    """Build the folder's gold-annotated articles and score them."""
    from kg import ingest
    from kg.pipeline import build
    from kg.records import Article

    pairs = gold_articles(folder)
    if not pairs:
        raise ValueError(f"{folder}: no <name>.gold.json beside an article")
    arts: list[Article] = []
    golds: dict[str, dict] = {}
    for art, gold in pairs:
        for item in ingest.read_file(art):
            if isinstance(item, Article):
                arts.append(item)
                golds[item.source] = json.loads(gold.read_text("utf-8"))
    result = build([], model=model, articles=arts)
    if result.problems:  # an article that failed must not silently leave the scores
        raise RuntimeError("; ".join(f"{p.source}: {p.reason}" for p in result.problems))
    totals: dict[str, Score] = defaultdict(Score)
    dates: list[bool] = []
    per_article = {}
    for x in result.extractions:
        report = score_article(x, result.entities, golds[x.article.source])
        name = Path(x.article.source).stem
        for k, s in report.scores.items():
            totals[k].add(s)
        dates += report.dates
        per_article[name] = {"scores": {k: s.as_dict() for k, s in report.scores.items()},
                             "errors": {k: v for k, v in report.errors.items()}}
    order = ["entities", "entities (typed)", *RELATIONS, "event pairs", "typed events"]
    return {"articles": len(result.extractions),
            "scores": {k: totals[k].as_dict() for k in order},
            "date accuracy": {"accuracy": round(sum(dates) / len(dates), 3) if dates else 0.0,
                              "matched": len(dates)},
            "per_article": per_article}


def format_report(report: dict, *, show_errors: bool = False) -> str:
    lines = [f"kg eval: {report['articles']} articles", "",
             f"{'measure':<18} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"]
    for name, s in report["scores"].items():
        lines.append(f"{name:<18} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} "
                     f"{s['tp']:>5} {s['fp']:>5} {s['fn']:>5}")
    d = report["date accuracy"]
    lines.append(f"{'date accuracy':<18} {d['accuracy']:>6.3f} on {d['matched']} matched events")
    if show_errors:
        for name, art in sorted(report["per_article"].items()):
            lines += ["", f"== {name}"]
            for kind, errs in art["errors"].items():
                for e in errs:
                    lines.append(f"  [{kind}] {e}")
    return "\n".join(lines) + "\n"
