"""Event stage: who did what to whom, when and where, coded with PLOVER.

Triggers come from the lexicon `kg/data/events.tsv` (verbs with their particles,
nominal events, and light verbs that take their event from their object). Actors and
targets come from the dependency parse: subjects and objects with their conjuncts,
passive agents, control ("Ukraine urged NATO to ..."), relative clauses, possessors and
prepositional targets. Each event gets a PLOVER mode, a date resolved against the
article's date, a place when stated, and a confidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

from kg import dates
from kg.entities import Resolved
from kg.gazetteer import gazetteer
from kg.records import ACTOR_TYPES, PLOVER_TYPES

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_SUBJ = ("nsubj", "csubj")
_CLAUSE_DEPS = ("ccomp", "xcomp", "advcl", "relcl", "conj", "acl", "parataxis", "pcomp")
_SPEECH = frozenset({"say", "claim", "allege", "accuse", "believe", "fear", "report", "think",
                     "suggest", "insist", "deny", "warn", "argue", "assert", "charge", "tell"})
_SELF_REPORT = frozenset({"announce", "say", "declare", "confirm", "pledge", "vow", "promise",
                          "state", "tell", "tweet", "add"})
_FUTURE_HEADS = frozenset({"plan", "intend", "prepare", "expect", "set", "schedule", "aim",
                           "decide", "agree", "move"})
_HYPO_HEADS = frozenset({"threaten", "want", "seek", "consider", "try", "hope", "wish",
                         "propose", "offer", "refuse", "could", "urge", "call", "ask"})
_HYPO_MODIFIERS = frozenset({"alleged", "planned", "possible", "potential", "impending",
                             "threatened", "proposed", "future", "hypothetical", "imminent",
                             "prospective", "suspected", "purported"})
# "Israel allegedly killed ...": a claim the article does not make its own
_CLAIMED = frozenset({"allegedly", "purportedly", "supposedly"})
_MODALS_HYPO = frozenset({"could", "might", "may", "should", "can", "must", "would"})
# Speech verbs that relay a report rather than contest it ("officials said", not "Kiev
# alleged")
_RELAY = frozenset({"say", "tell", "report"})
_PRONOUNS_ACTOR = frozenset({"it", "its", "they", "their", "them", "he", "his", "she", "her",
                             "him"})
_SPEAKERS = frozenset({"i", "we", "you"})  # a quote's speaker: no one named before
_PERSON_PRONOUNS = frozenset({"he", "his", "she", "her", "him"})
_OWNING = frozenset({"belong", "own", "hold", "control"})
# People who act for the group their "from" phrase names ("fighters from Hamas")
_GROUP_MEMBERS = frozenset({"fighter", "militant", "troop", "soldier", "force", "gunman",
                            "rebel", "insurgent", "militiaman", "jihadist", "commando",
                            "unit", "delegate", "delegation", "representative", "envoy",
                            "official", "diplomat"})
# Nouns whose "of" phrase is not who they are: "the members of the alliance" (others
# than the alliance), "on the sidelines of the NATO summit" (a setting)
_NOT_OF = frozenset({"member", "neighbour", "neighbor", "ally", "rival", "enemy",
                     "opponent", "critic", "partner", "sideline", "margin", "eve", "wake",
                     "course", "outskirt"})


@dataclass(frozen=True)
class Entry:
    kind: str  # verb | noun | light
    lemma: str
    type: str
    preps: tuple[str, ...]
    flags: frozenset[str]

    @property
    def place_type(self) -> str | None:
        for f in self.flags:
            if f.startswith("place="):
                return f.split("=", 1)[1]
        return None


def load_lexicon() -> dict[str, dict[str, list[Entry]]]:
    """The event lexicon by kind, then by the first word of the lemma."""
    lex: dict[str, dict[str, list[Entry]]] = {"verb": {}, "noun": {}, "light": {}}
    text = resources.files("kg.data").joinpath("events.tsv").read_text("utf-8")
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 5 or cols[0] not in lex or (cols[2] != "-" and cols[2] not in PLOVER_TYPES):
            raise ValueError(f"kg/data/events.tsv line {n}: expected 5 tab-separated columns "
                             f"with a kind and a PLOVER type, got {line!r}")
        kind, lemma, type_, preps, flags = cols
        entry = Entry(kind, lemma, type_, tuple(p for p in preps.split(",") if p != "-"),
                      frozenset(f for f in flags.split(",") if f != "-"))
        lex[kind].setdefault(lemma.split()[0], []).append(entry)
    for entries in (e for kind in lex.values() for e in kind.values()):
        entries.sort(key=lambda e: -len(e.lemma.split()))
    return lex


LEXICON = load_lexicon()


@dataclass
class Draft:
    type: str
    trigger: list[Token]
    actors: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    place: str | None = None
    mode: str = "asserted"
    date_text: str | None = None
    after_text: str | None = None  # the time of what it follows ("following X in 2014")
    tense: str | None = None  # past | present | during | future, of the verb
    reported: bool = False  # the content of a speech act ("said it had recalled ...")
    report_text: str | None = None  # the speech act's time expression ("on Monday")
    confidence: float = 0.6
    symmetric: bool = False
    mutual: bool = False  # the targets act on the actors too ("X hosted Y")
    bare_noun: bool = False  # background with no time of its own ("Russia's war")


class _Args:
    """Argument finding over one parsed article and its resolved entities."""

    def __init__(self, doc: Doc, res: Resolved):
        self.doc = doc
        self.res = res

    def keys(self, token: Token, types: tuple[str, ...] = ACTOR_TYPES,
             depth: int = 0, conjuncts: bool = True) -> tuple[list[str], bool]:
        """Entities a noun phrase denotes (with its conjuncts); True if via a pronoun."""
        out: list[str] = []
        via_pronoun = False
        conj = [c for c in token.conjuncts if not _misparsed_subject(c)] if conjuncts else []
        for t in [token, *conj]:
            k = self.res.key_of(t)
            if k and self.res.type_of(k) in types:
                out.append(k)
                # "North and South Korea": the first conjunct's name is elided
                for c in t.children:
                    if c.dep_ in ("nmod", "compound") and any(g.dep_ == "cc" for g in c.children):
                        for m in [c, *c.conjuncts]:
                            km = self.res.key_of(m)
                            if km and km != k and self.res.type_of(km) in types:
                                out.append(km)
                continue
            # "the soldiers who killed him", "X, who was shot by Y": the relative pronoun
            # stands for the noun its clause describes
            rel = _relative_head(t)
            if rel is not None:
                ks, p = self.keys(rel, types, depth)
                out.extend(ks)
                via_pronoun |= p
                continue
            # "the two countries", "the alliance": a description of entities named before
            described = [r for r in self.res.refs.get(t.i, ()) if self.res.type_of(r) in types]
            if described:
                out.extend(described)
                continue
            # "the head of Ukraine's intelligence, Kirill Budanov": the named appositive
            appos = [k for c in t.children if c.dep_ == "appos"
                     if (k := self.res.key_of(c)) and self.res.type_of(k) in types]
            if appos:
                out.extend(appos)
                continue
            if t.lower_ in _PRONOUNS_ACTOR and (depth == 0 or depth == 1 and t.dep_ == "poss"):
                # "it", and "its forces", "their troops"
                ante = self.antecedent(t, types)
                if ante:
                    out.append(ante)
                    via_pronoun = True
                continue
            # "assets belonging to seven Russian officials": whose they are, not where
            owners = [o for c in t.children if c.dep_ == "acl" and c.lemma_ in _OWNING
                      for p in c.children if p.dep_ in ("prep", "agent") and
                      p.lower_ in ("to", "by") for o in p.children if o.dep_ == "pobj"]
            if owners and depth < 1:
                for o in owners:
                    ks, p = self.keys(o, types, depth)
                    out.extend(ks)
                    via_pronoun |= p
                continue
            # "Russian troops", "the US government", "Ukraine's armed forces"
            # "Sweden's NATO membership": the possessor, not the other modifiers
            found = False
            victim = _undergoer(t, _noun_entry(t)) if t.pos_ == "NOUN" else None
            mods = [c for c in t.children if c.dep_ in ("poss", "compound", "amod", "nmod")
                    and (victim is None or c.i != victim.i)]
            mods.sort(key=lambda c: c.dep_ != "poss")
            for c in mods:
                if depth >= 2 or (found and c.dep_ != "poss"):
                    continue
                ks, p = self.keys(c, types, depth + 1)
                if ks:
                    out.extend(ks)
                    found = True
                    via_pronoun |= p
            if t.pos_ in ("NOUN", "PROPN") and depth < 1:
                # "four officials, including X and Y": the group's named members (also
                # besides the group's country: "Russian officials, including Rogozin")
                # (named members: "including contributions to X" is not X)
                ks = self._named_by(t, ("including", "like"), types, depth, named_only=True)
                out.extend(ks)
                found |= bool(ks)
            if not found and t.lemma_.lower() in _GROUP_MEMBERS and depth < 1:
                # "militants from the Pakistani Taliban", "delegates from the Tigray forces"
                ks = self._named_by(t, ("from",), types, depth)
                out.extend(ks)
                found |= bool(ks)
            noun = _noun_entry(t) if t.pos_ == "NOUN" else None
            if not found and noun is not None and depth < 1:
                # "an air strike by Israel", "the attack by Hamas": who carries it out
                ks = self._named_by(t, ("by",), types, depth)
                out.extend(ks)
                found |= bool(ks)
            if not found and t.pos_ in ("NOUN",) and depth < 1 and \
                    t.lemma_.lower() not in _NOT_OF and not (noun and "of" in noun.preps):
                # ("the invasion of Ukraine": "of" names whom it is done to, not who acts)
                out.extend(self._named_by(t, ("of",), types, depth))
        return list(dict.fromkeys(out)), via_pronoun

    def _named_by(self, t: Token, preps: tuple[str, ...], types: tuple[str, ...], depth: int,
                  named_only: bool = False) -> list[str]:
        """The entities that the objects of the token's prepositions `preps` name
        ("militants from X", "an air strike by X"); `named_only`: objects that are
        mentions themselves."""
        out: list[str] = []
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for o in c.children:
                    if o.dep_ == "pobj" and (not named_only or self.res.keys_of(o)):
                        out.extend(self.keys(o, types, depth + 1)[0])
        return out

    def antecedent(self, pron: Token, types: tuple[str, ...]) -> str | None:
        """The entity a pronoun stands for: the subject of a governing clause, else the
        nearest preceding actor of the right kind."""
        want_person = pron.lower_ in _PERSON_PRONOUNS
        ok = ("Person",) if want_person else tuple(t for t in types if t != "Person")
        head = pron.head
        for _ in range(4):
            if head.dep_ in ("ccomp", "xcomp", "advcl", "conj") and head.head is not head:
                head = head.head
                stolen = _misparsed_subject_of(head)
                for c in [*head.children, *([stolen] if stolen is not None else [])]:
                    if c.dep_ in ("nsubj", "nsubjpass") or c is stolen:
                        k = self.res.key_of(c)
                        if k and self.res.type_of(k) in ok:
                            return k
            else:
                break
        start = max(self.res.sent(pron).start - 40, 0)
        for t in reversed(self.doc[start:pron.i]):
            k = self.res.key_of(t)
            if k and self.res.type_of(k) in ok and t.dep_ in ("nsubj", "nsubjpass", "poss",
                                                                "pobj", "dobj", "appos"):
                return k
        return None

    def subject(self, verb: Token) -> tuple[list[str], list[str], bool]:
        """(actors, passive-subject targets, via_pronoun) of a verb, following control."""
        actors: list[str] = []
        targets: list[str] = []
        pron = False
        passive_subj = None
        for c in _dependents(verb):
            if c.dep_ in _SUBJ:
                actors, pron = self.keys(c)
            elif c.dep_ == "nsubjpass":
                passive_subj = c
            elif c.dep_ == "agent":
                for o in c.children:
                    if o.dep_ == "pobj":
                        ks, p = self.keys(o)
                        actors.extend(ks)
                        pron |= p
        head = verb.head
        if passive_subj is not None:
            targets, p = self.keys(passive_subj, ACTOR_TYPES + ("Place",))
        elif actors and head.i != verb.i:
            # "the army, armed and equipped by NATO": the passive's undergoer is shared
            # with the verb it is conjoined to, or is the noun it modifies
            if verb.dep_ == "conj":
                for c in head.children:
                    if c.dep_ in ("nsubj", "nsubjpass") and head.tag_ in ("VBN", "JJ"):
                        targets = self.keys(c, ACTOR_TYPES + ("Place",))[0]
                if head.dep_ in ("acl", "relcl") and head.tag_ == "VBN" and not targets:
                    targets = self.keys(head.head, ACTOR_TYPES + ("Place",))[0]
            elif verb.dep_ == "acl" and verb.tag_ == "VBN":
                targets = self.keys(head, ACTOR_TYPES + ("Place",))[0]
        if actors or passive_subj is not None:
            return actors, targets, pron
        if any(c.dep_ in _SUBJ and (c.pos_ in ("NOUN", "PROPN") or c.lower_ in _SPEAKERS)
               for c in _dependents(verb)):
            # "Republican senators criticized Moscow": a subject that names no entity
            # (here) is still the subject; the previous clause's does not stand in
            return actors, targets, pron
        stolen = _misparsed_subject_of(verb)
        if stolen is not None:
            # that conjunct alone, not the ones before it ("a Russian jet" names Russia)
            return self.keys(stolen, conjuncts=False)[0], targets, False
        if verb.dep_ == "xcomp":
            objs = [c for c in head.children if c.dep_ == "dobj"]
            if objs:
                ks, p = self.keys(objs[0])
                if ks:
                    return ks, targets, p
            # "Biden is expected to meet Erdogan": the raised subject of the passive
            raised = [c for c in head.children if c.dep_ == "nsubjpass"]
            if raised and not any(c.dep_ == "agent" for c in head.children):
                ks, p = self.keys(raised[0])
                return ks, targets, p
            a, _, p = self.subject(head)
            return a, targets, p
        if verb.dep_ in ("conj", "advcl") and head is not verb and head.pos_ in ("VERB", "AUX"):
            a, _, p = self.subject(head)
            return a, targets, p
        if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
            objs = [c for c in head.head.children if c.dep_ == "dobj"]
            if objs and head.lower_ in ("of", "for", "with"):
                # "accused Ukraine of killing civilians": the object does it
                ks, p = self.keys(objs[0])
                return ks, targets, p
            # "ended the war by negotiating with X": the gerund shares the clause's subject
            a, _, p = self.subject(head.head)
            return a, targets, p
        if verb.dep_ in ("relcl", "acl"):
            ks, p = self.keys(head)
            return ks, targets, p
        return actors, targets, pron

    def instrument(self, verb: Token) -> list[str]:
        """Who carries out the event noun a passive happened in or during: "was killed in
        an Israeli air strike", "were wounded during a raid by the army"."""
        out: list[str] = []
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "during"):
                for o in c.children:
                    if o.dep_ == "pobj" and _noun_entry(o) is not None:
                        out.extend(self.keys(o)[0])
        return out

    def prep_objects(self, token: Token, preps: tuple[str, ...],
                     types: tuple[str, ...] = ACTOR_TYPES + ("Place",)) -> list[str]:
        out: list[str] = []
        for c in token.children:
            if c.dep_ in ("prep", "prt", "dative") and c.lower_ in preps:
                for o in c.children:
                    if o.dep_ == "pobj":
                        out.extend(self.keys(o, types)[0])
            elif c.dep_ == "dative" and c.pos_ in ("PROPN", "NOUN", "PRON"):
                out.extend(self.keys(c, types)[0])
        return out

    def place(self, token: Token) -> str | None:
        for c in token.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "at", "into", "to", "near", "inside",
                                                 "over", "along", "across"):
                for o in c.children:
                    k = self.res.key_of(o)
                    if o.dep_ == "pobj" and k and self.res.type_of(k) == "Place":
                        return k
        return None


