"""Relation stage: officials and their roles, memberships and stated locations.

Extractors are functions of the parsed Doc and its resolved entities. They find a
*title phrase* linked to a person by the parse (pre-nominal title, apposition either
way, relative clause, copula) and read the role and the polity off it; memberships
from member/ally nouns and "join"; locations from appositions, "in" modifiers,
"X-based" and datelines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.entities import Resolved
from kg.gazetteer import gazetteer, load_data

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_TITLES = load_data("titles.json")
HEADS: dict[str, bool] = _TITLES["heads"]
MODIFIERS = frozenset(_TITLES["modifiers"])
OF_WORDS = frozenset(w for phrase in _TITLES["of_words"] for w in phrase.split())
SKIP = frozenset(_TITLES["skip"])
BRANCH = frozenset(_TITLES["branch_modifiers"])
HEAD_WORDS = frozenset(w for h in HEADS for w in h.replace("-", " - ").split()) - {"in"}
TITLE_WORDS = HEAD_WORDS | MODIFIERS | OF_WORDS | {"of", "-"}
_NOT_LEADER_PREFIX = ("deputy", "vice", "assistant", "under", "associate")
_POLITY_TYPES = ("Country", "Alliance", "Organization")
_RELCL_VERBS = ("serve", "be", "become", "work", "act", "remain")
_MEMBER_NOUNS = ("member", "ally", "membership", "signatory")
_INCLUDE_VERBS = ("include", "comprise", "count")
_FORMER = ("former", "ex", "erstwhile")
_ANAPHORS = ("country", "nation", "state", "kingdom", "republic")
_PLACE_NOUNS = ("capital", "city", "town", "village", "region", "province", "peninsula",
                "port", "area", "district", "territory", "island", "state", "enclave")


@dataclass(frozen=True)
class Found:
    """A relation found in the Doc: subject key, predicate, object, and the token span."""

    subject: str
    predicate: str
    object: str
    start: int  # token span of the evidence
    end: int


def _title_case(words: list[str]) -> str:
    return " ".join(w if w in ("of", "the", "and", "-") else w[:1].upper() + w[1:]
                    for w in words).replace(" - ", "-")


def _is_title_word(tok: Token) -> bool:
    """A word that may belong to a title ("in" only inside "commander-in-chief")."""
    return tok.lower_ in TITLE_WORDS or (tok.lower_ == "in" and 0 < tok.i < len(tok.doc) - 1
                                         and tok.nbor(-1).text == tok.nbor(1).text == "-")


def _role(tokens: list[Token], res: Resolved) -> tuple[str, bool] | None:
    """The role title read off a title phrase, and whether it heads the polity."""
    words: list[str] = []
    for tok in tokens:
        low = tok.lower_
        if res.key_of(tok) or low in SKIP or tok.dep_ == "case" or low in ("'s", "’s"):
            continue  # the polity and its possessive are not part of the title
        if words and words[-1] == "of" and low not in OF_WORDS:
            break  # "Head of the Presidential Guard": the rest names the polity
        if _is_title_word(tok):
            words.append(low)
    while words and words[-1] in ("of", "-"):
        words.pop()
    while words and words[0] in ("of", "-"):
        words.pop(0)
    words = [w for i, w in enumerate(words) if not (w == "of" and i + 1 < len(words)
                                                   and words[i + 1] == "of")]
    if not words or not HEAD_WORDS.intersection(words):
        return None
    text = " ".join(words).replace(" - ", "-")
    # The head of the title is its last head word (or multi-word head) before any "of".
    core = text.split(" of ")[0]
    leader = False
    for head, is_leader in sorted(HEADS.items(), key=lambda kv: -len(kv[0])):
        if core == head or core.endswith(" " + head):
            # "army chief", "foreign policy chief" head a branch, not the polity
            leader = is_leader and core.removesuffix(head).split()[-1:] not in [[w] for w in
                                                                                BRANCH]
            break
    if " of " in text and text.split(" of ")[1].split()[0] in OF_WORDS \
            and text.split(" of ")[1] not in ("state",):
        leader = False  # "head of intelligence" heads the intelligence, not the country
    if words[0] in _NOT_LEADER_PREFIX:
        leader = False
    return _title_case(text.split()), leader


def _title_phrases(person: Span, res: Resolved) -> Iterator[list[Token]]:
    doc = person.doc
    sent_start = res.sent(person.root).start
    # Pre-nominal: "US Secretary of State Antony Blinken", "Russia's foreign minister X".
    i = person.start - 1
    left: list[Token] = []
    while i >= sent_start:
        tok = doc[i]
        low = tok.lower_
        key = res.key_of(tok)
        if key and res.type_of(key) == "Person":
            break
        if _is_title_word(tok) or low in SKIP or key or low in ("'s", "’s") or \
                tok.tag_ == "POS" or _key(tok, res):
            left.insert(0, tok)
            i -= 1
            continue
        break
    if left:
        yield left
    root = person.root
    # Apposition: "Jens Stoltenberg, NATO's Secretary General"
    for child in root.children:
        if child.dep_ == "appos" and child.lower_ in TITLE_WORDS:
            yield list(child.subtree)
    # "the head of Ukraine's intelligence, Kirill Budanov"
    # (the parse may hang the name on the object: "the head of Kenya's Service, X")
    title = root.head
    while root.dep_ == "appos" and not _is_title_word(title) and title.dep_ == "pobj" and \
            title.head.lower_ == "of" and title.head.head.i < title.i:
        title = title.head.head
    if root.dep_ == "appos" and _is_title_word(title):
        own = {t.i for t in root.subtree}  # "..., General Abdourahamane Tchiani"
        yield [t for t in title.subtree if t.i < person.start and t.i not in own]
    # "Nuland, who now serves as Biden's undersecretary of state"
    for child in root.children:
        if child.dep_ == "relcl" and child.lemma_ in _RELCL_VERBS:
            for gc in child.children:
                if gc.dep_ == "prep" and gc.lower_ == "as":
                    for obj in gc.children:
                        if obj.dep_ == "pobj":
                            yield list(obj.subtree)
                elif gc.dep_ == "attr":
                    yield list(gc.subtree)
    # "X is the prime minister of Y"
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":
        for child in root.head.children:
            if child.dep_ == "attr" and child.lower_ in TITLE_WORDS:
                yield list(child.subtree)


def _without_others(phrase: list[Token], key: str, res: Resolved) -> list[Token]:
    """A title phrase without the words that describe another person it names: in
    "Ukrainian President Zelensky's chief of staff", "Ukrainian President" is his."""
    drop: set[int] = set()
    for t in phrase:
        k = res.key_of(t)
        if k and k != key and res.type_of(k) == "Person" and res.key_of(t.head) != k:
            keep = {d.i for c in t.children if c.dep_ in ("conj", "cc") for d in c.subtree}
            drop |= {d.i for d in t.subtree if res.key_of(d) != k and d.dep_ != "case"
                     and d.i not in keep}
    return [t for t in phrase if t.i not in drop]


def _only_country(res: Resolved, person: Span) -> str | None:
    """The one country a sentence names, for a bare title ("President Ivan Duque"); none
    if the sentence names several (then the title could belong to any of them)."""
    sent = res.sent(person.root)
    countries = {k for i in range(sent.start, sent.end)
                 if (k := res.by_token.get(i)) and res.type_of(k) == "Country"}
    # ... and it must come first: a country named after the person is mostly what the
    # person acts on ("Lammy promised to bear down on the Kremlin").
    first = {k for i in range(sent.start, person.start)
             if (k := res.by_token.get(i)) and res.type_of(k) == "Country"}
    if countries != first:
        return None
    return countries.pop() if len(countries) == 1 else None


def _antecedent_country(res: Resolved, tok: Token, back: int = 2) -> str | None:
    """What "the country" in "the country's president" stands for: the last country
    named before it, in its sentence or the `back` sentences before; none if the
    nearest sentence naming a country names several."""
    n = res.sentence_of[tok.i]
    for m in range(n, max(-1, n - back - 1), -1):
        sent = res.sentences[m]
        keys = [k for i in range(sent.start, min(sent.end, tok.i))
                if (k := res.by_token.get(i)) and res.type_of(k) == "Country"]
        if keys:
            return keys[-1] if m == n or len(set(keys)) == 1 else None
    return None


def _key(tok: Token, res: Resolved) -> str | None:
    """The entity a token stands for; "the country('s)" for the country it refers to."""
    key = res.key_of(tok)
    if key is None and tok.lower_ in _ANAPHORS and tok.i + 1 < len(tok.doc) and \
            tok.nbor(1).lower_ in ("'s", "’s") and tok.i > 0 and tok.nbor(-1).lower_ == "the":
        key = _antecedent_country(res, tok)
    elif key is None and tok.lower_ == "government" and tok.dep_ in ("compound", "amod") and \
            _is_title_word(tok.head) and not any(res.key_of(c) or c.dep_ in ("prep", "poss")
                                                 for c in tok.children):
        key = _government_of(res, tok)
    return key


def _government_of(res: Resolved, tok: Token) -> str | None:
    """Whose "government delegate" a bare "government" title is: the one country whose
    government the article named before ("the Colombian government ... Chief government
    delegate X"); none if it named the governments of several."""
    countries = set()
    for t in tok.doc[:tok.i]:
        if t.lower_ != "government":
            continue
        for c in t.children:
            if c.dep_ in ("amod", "compound", "poss") or c.dep_ == "prep" and c.lower_ == "of":
                for o in [c, *(o for o in c.children if o.dep_ == "pobj")]:
                    if res.type_of(k := res.key_of(o)) == "Country":
                        countries.add(k)
    return countries.pop() if len(countries) == 1 else None


def _is_polity(key: str | None, res: Resolved) -> bool:
    return res.type_of(key) in _POLITY_TYPES


def _polity(phrase: list[Token], res: Resolved) -> str | None:
    """The polity a title phrase names, read off the parse.

    The object of "of" (or of "at"/"for" for an organization) after a title word comes
    first: "Head of Niger's Presidential Guard" is the Guard's, "Minister of Foreign
    Affairs of Ukraine" Ukraine's; "head of Ukraine's intelligence" is Ukraine's, the
    possessor of an object that names nothing. Else the last polity named before the
    title ("Niger's Presidential Guard chief"), else any polity in the phrase."""
    inside = {t.i for t in phrase}
    for tok in phrase:
        if tok.lower_ not in TITLE_WORDS:
            continue
        for prep in tok.children:
            if prep.dep_ != "prep" or prep.lower_ not in ("of", "at", "for") or \
                    prep.i not in inside:
                continue
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                key = _key(obj, res)
                if _is_polity(key, res) and (prep.lower_ == "of" or
                                             res.type_of(key) != "Country"):
                    return key
                if prep.lower_ == "of" and key is None:
                    owners = [k for c in obj.children if c.dep_ in ("poss", "amod", "compound")
                              and _is_polity(k := _key(c, res), res)]
                    if owners:
                        return owners[0]
    heads = [t.i for t in phrase if t.lower_ in HEAD_WORDS and not res.key_of(t) and (
        t.i + 1 >= len(t.doc) or t.nbor(1).lower_ not in HEAD_WORDS | MODIFIERS)]
    if heads:
        before = [k for t in phrase if t.i < heads[0] and _is_polity(k := _key(t, res), res)]
        if before:
            return before[-1]
    return next((k for t in phrase if _is_polity(k := _key(t, res), res)), None)


def _containers(org: str, phrase: list[Token], res: Resolved) -> list[str]:
    """The polities an organization named in a title phrase belongs to, as the text says:
    "Niger's Presidential Guard", "the Authority ... of the ECOWAS"."""
    out: list[str] = []
    doc = phrase[0].doc
    for t in [t for t in phrase if res.key_of(t) == org]:
        for c in t.children:
            objs = [c] if c.dep_ in ("poss", "amod", "compound", "nmod") else \
                [o for o in c.children if o.dep_ == "pobj"] if c.dep_ == "prep" \
                and c.lower_ == "of" else []
            for o in objs:
                k = res.key_of(o)
                if k and k != org and res.type_of(k) in ("Country", "Alliance") and k not in out:
                    out.append(k)
        # a demonym inside the organization's name: "the Russian Defence Ministry"
        if t.i > 0 and (k := res.key_of(doc[t.i - 1])) and k != org and \
                res.type_of(k) == "Country" and k not in out:
            out.append(k)
    return out


def _where_country(person: Span, res: Resolved) -> str | None:
    """"Armenia, where Prime Minister Nikol Pashinyan has ...": the place the clause is
    about is the polity of a bare title whose holder is its subject, if the holder is
    first named there (a person named before may be a visitor)."""
    root = person.root
    verb = root.head
    if root.dep_ not in ("nsubj", "nsubjpass") or verb.dep_ != "relcl":
        return None
    if not any(c.dep_ == "advmod" and c.lower_ == "where" for c in verb.children):
        return None
    if any(k == res.key_of(root) and s < person.start for s, _e, k in res.mentions):
        return None  # "Macron flew to Chad, where President Macron ...": a visitor
    key = res.key_of(verb.head)
    return key if res.type_of(key) == "Country" else None


@dataclass
class _Holder:
    """A person's title as found at one mention, and the polity it names, if any."""

    key: str
    role: str
    leader: bool
    polity: str | None
    start: int
    end: int


def _named_titles(doc: Doc, res: Resolved) -> Iterator[tuple[Token, list[Token]]]:
    """Title noun phrases that name no person: "the American president", "the
    President of Kazakhstan", "the country's prime minister"."""
    for tok in doc:
        if tok.lower_ not in HEAD_WORDS or tok.pos_ not in ("NOUN", "PROPN") or \
                res.key_of(tok) or tok.dep_ in ("compound", "amod", "appos", "conj"):
            continue
        if tok.i + 1 < len(doc) and (doc[tok.i + 1].lower_ in HEAD_WORDS or
                                     res.key_of(doc[tok.i + 1])):
            continue  # not the head of its phrase ("President Biden", "prime minister")
        if any(c.dep_ == "appos" for c in tok.children) or tok.head.dep_ == "appos" and \
                tok.dep_ == "appos":
            continue
        left = [t for t in tok.subtree if t.i <= tok.i]
        if not left or left[0].lower_ != "the" and left[0].dep_ != "poss":
            continue  # a definite description only
        ofs = [t for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
               for t in c.subtree]
        phrase = left + ofs
        if any(res.type_of(res.key_of(t)) == "Person" for t in phrase):
            continue
        yield tok, phrase


def _coreferent(res: Resolved, persons: list[tuple[int, int, str]], tok: Token,
                holders: dict[str, list[_Holder]], role: str) -> str | None:
    """The person a title description refers back to: the person mentioned last before
    it, in one of the two sentences before, if that person holds the same title and the
    description is the subject of its clause."""
    if tok.dep_ not in ("nsubj", "nsubjpass") or tok.head.dep_ != "ROOT":
        return None  # "Biden said the Russian president ...": not the sentence's subject
    n = res.sentence_of[tok.i]
    lo = res.sentences[max(0, n - 2)].start
    before = [(s, k) for s, _e, k in persons if lo <= s < tok.left_edge.i]
    if before and res.sentence_of[max(before)[0]] == n:
        return None  # a person and a description in one sentence are mostly two people
    if not before:
        return None
    key = max(before)[1]
    if any(h.role == role for h in holders.get(key, [])):
        return key
    return None


def officials(doc: Doc, res: Resolved) -> Iterator[Found]:
    """role, officialOf and leaderOf from the title phrases linked to each person, and
    from title descriptions that refer back to one ("the American president")."""
    persons = sorted({(s, e, k) for s, e, k in res.mentions if res.type_of(k) == "Person"})
    served: dict[str, str] = {}
    pending: list[tuple[str, str, int, int]] = []
    holders: dict[str, list[_Holder]] = {}
    for start, end, key in persons:
        person = doc[start:end]
        for phrase in _title_phrases(person, res):
            phrase = _without_others(phrase, key, res)
            found = _role(phrase, res)
            if found is None:
                continue
            role, leader = found
            lo = min([t.i for t in phrase] + [start])
            hi = max([t.i + 1 for t in phrase] + [end])
            if any(t.lower_ in _FORMER for t in phrase):
                # "a former Nigerian president": a past office, not a present tie
                yield Found(key, "role", "Former " + role, lo, hi)
                continue
            yield Found(key, "role", role, lo, hi)
            polity = _polity(phrase, res)
            extra = _containers(polity, phrase, res) \
                if polity is not None and res.type_of(polity) == "Organization" else []
            if polity is None:
                owner = next((k for t in phrase if (k := res.key_of(t)) and res.type_of(k)
                              == "Person" and k != key and t.dep_ == "poss" and any(
                                  c.tag_ == "POS" for c in t.children)), None)
                if owner:
                    pending.append((key, owner, lo, hi))
                    continue
                polity = _where_country(person, res) or _only_country(res, person)
            holders.setdefault(key, []).append(_Holder(key, role, leader, polity, lo, hi))
            if polity is None:
                continue
            served.setdefault(key, polity)
            yield Found(key, "officialOf", polity, lo, hi)
            if leader:
                yield Found(key, "leaderOf", polity, lo, hi)
            for other in extra:
                yield Found(key, "officialOf", other, lo, hi)
        # "Belarus's Alexander Lukashenko": a country's own person, title or not.
        if start >= 2 and doc[start - 1].tag_ == "POS":
            owner = res.key_of(doc[start - 2])
            if owner and res.type_of(owner) == "Country":
                served.setdefault(key, owner)
                yield Found(key, "officialOf", owner, start - 2, end)
    # "Biden's national security adviser": the polity of the possessor.
    for key, owner, lo, hi in pending:
        if owner in served:
            yield Found(key, "officialOf", served[owner], lo, hi)
    # "President Donald Trump ... the American president tweeted": the polity is given
    # by a description that refers back to a person whose title named none.
    for tok, phrase in _named_titles(doc, res):
        if any(t.lower_ in _FORMER for t in phrase) or (found := _role(phrase, res)) is None:
            continue
        role, leader = found
        polity = _polity(phrase, res)
        if polity is None:
            continue
        ref = _coreferent(res, persons, tok, holders, role)
        if ref is None or ref in served:
            continue
        served[ref] = polity
        lo, hi = phrase[0].i, phrase[-1].i + 1
        yield Found(ref, "officialOf", polity, lo, hi)
        if leader:
            yield Found(ref, "leaderOf", polity, lo, hi)


def _np_entities(token: Token, res: Resolved, types: tuple[str, ...]) -> list[str]:
    out = []
    for t in token.subtree:
        k = res.key_of(t)
        if k and res.type_of(k) in types and k not in out:
            out.append(k)
    return out


def _with_conjuncts(token: Token, res: Resolved, types: tuple[str, ...]) -> list[str]:
    out = []
    for t in [token, *token.conjuncts]:
        k = res.key_of(t)
        if k and res.type_of(k) in types and k not in out:
            out.append(k)
    return out


def memberships(doc: Doc, res: Resolved) -> Iterator[Found]:
    """memberOf from "NATO member Poland", "Poland, a EU member state", "X joined Y"."""
    members_types = ("Country", "Organization")
    for tok in doc:
        if tok.lemma_.lower() in _MEMBER_NOUNS and tok.pos_ in ("NOUN", "PROPN"):
            np_head = tok.head if tok.dep_ == "compound" and tok.head.pos_ == "NOUN" else tok
            np = list(np_head.subtree)
            if any(t.lower_.startswith("non") for t in np):
                continue
            groups = [k for t in np if (k := res.key_of(t)) and res.type_of(k) == "Alliance"]
            if not groups:
                continue
            members: list[str] = []
            if np_head.dep_ == "compound" and res.key_of(np_head.head):
                members = _with_conjuncts(np_head.head, res, members_types)
            elif np_head.dep_ == "appos":
                members = _with_conjuncts(np_head.head, res, members_types)
            elif (left := np_head.left_edge).lower_ in ("a", "an") and left.i >= 2 and \
                    doc[left.i - 1].text == "," and np_head.dep_ not in ("attr", "pobj") and \
                    (k := res.key_of(doc[left.i - 2])) is not None and \
                    res.type_of(k) in members_types:
                members = [k]  # "Poland, a EU member state" where the parse lost the apposition
            for child in np_head.children:
                if child.dep_ == "appos":
                    members += _with_conjuncts(child, res, members_types)
            # "the US and its NATO allies": the possessor is a member too
            for child in [*np_head.children, *tok.children]:
                if child.dep_ == "poss":
                    owner = res.key_of(child)
                    if owner is None and child.lower_ in ("its", "their"):
                        before = doc[res.sent(tok).start:child.i]
                        owner = next((res.key_of(t) for t in reversed(before)
                                      if res.key_of(t) and res.type_of(res.key_of(t)) in
                                      members_types), None)
                    if owner and res.type_of(owner) in members_types:
                        members.append(owner)
            if np_head.dep_ == "attr" and np_head.head.lemma_ == "be" and \
                    not any(c.dep_ == "neg" for c in np_head.head.children):
                for s in np_head.head.children:
                    if s.dep_ == "nsubj":
                        members += _with_conjuncts(s, res, members_types)
            for m in dict.fromkeys(members):
                if m != groups[0]:
                    yield Found(m, "memberOf", groups[0], np_head.left_edge.i,
                                np_head.right_edge.i + 1)
        elif tok.lemma_ in _INCLUDE_VERBS and tok.pos_ == "VERB":
            # "the CSTO includes Armenia, Belarus ..." ("in addition to Russia")
            subj = [c for c in tok.children if c.dep_ == "nsubj"]
            group = res.key_of(subj[0]) if subj else None
            if not group or res.type_of(group) != "Alliance":
                continue
            members = []
            for c in tok.children:
                if c.dep_ == "dobj":
                    members += _with_conjuncts(c, res, members_types)
                elif c.dep_ == "prep" and c.lower_ in ("besides", "to", "in"):
                    for o in c.subtree:
                        if o.dep_ == "pobj":
                            members += _with_conjuncts(o, res, members_types)
            for m in dict.fromkeys(members):
                yield Found(m, "memberOf", group, res.sent(tok).start, res.sent(tok).end)
        elif tok.lemma_ == "join" and tok.pos_ == "VERB" and tok.tag_ in ("VBD", "VBZ", "VBP") \
                and not any(c.dep_ in ("neg", "aux") and c.tag_ == "MD" or c.dep_ == "neg"
                            for c in tok.children):
            subj = [c for c in tok.children if c.dep_ == "nsubj"]
            obj = [c for c in tok.children if c.dep_ == "dobj"]
            if subj and obj:
                for g in _with_conjuncts(obj[0], res, ("Alliance", "Organization")):
                    for m in _with_conjuncts(subj[0], res, members_types):
                        yield Found(m, "memberOf", g, res.sent(tok).start, res.sent(tok).end)


def locations(doc: Doc, res: Resolved) -> Iterator[Found]:
    """locatedIn stated by the text: "Sevastopol, in Crimea", "the Hague-based court"."""
    gaz = gazetteer()
    located = ("Place", "Organization")
    where = ("Place", "Country")
    seen = set()
    for start, end, key in sorted(res.mentions):
        if res.type_of(key) not in located or (start, key) in seen:
            continue
        seen.add((start, key))
        span = doc[start:end]
        root = span.root
        # Name-stated: "East Ukraine" lies in Ukraine.
        if key in gaz.places_in:
            yield Found(key, "locatedIn", gaz.places_in[key], start, end)
        # "GOYANG, South Korea": a place followed by its country or region.
        if end + 1 < len(doc) and doc[end].text == "," and (k2 := res.key_of(doc[end + 1])) \
                and res.type_of(k2) in where and k2 != key and res.type_of(key) == "Place":
            after = doc[end + 1]
            tail = after.i + 1
            while tail < len(doc) and res.key_of(doc[tail]) == k2:
                tail += 1
            prev_is_list = start > 0 and doc[start - 1].text == ","
            next_is_list = tail < len(doc) and (doc[tail].text == "," and tail + 1 < len(doc)
                                                and res.key_of(doc[tail + 1]))
            y_root = doc[after.i:tail].root
            linked = y_root.head.i in range(start, end) or root.head.i in range(after.i, tail)
            if linked and not prev_is_list and not next_is_list and \
                    (tail >= len(doc) or doc[tail].lower_ not in ("and", "or")):
                yield Found(key, "locatedIn", k2, start, tail)
                continue
        # "Crimea, a strategic peninsula in the Black Sea"; "Minsk, the capital of Belarus"
        for child in root.children:
            if child.dep_ == "appos" and child.lemma_.lower() in _PLACE_NOUNS:
                for prep in child.children:
                    if prep.dep_ == "prep" and prep.lower_ in ("in", "of", "on"):
                        for obj in prep.children:
                            k2 = res.key_of(obj)
                            if k2 and k2 != key and res.type_of(k2) in where:
                                yield Found(key, "locatedIn", k2, start, obj.i + 1)
        # "the South African capital Pretoria", "Ethiopia's northern region of Tigray"
        nouns = [c for c in root.children if c.dep_ in ("compound", "nmod", "appos")
                 and c.lemma_.lower() in _PLACE_NOUNS]
        if root.dep_ == "pobj" and root.head.lower_ == "of" and \
                root.head.head.lemma_.lower() in _PLACE_NOUNS:
            nouns.append(root.head.head)
        for noun in nouns:
            for mod in noun.children:
                k2 = res.key_of(mod)
                if mod.dep_ in ("amod", "poss", "compound", "nmod") and k2 and k2 != key \
                        and res.type_of(k2) in where:
                    yield Found(key, "locatedIn", k2, min(mod.i, start), end)
        # "the Korean Peninsula Future Forum in Seoul"
        for prep in root.children:
            if prep.dep_ == "prep" and prep.lower_ == "in":
                for obj in prep.children:
                    k2 = res.key_of(obj)
                    if obj.dep_ == "pobj" and k2 and k2 != key and res.type_of(k2) in where:
                        yield Found(key, "locatedIn", k2, start, obj.i + 1)
    # "the Hague-based court"
    for tok in doc:
        if tok.lower_ == "based" and tok.head.pos_ in ("NOUN", "PROPN"):
            org = res.key_of(tok.head)
            places = [res.key_of(c) for c in tok.children if res.key_of(c)]
            if tok.i >= 2 and doc[tok.i - 1].text == "-" and res.key_of(doc[tok.i - 2]):
                places.append(res.key_of(doc[tok.i - 2]))
            start = min([tok.i] + [c.i for c in tok.children] + ([tok.i - 2] if tok.i >= 2 else []))
            for p in places:
                if org and p and res.type_of(p) in where and res.type_of(org) in located:
                    yield Found(org, "locatedIn", p, start, tok.head.i + 1)


def extract(doc: Doc, res: Resolved) -> list[Found]:
    """All relations of one article, without duplicates, in document order."""
    out: dict[tuple[str, str, str], Found] = {}
    for f in (*officials(doc, res), *memberships(doc, res), *locations(doc, res)):
        out.setdefault((f.subject, f.predicate, f.object), f)
    return list(out.values())