def _dependents(verb: Token) -> list[Token]:
    """The verb's dependents, with a subject the parser hung on its auxiliary ("it" on
    "is" in "said it is sanctioning Belarus")."""
    out = list(verb.children)
    out += [g for c in out if c.dep_ in ("aux", "auxpass") for g in c.children
            if g.dep_ in ("nsubj", "nsubjpass", "csubj")]
    return out


def _relative_head(tok: Token) -> Token | None:
    """The noun a relative pronoun stands for: "soldiers" in "the soldiers who killed
    him", "the commander whose convoy was hit"."""
    if tok.tag_ not in ("WP", "WP$", "WDT"):
        return None
    node = tok
    for _ in range(3):
        if node.dep_ == "relcl":
            return node.head
        if node.head.i == node.i:
            break
        node = node.head
    return None


def _participle_modifier(verb: Token) -> bool:
    """A past participle that describes a noun ("the army, armed and equipped by NATO",
    "a deal brokered by Qatar"): background, like a nominal event, with no time of its
    own."""
    node = verb
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    if node.tag_ not in ("VBN", "JJ") or node.dep_ not in ("acl", "relcl", "amod"):
        return False
    return not any(c.dep_ in ("aux", "auxpass", "mark") or
                   c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "PRON" for c in node.children)


def _misparsed_subject_of(verb: Token) -> Token | None:
    """The subject the parser gave to the previous clause as a conjunct: in "the US
    sent ships to the Black Sea and the UK announced ...", "UK" hangs off "Sea"."""
    if verb.dep_ not in ("conj", "advcl") or verb.tag_ not in ("VBD", "VBZ", "VBP") or \
            verb.i == 0 or \
            any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in verb.children):
        return None
    prev = verb.doc[verb.i - 1]
    if prev.dep_ == "conj" and prev.pos_ in ("PROPN", "NOUN") and prev.head.i < prev.i \
            and prev.head.i != verb.head.i:
        return prev
    return None


def _misparsed_subject(tok: Token) -> bool:
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is None or nxt.pos_ not in ("VERB", "AUX"):
        return False
    stolen = _misparsed_subject_of(nxt)
    return stolen is not None and stolen.i == tok.i


def _local(token: Token) -> Iterator[Token]:
    """The token's subtree without its embedded clauses."""
    yield token
    for c in token.children:
        if c.dep_ in _CLAUSE_DEPS and c.pos_ in ("VERB", "AUX"):
            continue
        yield from _local(c)


def _bound(ent: Span, token: Token) -> str | None:
    """The preposition that makes a date a bound of the event rather than its time
    ("since 2023", "after a referendum in March 2014"), if any, on the way from the date
    up to the event's token."""
    before = ent.doc[ent.start - 1].lower_ if ent.start else ""
    if before in _NOT_WHEN | _SEQUEL:
        return "bound"  # "the biggest package since 2023", "by the end of the year"
    node = ent.root
    for _ in range(8):
        if node.i == token.i or node.head.i == node.i:
            break
        if node.dep_ == "prep" and node.lower_ in _NOT_WHEN | _SEQUEL:
            return node.lower_
        node = node.head
    return None


def _date_text(token: Token, res: Resolved, depth: int = 0, sequel: bool = False) -> str | None:
    """The time expression of the clause or phrase the token heads. With `sequel`: the
    time of what the event follows instead ("annexed following a referendum in March
    2014": the referendum's), which dates the event only to its year."""
    local = {t.i for t in _local(token)}
    best: Span | None = None
    for ent in res.sent(token).ents:
        if ent.label_ != "DATE" or ent.root.i not in local:
            continue
        bound = _bound(ent, token)
        if (bound in _SEQUEL) if sequel else (bound is None):
            if best is None or abs(ent.root.i - token.i) < abs(best.root.i - token.i):
                best = ent
    if best is None and token.dep_ in ("xcomp", "conj") and token.head.i != token.i \
            and token.head.pos_ in ("VERB", "AUX") and depth < 3 and \
            not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children) and \
            _misparsed_subject_of(token) is None:
        # "agreed on Sunday to impose sanctions", "met on Monday and signed a deal": the
        # time of the governing verb, when it is the same actor's
        return _date_text(token.head, res, depth + 1, sequel)
    return best.text if best is not None else None


def _tense(verb: Token) -> str | None:
    """past, present, future, or "during" (a progressive shifted into the past by a
    past speech verb: "said it was imposing bans", at the time of the saying)."""
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxes & {"will", "shall", "would", "'ll", "wo"}:
        return "future"
    if auxes & {"had", "has", "have", "'ve", "'d"}:
        return "past"  # a perfect: done before the time it is told at
    if auxes & {"was", "were"} and verb.tag_ == "VBG":
        return "during"
    if verb.tag_ in ("VBZ", "VBP") or auxes & {"is", "are", "am", "'re", "'m"}:
        return "present"
    if verb.tag_ == "VBD" or auxes & {"was", "were", "did"}:
        return "past"
    return None


def _report_of(verb: Token) -> Token | None:
    """The speech act whose content the verb is: "said" in "Kiev said it had recalled
    its ambassador (and expelled ...)"."""
    node = verb
    for _ in range(3):
        if node.dep_ != "conj" or node.head.i == node.i:
            break
        node = node.head
    if node.dep_ == "ccomp" and node.head.i != node.i and \
            node.head.lemma_ in _SPEECH | _SELF_REPORT:
        return node.head
    return None


def _reported_time(d: Draft, verb: Token, res: Resolved) -> None:
    d.tense = _tense(verb)
    report = _report_of(verb)
    if report is not None:
        d.reported = True
        d.report_text = _date_text(report, res)


PURPOSE_DEPS = ("advcl",)


def _mode(verb: Token, actors: list[str], args: _Args, targets: list[str] | None = None) -> str:
    children = list(verb.children)
    if any(c.dep_ == "neg" for c in children):
        return "negated"
    auxes = [c.lower_ for c in children if c.dep_ in ("aux", "auxpass")]
    if any(c.dep_ == "advmod" and c.lower_ in _CLAIMED for c in children):
        return "reported"
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in children):
        return "hypothetical"
    if "to" in auxes and verb.dep_ in PURPOSE_DEPS:
        # "set the stage for Kim to meet Trump", "sent envoys to negotiate": an aim
        return "hypothetical"
    head = verb.head
    if verb.dep_ in ("xcomp", "ccomp") and head.lemma_ == "deny" and head.i != verb.i:
        return "negated"  # "Israel denied killing the aid workers", "denied it had ..."
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ == "VERB" and \
            getattr(_match_verb(head.head), "type", None) == "ACCUSE":
        return "reported"  # "accused Ukraine of killing civilians": the charge, not a fact
    if verb.dep_ == "xcomp" and head.lemma_ in _HYPO_HEADS and head is not verb:
        return "hypothetical"
    if verb.dep_ == "xcomp" and head.lemma_ in _FUTURE_HEADS and head is not verb:
        return "future" if head.lemma_ != "agree" else "asserted"
    if any(a in ("will", "shall", "'ll", "wo") for a in auxes):
        return "future"
    if "would" in auxes and verb.dep_ == "ccomp" and head.lemma_ in _SELF_REPORT:
        return "future"
    if any(a in _MODALS_HYPO for a in auxes):
        return "hypothetical"
    if "going" in auxes or (verb.dep_ == "xcomp" and head.lower_ == "going"):
        return "future"
    # Content of someone's claim: reported, unless the speaker tells of its own act.
    node = verb
    for _ in range(4):
        if node.dep_ in ("ccomp",) and node.head.lemma_ in _SPEECH | _SELF_REPORT:
            speakers, _, _ = args.subject(node.head)
            if speakers and set(actors) <= set(speakers):
                return "asserted"
            if node.head.lemma_ in _RELAY and not set(speakers) & set(targets or ()):
                # "Israeli strikes killed 20 people, the health ministry said": a report
                # that relays what happened, from no party to it
                return "asserted"
            return "reported" if node.head.lemma_ in _SPEECH else "asserted"
        if node.dep_ in ("conj", "xcomp", "advcl") and node.head is not node:
            node = node.head
            continue
        break
    return "asserted"


def _lemma(tok: Token) -> str:
    """The lexicon form of a verb: "reimpose" and "redeploy" act as "impose", "deploy"."""
    lemma = tok.lemma_.lower()
    known = LEXICON["verb"].keys() | LEXICON_LIGHT_PREPS.keys()
    if lemma.startswith("re") and lemma not in known and lemma[2:] in known:
        return lemma[2:]
    return lemma


def _second_word(tok: Token, rest: str) -> Token | None:
    """The particle, preposition or object that completes a verb of two words ("call
    on", "carry out", "open fire", "claim responsibility")."""
    for c in tok.children:
        if c.dep_ in ("prt", "prep", "dobj", "advmod") and (c.lower_ == rest or
                                                             c.lemma_.lower() == rest):
            return c
    return None


def _light_lemma(tok: Token) -> str | None:
    """The light-verb entry a verb matches ("impose", "carry out", "claim
    responsibility"), if any."""
    for entry in LEXICON["light"].get(_lemma(tok), []):
        words = entry.lemma.split()
        if len(words) == 1 or _second_word(tok, words[1]) is not None:
            return entry.lemma
    return None


def _bare_event(noun: Token) -> bool:
    """An event noun with no name of who did it ("the attack", not "a Ukrainian attack")."""
    return _noun_entry(noun) is not None and not any(
        c.dep_ in ("poss", "amod", "compound", "nmod") and c.text[:1].isupper()
        for c in noun.children)


def _match_verb(tok: Token) -> Entry | None:
    light = _light_lemma(tok)
    if light is not None and (" " in light or any(c.dep_ == "dobj" and _bare_event(c)
                                                  for c in tok.children)):
        # "claimed responsibility for the attack", "claimed the attack": the attack is
        # the event
        return None
    particles = {c.lower_ for c in tok.children if c.dep_ == "prt"}
    for entry in LEXICON["verb"].get(_lemma(tok), []):
        words = entry.lemma.split()
        if len(words) == 1:
            # A particle changes the verb: "call off" is not "call", "back down" not "back".
            return entry if not particles else None
        if _second_word(tok, words[1]) is not None:
            return entry
    return None


def _noun_entry(tok: Token) -> Entry | None:
    for entry in LEXICON["noun"].get(tok.lemma_.lower(), []):
        if len(entry.lemma.split()) == 1:
            return entry
    return None


def _verb_event(tok: Token, entry: Entry, args: _Args) -> Draft | None:
    if "speech" in entry.flags and tok.dep_ in ("acl", "amod"):
        return None  # "waters claimed by Russia", "the alleged plot": not a speech act
    if entry.type == "ASSAULT" and any(
            c.dep_ in (*_SUBJ, "agent") and _cause_of_nature(c) for c in tok.children):
        return None  # "the Turkey earthquake killed 50,000": no one did it
    actors, targets, pron = args.subject(tok)
    agent = any(c.dep_ == "agent" for c in tok.children)
    if tok.dep_ == "acl" and tok.tag_ == "VBN" and not agent and "noobj" not in entry.flags \
            and not any(c.dep_ in ("nsubj", "nsubjpass", "dobj") for c in tok.children):
        # (with an object of its own it is an active verb the parser took for one:
        # "Israeli air strikes killed 40 people, the ministry said")
        # "Hamas fighters killed in an Israeli strike": the noun undergoes the event
        targets = [k for k in actors if k not in targets] + targets
        actors = []
    if not actors and not agent and (targets or tok.dep_ == "acl" or
                                     any(c.dep_ == "nsubjpass" for c in tok.children)):
        actors = args.instrument(tok) or _when_actors(tok, entry, args)
    direct_actor = bool(actors) and not pron
    type_ = entry.type
    for c in [*tok.children, *_shared_objects(tok)]:
        if c.dep_ != "dobj":
            continue
        if "noobj" not in entry.flags:
            targets.extend(args.keys(c, ACTOR_TYPES + ("Place",))[0])
        if args.res.key_of(c) is None:
            # "lifted his objection to Sweden": the object's own recipient, also where the
            # parser hangs it on the verb
            targets.extend(args.prep_objects(c, _OBJECT_PREPS))
            noun = _noun_entry(c)
            if noun is not None:
                targets.extend(args.prep_objects(tok, tuple(p for p in noun.preps
                                                            if p in _OBJECT_PREPS)))
    targets.extend(args.prep_objects(tok, entry.preps + tuple(entry.lemma.split()[1:])))
    for c in tok.children:
        # "called for sanctions on Russia": the recipient of what is called for
        if c.dep_ == "prep" and c.lower_ in entry.lemma.split()[1:]:
            for o in c.children:
                if o.dep_ == "pobj" and not args.res.keys_of(o):
                    targets.extend(args.prep_objects(o, _OBJECT_PREPS))
    if "speech" in entry.flags and not targets:
        targets.extend(_clause_targets(tok, actors, args))
    place = args.place(tok)
    places = [t for t in targets if args.res.type_of(t) == "Place"]
    targets = [t for t in targets if args.res.type_of(t) != "Place" and t not in actors]
    if places:
        place = place or places[0]
        if entry.place_type and not targets:
            type_ = entry.place_type
    if not actors or ("target" in entry.flags and not targets and
                      not ("sym" in entry.flags and len(set(actors)) > 1)):
        return None
    d = Draft(type_, [tok], list(dict.fromkeys(actors)), list(dict.fromkeys(targets)), place,
              symmetric="sym" in entry.flags, mutual="mutual" in entry.flags,
              bare_noun=_participle_modifier(tok))
    d.mode = _mode(tok, actors, args, targets)
    if d.mode == "asserted" and any(
            c.dep_ in _SUBJ and any(m.dep_ == "amod" and m.lower_ in _HYPO_MODIFIERS
                                    for m in c.children) for c in tok.children):
        d.mode = "hypothetical"  # "a suspected Israeli strike killed ...": who is unsure
    d.date_text = _date_text(tok, args.res)
    d.after_text = _date_text(tok, args.res, sequel=True)
    _reported_time(d, tok, args.res)
    d.confidence = 0.55 + 0.2 * direct_actor + 0.15 * bool(targets) - 0.1 * pron
    return d


def _when_actors(verb: Token, entry: Entry, args: _Args) -> list[str]:
    """Who did what a passive tells of, from the clause of the same kind of event it
    happened in: "five soldiers were killed when Pakistani troops opened fire"."""
    for c in verb.children:
        if c.dep_ == "advcl" and c.pos_ == "VERB" and any(
                m.dep_ in ("advmod", "mark") and m.lower_ in ("when", "as") for m in c.children):
            other = _match_verb(c)
            if other is not None and other.type == entry.type:
                return args.subject(c)[0]
    return []


# Causes of death that no actor carries out: their modifiers say where, not who
_NATURAL = frozenset({"earthquake", "quake", "flood", "flooding", "storm", "hurricane",
                      "typhoon", "cyclone", "tsunami", "wildfire", "blaze",
                      "landslide", "avalanche", "heatwave", "drought", "famine", "disease",
                      "virus", "pandemic", "epidemic", "outbreak", "crash", "accident",
                      "collision", "derailment", "stampede", "collapse", "eruption"})


def _cause_of_nature(tok: Token) -> bool:
    """A subject (or agent's object) naming a disaster or accident."""
    nouns = [tok] if tok.dep_ != "agent" else [o for o in tok.children if o.dep_ == "pobj"]
    return any(n.lemma_.lower() in _NATURAL for n in nouns)


def _shared_objects(verb: Token) -> list[Token]:
    """The object a verb shares with the verb conjoined right after it: "Y" for
    "attacked" in "X attacked and killed Y"."""
    if any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in verb.children):
        return []
    doc = verb.doc
    for cj in verb.children:
        if cj.dep_ == "conj" and cj.pos_ == "VERB" and cj.i > verb.i and \
                all(t.dep_ in ("cc", "punct", "advmod") for t in doc[verb.i + 1:cj.i]) and \
                not any(c.dep_ in ("nsubj", "nsubjpass") for c in cj.children):
            return [c for c in cj.children if c.dep_ == "dobj"]
    return []


_OBJECT_PREPS = ("to", "on", "against")
_NOT_WHEN = frozenset({"since", "until", "till", "before", "after", "by", "prior"})
# "after"/"following" a dated event: the event comes next, in that year at the latest
# the text allows ("after 2014" itself is a bound: above)
_SEQUEL = frozenset({"after", "following"})
_COPULAS = frozenset({"be", "remain", "become"})
_ATTITUDES = frozenset({"concern", "worry", "fear", "believe", "think", "know", "expect",
                        "hope", "convince", "alarm"})


def _clause_targets(verb: Token, actors: list[str], args: _Args) -> list[str]:
    """Whom a speech act is about: the subject of what is said, or, when the speakers
    speak of themselves ("warned it will reimpose sanctions on Venezuela"), the objects."""
    out: list[str] = []
    for c in verb.children:
        if c.dep_ not in ("ccomp", "xcomp"):  # "threatening to shut its border with Belarus"
            continue
        # "claimed that Washington was concerned Russia could invade": the inner claim
        inner = [g for g in c.children if g.dep_ == "ccomp"]
        if inner and c.lemma_ in _COPULAS | _SPEECH | _SELF_REPORT | _ATTITUDES:
            c = inner[0]
        for s in c.children:
            if s.dep_ in ("nsubj", "nsubjpass"):
                out.extend(k for k in args.keys(s)[0] if k not in actors)
        if not out:
            for s in c.children:
                if s.dep_ == "dobj":
                    out.extend(args.keys(s)[0])
                    out.extend(args.prep_objects(s, _OBJECT_PREPS + ("with",), ACTOR_TYPES))
            out.extend(args.prep_objects(c, ("on", "against", "to", "with"), ACTOR_TYPES))
    return [k for k in dict.fromkeys(out) if k not in actors]


# Verbs whose object happened: a nominal event they govern is still an event.
_FACTIVE = frozenset({"condemn", "denounce", "criticize", "criticise", "slam", "decry",
                      "deplore", "mourn", "protest", "investigate"})
_DIE = frozenset({"die", "perish"})
_ADJUNCT_PREPS = frozenset({"after", "before", "since", "following", "amid", "despite",
                            "until"})


def _undergoer(noun: Token, entry: Entry | None) -> Token | None:
    """The possessor that suffers a nominal event ("Khashoggi's murder"), for nouns so
    flagged when no "of" phrase names the victim ("Israel's killing of X")."""
    if entry is None or "undergoer" not in entry.flags or \
            any(c.dep_ == "prep" and c.lower_ == "of" for c in noun.children):
        return None
    return next((c for c in noun.children if c.dep_ == "poss"), None)


def _governing_verb(noun: Token) -> Token | None:
    head = noun.head
    if noun.dep_ in ("dobj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
        return head
    if noun.dep_ == "pobj" and head.head.pos_ in ("VERB", "AUX") and head.dep_ in ("prep", "prt"):
        return head.head
    return None


def _noun_event(tok: Token, entry: Entry, args: _Args, light: dict[int, Token]) -> Draft | None:
    res = args.res
    actors: list[str] = []
    targets: list[str] = []
    pron = False
    between: list[str] = []
    undergoer = _undergoer(tok, entry)
    for c in tok.children:
        if c.dep_ == "compound" and entry.type == "ASSAULT" and c.text in gazetteer().capitals:
            continue  # "a Beirut strike": a strike in Beirut, not by Lebanon
        if c.dep_ in ("poss", "compound", "amod", "nmod") and (
                res.keys_of(c) or c.i == getattr(undergoer, "i", None)):
            ks, p = args.keys(c)
            if c.i == getattr(undergoer, "i", None):
                targets.extend(ks)  # "Khashoggi's murder": the possessor is the victim
            else:
                actors.extend(ks)
            pron |= p
        elif c.dep_ == "prep" and (c.lower_ == "by" or
                                   c.lower_ in ("of", "from") and c.lower_ not in entry.preps):
            # "the deployment of NATO battlegroups", "attacks from Hamas": unless "of"
            # names the target ("the invasion of Ukraine"), it names who acts
            for o in c.children:
                if o.dep_ == "pobj":
                    actors.extend(args.keys(o)[0])
        elif c.dep_ == "prep" and c.lower_ in ("between", "among"):
            for o in c.children:
                if o.dep_ == "pobj":
                    between.extend(args.keys(o)[0])
    verb = light.get(tok.i)
    gov = _governing_verb(tok)
    if gov is not None and tok.head.lower_ in _ADJUNCT_PREPS:
        gov = None  # "vowed revenge after Israel's assassination of X": a time, no argument
    if verb is not None:
        a, _, p = args.subject(verb)
        actors = actors or a
        pron |= p
        targets.extend(args.prep_objects(verb, LEXICON_LIGHT_PREPS.get(_light_lemma(verb) or "",
                                                                       ())))
    elif gov is not None and _match_verb(gov) is not None and \
            not (actors and gov.lemma_.lower() in _FACTIVE):
        # "calling for sanctions": the verb is the event; but what is condemned was done
        # ("condemned Israel's killing of the journalist")
        return None
    targets.extend(args.prep_objects(tok, entry.preps))
    if gov is not None and (gov.lemma_.lower() in _DIE and tok.head.lower_ in ("in", "during")
                            or gov.lemma_ in ("come", "be") and tok.head.lower_ == "under"):
        # "three soldiers died in a Russian drone strike", "Kharkiv came under attack":
        # who died, or came under it, is its target
        for c in gov.children:
            if c.dep_ == "nsubj":
                targets.extend(args.keys(c)[0])
    if tok.dep_ == "compound":
        targets.extend(args.prep_objects(tok.head, entry.preps))
    symmetric = "sym" in entry.flags
    if between:
        actors = list(dict.fromkeys(actors + between))
        symmetric = True
    place = args.place(tok) or (args.place(verb) if verb is not None else None)
    places = [t for t in targets if res.type_of(t) == "Place"]
    targets = [t for t in targets if res.type_of(t) != "Place" and t not in actors]
    place = place or (places[0] if places else None)
    if not actors:
        return None
    trigger = [verb, tok] if verb is not None else [tok]
    d = Draft(entry.type, trigger, list(dict.fromkeys(actors)), list(dict.fromkeys(targets)),
              place, symmetric=symmetric, bare_noun=verb is None)
    anchor = verb if verb is not None else tok
    if verb is not None:
        d.mode = _mode(verb, actors, args, targets)
    elif gov is not None and gov.lemma_ in _FUTURE_HEADS | _HYPO_HEADS:
        d.mode = "hypothetical"
    if any(c.lower_ in _HYPO_MODIFIERS and c.dep_ == "amod" for c in tok.children) \
            and d.mode == "asserted":
        d.mode = "hypothetical"
    d.date_text = _date_text(tok, args.res) or (
        _date_text(anchor, args.res) if verb is not None else None)
    d.after_text = _date_text(anchor, args.res, sequel=True)
    if verb is not None:
        _reported_time(d, verb, args.res)
    d.confidence = 0.45 + 0.15 * bool(targets) + 0.1 * (verb is not None) - 0.1 * pron
    return d


LEXICON_LIGHT_PREPS = {e.lemma: e.preps for es in LEXICON["light"].values() for e in es}


def _light_objects(doc: Doc) -> dict[int, Token]:
    """Event nouns governed by a light verb ("imposed sanctions"): noun index -> verb."""
    out: dict[int, Token] = {}
    for tok in doc:
        if tok.lemma_ == "be":
            # "the RSF was responsible for the killing of civilians": the subject did it
            for a in tok.children:
                if a.dep_ == "acomp" and a.lower_ == "responsible":
                    for p in a.children:
                        if p.dep_ == "prep" and p.lower_ == "for":
                            for o in p.children:
                                if o.dep_ == "pobj" and _noun_entry(o):
                                    out[o.i] = tok
            continue
        if tok.pos_ != "VERB" or _match_verb(tok) is not None:
            continue
        light = _light_lemma(tok)
        if light is None:
            continue
        objects = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        if " " in light:
            # "claimed responsibility for the attack", "took responsibility for it"
            holder = _second_word(tok, light.split()[1])
            if holder is not None and holder.dep_ == "dobj":
                objects = [o for h in (holder, tok) for p in h.children
                           if p.dep_ == "prep" and p.lower_ == "for"
                           for o in p.children if o.dep_ == "pobj"]
        for c in objects:
            # "announces sanctions package": the event noun may be the object's modifier
            for noun in [c, *(m for m in c.children if m.dep_ == "compound")]:
                if _noun_entry(noun):
                    out[noun.i] = tok
                    for cj in noun.conjuncts:
                        if _noun_entry(cj):
                            out[cj.i] = tok
                    break
    return out


def extract(doc: Doc, res: Resolved) -> list[Draft]:
    """Event drafts of one article, in document order."""
    args = _Args(doc, res)
    light = _light_objects(doc)
    verbs: list[Draft] = []
    nouns: list[Draft] = []
    for tok in doc:
        if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.dep_ == "ROOT"):
            entry = _match_verb(tok) if tok.pos_ == "VERB" else None
            if entry is not None and (d := _verb_event(tok, entry, args)) is not None:
                verbs.append(d)
        elif tok.pos_ in ("NOUN", "PROPN"):
            noun = _noun_entry(tok)
            if noun is not None and (d := _noun_event(tok, noun, args, light)) is not None:
                nouns.append(d)
    drop = _echoes(verbs, nouns)
    drafts = [d for d in verbs + nouns if id(d) not in drop]
    return sorted(drafts, key=lambda d: d.trigger[-1].i)


def _linked(noun: Token, verb: Token) -> bool:
    """The noun is the verb's subject, object or instrument ("an Israeli strike killed",
    "killed by a Russian missile strike"), or the verb tells of it ("the attack, which
    killed ...")."""
    if verb.head.i == noun.i and verb.dep_ in ("relcl", "acl"):
        return True
    node = noun
    for _ in range(3):
        if node.head.i == node.i:
            return False
        node = node.head
        if node.i == verb.i:
            return True
        if node.pos_ not in ("ADP",):
            return False
    return False


def _echoes(verbs: list[Draft], nouns: list[Draft]) -> set[int]:
    """Drafts that tell the same act as a linked one, less fully: "an Israeli strike
    killed the commander" is one assault on the commander, not also one on nobody; "the
    attack on Israel killed 1,200 people" one on Israel."""
    drop: set[int] = set()
    for n in nouns:
        if len(n.trigger) != 1:
            continue  # governed by a light verb: its own clause
        for v in verbs:
            if v.type != n.type or not set(v.actors) & set(n.actors) or \
                    not _linked(n.trigger[0], v.trigger[0]):
                continue
            if v.targets and not n.targets:
                drop.add(id(n))
            elif n.targets and not v.targets:
                drop.add(id(v))
    for v in verbs:
        # "shelled Armenian villages, killing two civilians", "were killed when troops
        # opened fire": one act, told by two verbs
        head = v.trigger[0]
        for w in verbs:
            t = w.trigger[0]
            if w is v or w.type != v.type or v.targets or not w.targets or \
                    not set(v.actors) & set(w.actors):
                continue
            if (head.dep_ in ("advcl", "conj") and head.head.i == t.i) or \
                    (t.dep_ in ("advcl", "conj") and t.head.i == head.i):
                drop.add(id(v))
    return drop


def _present(verb: Token) -> bool:
    """A verb in the present tense, simple or progressive ("imposes", "is imposing")."""
    if verb.tag_ in ("VBZ", "VBP"):
        return True
    return verb.tag_ == "VBG" and any(c.dep_ == "aux" and c.lower_ in ("is", "are", "am")
                                      for c in verb.children)


def _date_from_report(d: Draft, base: dt.date | None) -> str | None:
    """The date of what a speech act tells, from the speech act's time: the same time
    for what is going on as it is told ("the Treasury said it is sanctioning four
    Ukrainians": a present the past "said" leaves in the present is the report's day
    when the speech has no time of its own), the month for what was done before it is
    told ("Kiev on Monday said it had recalled its ambassador": before that Monday, not
    on it), and the speech act's own time for what it announces ("announced on Monday
    it would deploy troops")."""
    said = dates.resolve(d.report_text, base) if d.report_text else None
    if d.tense == "present":
        return said or (base.isoformat() if base is not None else None)
    if d.tense in ("during", "future"):
        return said
    if d.tense == "past" and said is not None:
        return said[:7]
    return None


# Interactions that are nothing without a recipient ("X held talks", "X praised"): kept
# only when the text names one (or, for talks and agreements, several parties).
NEEDS_TARGET = frozenset({"CONSULT", "AGREE", "SUPPORT", "COOPERATE", "CONCEDE", "AID",
                          "SANCTION"})


def finish(drafts: list[Draft], article_id: str, base: dt.date | None,
           sentence_of: dict[int, int], sentences: list[tuple[int, int]],
           doc: Doc) -> list:
    """Frozen Event records: dated, moded by time, with provenance and stable ids."""
    from kg.records import Event

    out = []
    seen = set()
    text = doc.text  # a property that joins every token: read it once
    for d in drafts:
        trig = sorted(d.trigger, key=lambda t: t.i)
        start, end = trig[0].idx, trig[-1].idx + len(trig[-1].text)
        s_index = sentence_of[trig[0].i]
        s_start, s_end = sentences[s_index]
        mode = d.mode
        date = dates.resolve(d.date_text, base, mode == "future") if d.date_text else None
        if date is None and d.after_text:
            # "annexed following a referendum in March 2014": soon after, so that year
            date = (dates.resolve(d.after_text, base) or "")[:4] or None
        if date is None and d.reported:
            date = _date_from_report(d, base)
        if date is None and base is not None and mode == "asserted" and _present(trig[0]):
            # "Russia denies the claims": the day of the report; "lawmakers are calling for
            # sanctions": an activity under way, dated no finer than the report's month.
            date = base.isoformat()[:7] if trig[0].tag_ == "VBG" else base.isoformat()
        if date is None and base is not None and mode in ("asserted", "future") \
                and not d.bare_noun and not (d.tense == "future" and not d.reported):
            # Undated: the year of the report, the finest grain the text supports. A bare
            # nominal event ("Russia's invasion of Ukraine") is background, and a future
            # no one is said to announce ("the boats will be deployed by Ukraine") is not
            # due at any time the text gives: their time is unknown. What was announced
            # ("the UK announced it would deploy troops") has the announcement's.
            date = str(base.year)
        if mode == "asserted" and date and base and int(date[:4]) <= base.year - 2:
            mode = "historical"
        actors = tuple(d.actors)
        targets = tuple(d.targets)
        if d.symmetric and not targets and len(actors) > 1:
            targets = actors
        if not targets and d.type in NEEDS_TARGET:
            continue
        roles = [(actors, targets)]
        if d.mutual and targets != actors:
            roles.append((targets, actors))  # "X hosted Y": Y visited X
        trigger_text = " ".join(t.text for t in trig) if len(trig) > 1 else trig[0].text
        conf = round(min(max(d.confidence, 0.05), 0.95), 2)
        for actors, targets in roles:
            ident = "|".join([article_id, str(start), d.type, ",".join(actors),
                              ",".join(targets)])
            if ident in seen:
                continue
            seen.add(ident)
            eid = hashlib.sha256(ident.encode()).hexdigest()[:16]
            out.append(Event(eid, d.type, actors, targets, trigger_text, start, end, s_index,
                             text[s_start:s_end], s_start, mode, d.place, date, d.date_text,
                             conf))
    return out
