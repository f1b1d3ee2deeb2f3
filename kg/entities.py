"""Entity stage: turn the Doc's entity spans into canonical entities and mentions.

The spaCy NER is a starting point: spans tagged from reference data (countries,
alliances, capitals, seats of government, places) carry their entity key as the span's
`ent_id_`; this resolver decides, from the parse, what each span denotes here (a capital
as actor is its country, as a location a place; a demonym of a state's forces is the
country, of people no entity) and canonicalises the rest (persons by full name).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from kg.gazetteer import Gazetteer, Known, gazetteer, load_data, slug
from kg.records import Entity, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_LEXICON = load_data("entity_rules.json")
LOCATIVE_PREPS = frozenset(_LEXICON["locative_prepositions"])
PEOPLE_NOUNS = frozenset(_LEXICON["people_nouns"])
STATE_ORGS: dict[str, str] = _LEXICON["state_organizations"]  # head noun -> label template
PERSON_TITLES = frozenset(_LEXICON["person_prefix_titles"])
PLACE_HEADS = frozenset(_LEXICON["place_heads"])
ORG_SUFFIXES = frozenset(_LEXICON["organization_suffixes"])
NOT_STATE_PREFIXES = frozenset(_LEXICON["not_state_prefixes"])
STOP_NAMES = frozenset(_LEXICON["not_names"])
_TITLE_HEADS = frozenset(h for h in load_data("titles.json")["heads"] if " " not in h)
_DESC = load_data("descriptions.json")
DESCRIPTION_NOUNS: dict[str, str] = _DESC["nouns"]
ARMED_WORDS = frozenset(_DESC["armed_words"])
OPPOSITION_WORDS = frozenset(_DESC["opposition_words"])
NUMBER_WORDS: dict[str, int] = _DESC["numbers"]
DESCRIPTION_DETS = frozenset(_DESC["determiners"])
NOT_ANAPHORIC = frozenset(_DESC["not_anaphoric"])
_DESCRIBED_TYPES = {"Country": ("Country",), "Alliance": ("Alliance",),
                    "Organization": ("Organization",), "ArmedGroup": ("Organization",),
                    "Opposition": ("Organization",), "Party": ("Country", "Organization")}
REGIONAL_FORCES = frozenset(_DESC["regional_forces"])
GROUP_HEADS = frozenset(_DESC["group_heads"])
_PARTIES = load_data("parties.json")
PARTY_PERSON_NOUNS = frozenset(_PARTIES["person_nouns"])
_NER_TYPES = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place",
              "FAC": "Place", "NORP": None}
_QUOTES = "\"'“”‘’«»"


@dataclass
class Draft:
    key: str
    label: str
    type: str
    wikidata: str | None = None
    aliases: set[str] = field(default_factory=set)


@dataclass
class Resolved:
    """The entity layer of one parsed article: mentions and a token index into them."""

    entities: dict[str, Draft] = field(default_factory=dict)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # token start, end, key
    by_token: dict[int, str] = field(default_factory=dict)  # token index -> entity key
    sentences: list[Span] = field(default_factory=list)
    sentence_of: dict[int, int] = field(default_factory=dict)  # token index -> sentence
    # Descriptions that refer back ("the two countries", "the alliance"): head token
    # index -> the entities they stand for. Not mentions: a description names nobody.
    refs: dict[int, tuple[str, ...]] = field(default_factory=dict)
    state_orgs: set[str] = field(default_factory=set)  # organizations of a state

    def sent(self, token: Token) -> Span:
        """The token's sentence (spaCy's Token.sent walks the whole Doc each call)."""
        return self.sentences[self.sentence_of[token.i]]

    def add(self, span: Span, key: str, label: str, type_: str,
            wikidata: str | None = None, *, heads_only: bool = False) -> None:
        draft = self.entities.setdefault(key, Draft(key, label, type_, wikidata))
        draft.aliases.add(_surface(span))
        self.mentions.append((span.start, span.end, key))
        for tok in ([span.root] if heads_only else span):
            self.by_token[tok.i] = key

    def key_of(self, token: Token) -> str | None:
        return self.by_token.get(token.i)

    def keys_of(self, token: Token) -> tuple[str, ...]:
        """The entity a token names, or the entities a description there refers to."""
        key = self.by_token.get(token.i)
        return (key,) if key else self.refs.get(token.i, ())

    def type_of(self, key: str | None) -> str | None:
        return self.entities[key].type if key in self.entities else None


def _surface(span: Span) -> str:
    text = span.text.strip(_QUOTES + " ")
    return re.sub(r"[’']s$", "", text).strip()


def _known(resolved: Resolved, span: Span, known: Known) -> None:
    resolved.add(span, known.key, known.label, known.type, known.wikidata)


def _used_as_place(span: Span) -> bool:
    """A capital named as a location ("talks in Minsk"), not as an actor."""
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS:
        return True
    if root.dep_ in ("appos", "compound") and root.head.lower_ in PLACE_HEADS:
        return True  # "the capital, Minsk", "the Kiev region"
    # A dateline: "GOYANG, South Korea –" or a place given with its country.
    return span.end < len(span.doc) and span.doc[span.end].text == "," and \
        span.end + 1 < len(span.doc) and span.doc[span.end + 1].ent_id_.startswith("country/")


def _demonym(resolved: Resolved, gaz: Gazetteer, span: Span, key: str) -> None:
    """A demonym: the state (or its forces), a state organization, or nobody."""
    root = span.root
    doc = span.doc
    if span.start >= 2 and doc[span.start - 1].text == "-" and \
            doc[span.start - 2].lower_ in NOT_STATE_PREFIXES:
        return  # "post-Soviet", "pro-Russian": a qualifier, not the state
    if root.dep_ in ("amod", "compound", "nmod") or (root.dep_ == "conj" and
                                                     root.head.dep_ in ("amod", "compound")):
        noun = root.head if root.dep_ != "conj" else root.head.head
    else:
        return  # "13 Russians": people, not the state
    if noun.lemma_.lower() in PEOPLE_NOUNS:
        return
    known = gaz.known[key]
    _known(resolved, span, known)
    _state_org(resolved, gaz, span, noun, key)


def _state_org(resolved: Resolved, gaz: Gazetteer, owner: Span, noun: Token, key: str) -> None:
    """The country's navy, army, armed forces...: named organizations of the state."""
    words = noun.lower_
    left = noun.doc[noun.i - 1] if noun.i > 0 else None
    if left is not None and f"{left.lower_} {words}" in STATE_ORGS:
        words = f"{left.lower_} {words}"
    template = STATE_ORGS.get(words)
    if template is None or noun.i in resolved.by_token:
        return
    country = gaz.known[key].label
    demonym = gaz.demonym_of.get(key, country)
    label = template.format(country=country, demonym=demonym)
    start = min(owner.start, noun.i - words.count(" "))
    span = noun.doc[start:noun.i + 1]
    key = "organization/" + slug(label)
    draft = resolved.entities.setdefault(key, Draft(key, label, "Organization"))
    resolved.state_orgs.add(key)
    draft.aliases.add(_surface(span))
    resolved.mentions.append((span.start, span.end, draft.key))
    for tok in noun.doc[noun.i - words.count(" "):noun.i + 1]:
        resolved.by_token[tok.i] = draft.key


def _clean_name(span: Span) -> Span | None:
    """Trim titles, determiners, possessives and quotes off a NER span; complete a
    hyphenated name the NER cut short ("Moon Jae" of "Moon Jae-in")."""
    start, end = span.start, span.end
    doc = span.doc
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and doc[end + 1].is_alpha and doc[end + 1].is_lower:
        end += 2
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct
                           or doc[start].text in PERSON_TITLES):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s") or (
            doc[end - 1].lower_ in ("of", "the", "and", "for", "in")
            and doc[end - 2].whitespace_)):  # but "Moon Jae-in" keeps its "in"
        end -= 1
    if start >= end:
        return None
    out = doc[start:end]
    out.label_ = span.label_
    return out


def _is_title(tok: Token) -> bool:
    return tok.text in PERSON_TITLES or tok.lower_ in _TITLE_HEADS


def _person_key(name: str) -> str:
    return "person/" + slug(name)


def resolve(doc: Doc) -> Resolved:
    """Canonical entities and mentions of one parsed article."""
    gaz = gazetteer()
    resolved = Resolved()
    resolved.sentences = list(doc.sents)
    for n, sent in enumerate(resolved.sentences):
        for i in range(sent.start, sent.end):
            resolved.sentence_of[i] = n
    for ent in doc.ents:
        if "\n" in ent.text or len(ent.text) > 100 or not any(c.isalpha() for c in ent.text):
            continue
        ent_id = ent.ent_id_
        if ent_id.startswith("capital:"):
            key = ent_id.removeprefix("capital:")
            name_end = ent.end
            while name_end < len(doc) and doc[name_end].pos_ == "PROPN" and \
                    doc[name_end].text[:1].isupper() and not doc[name_end].ent_id_:
                name_end += 1
            if name_end > ent.end:  # "Victoria Nuland": a first name, not a capital
                span = doc[ent.start:name_end]
                resolved.add(span, _person_key(span.text), span.text, "Person")
            elif _used_as_place(ent):
                label = gaz.capital_label.get(ent.text, ent.text)
                resolved.add(ent, "place/" + slug(label), label, "Place")
            else:
                _known(resolved, ent, gaz.known[key])
        elif ent.label_ == "NORP" and ent_id:
            _demonym(resolved, gaz, ent, ent_id)
        elif ent_id:
            _known(resolved, ent, gaz.known[ent_id])
            if ent_id in gaz.places_in:  # "East Ukraine" names Ukraine too
                country = gaz.known[gaz.places_in[ent_id]]
                resolved.entities.setdefault(country.key, Draft(
                    country.key, country.label, country.type, country.wikidata)).aliases.add(
                    ent[1:].text)
                resolved.mentions.append((ent.start + 1, ent.end, country.key))
            if ent.root.dep_ == "poss" and gaz.known[ent_id].type == "Country":
                _state_org(resolved, gaz, ent, ent.root.head, ent_id)
        else:
            _from_ner(resolved, gaz, ent)
    _elided_countries(resolved, gaz, doc)
    _organizations_named_after_places(resolved, doc)
    _regional_forces(resolved, doc)
    _named_groups(resolved, doc)
    _capitalised_organizations(resolved, doc)
    _odd_possessives(resolved, gaz, doc)
    _acronyms(resolved, doc)
    _merge_person_names(resolved)
    _party_adjectives(resolved, gaz, doc)
    _descriptions(resolved, doc)
    return resolved


def _elided_countries(resolved: Resolved, gaz: Gazetteer, doc: Doc) -> None:
    """"North and South Korea": the first conjunct is a country too."""
    for start, end, _key in list(resolved.mentions):
        first = doc[start]
        if start < 2 or end - start < 2 or doc[start - 1].lower_ not in ("and", "or"):
            continue
        other = doc[start - 2]
        name = " ".join([other.text, *(t.text for t in doc[start + 1:end])])
        known = gaz.lookup(name)
        if known is not None and first.text[:1].isupper() and other.text[:1].isupper():
            span = doc[start - 2:start - 1]
            # The NER may have read "North and" as a place of its own: the country wins.
            resolved.mentions = [(s, e, k) for s, e, k in resolved.mentions
                                 if e <= span.start or s >= span.end]
            resolved.entities.setdefault(known.key, Draft(known.key, known.label, known.type,
                                                          known.wikidata)).aliases.add(name)
            resolved.mentions.append((span.start, span.end, known.key))
            resolved.by_token[span.start] = known.key


def _title_case_line(doc: Doc, i: int) -> bool:
    """Whether token i stands on a line in title case (a headline)."""
    text = doc.text
    lo = text.rfind("\n", 0, doc[i].idx) + 1
    hi = text.find("\n", doc[i].idx)
    words = re.findall(r"[A-Za-z]+", text[lo:hi if hi >= 0 else len(text)])
    return sum(w[:1].isupper() for w in words) > 0.6 * len(words)


def _organizations_named_after_places(resolved: Resolved, doc: Doc) -> None:
    """"the Korean Peninsula Future Forum", "the US Coast Guard": a known place or
    country followed by capitalised words that end in an organization's word is the
    organization (the reference name hid the whole name from the NER)."""
    for start, end, key in sorted(resolved.mentions):
        if resolved.type_of(key) not in ("Place", "Country") or not doc[start].text[:1].isupper():
            continue
        stop = end
        while stop < len(doc) and doc[stop].pos_ == "PROPN" and doc[stop].is_alpha and \
                doc[stop].text[:1].isupper() and stop not in resolved.by_token:
            stop += 1
        if stop == end or doc[stop - 1].text not in ORG_SUFFIXES:
            continue
        if _title_case_line(doc, start):
            continue  # a headline in title case capitalises any words
        span = doc[start:stop]
        resolved.mentions.remove((start, end, key))
        if not any(k == key for _s, _e, k in resolved.mentions):
            resolved.entities.pop(key, None)
        resolved.add(span, "organization/" + slug(span.text), span.text, "Organization")


def _regional_forces(resolved: Resolved, doc: Doc) -> None:
    """"the Tigray forces", "forces from Tigray": the armed forces of a region (not of a
    state: "Russian forces" are Russia) are an organization of their own."""
    for start, end, key in sorted(resolved.mentions):
        if resolved.type_of(key) != "Place" or not key.startswith("place/"):
            continue
        root = doc[start:end].root
        head = root.head
        if root.dep_ == "compound" and head.i == end and head.lemma_.lower() in REGIONAL_FORCES \
                and head.tag_ == "NNS" and head.i not in resolved.by_token:
            span = doc[start:head.i + 1]
        elif root.dep_ == "pobj" and head.lower_ == "from" and head.head.i < start and \
                head.head.lemma_.lower() in REGIONAL_FORCES and head.head.tag_ == "NNS" and \
                head.head.i not in resolved.by_token:
            span = doc[head.head.i:end]
        else:
            continue
        noun = span.root.lower_ if span.root.lemma_ != "force" else "forces"
        label = f"{resolved.entities[key].label} {noun}"
        resolved.mentions.remove((start, end, key))
        resolved.add(span, "organization/" + slug(label), label, "Organization")


def _named_groups(resolved: Resolved, doc: Doc) -> None:
    """"the M-19 guerrilla group", "the Azov battalion": a name before a group noun (and
    its descriptive words) is an organization, whatever the NER made of it."""
    for tok in doc:
        if tok.lemma_.lower() not in GROUP_HEADS or tok.pos_ != "NOUN":
            continue
        words = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i]
        names = [w for w in words if w.i not in resolved.by_token and
                 w.text[:1].isupper() and not w.ent_id_ and w.ent_type_ not in ("NORP", "GPE") and
                 (w.pos_ == "PROPN" or any(ch.isdigit() for ch in w.text) or
                  (w.text.isupper() and len(w.text) >= 2))]
        if not names or any(w.i in resolved.by_token for w in words) or \
                tok.i == resolved.sentences[resolved.sentence_of[tok.i]].start:
            continue
        first, last = names[0].i, names[-1].i
        if any(not doc[i].text[:1].isupper() and doc[i].text != "-"
               for i in range(first, last + 1)):
            continue
        if _title_case_line(doc, tok.i):
            continue
        span = doc[first:last + 1]
        resolved.add(span, "organization/" + slug(span.text), span.text, "Organization")


def _capitalised_organizations(resolved: Resolved, doc: Doc) -> None:
    """"a Peacekeeping Force that numbers 3,600": capitalised words in running text that
    end in an organization's word are an organization the NER did not see."""
    i = 0
    while i < len(doc):
        j = i
        while j < len(doc) and doc[j].is_alpha and doc[j].text[:1].isupper() and \
                doc[j].pos_ in ("PROPN", "NOUN") and j not in resolved.by_token:
            j += 1
        if j - i >= 2 and doc[j - 1].text in ORG_SUFFIXES and not doc[j - 1].is_sent_start \
                and i != resolved.sentences[resolved.sentence_of[i]].start \
                and doc[i - 1].lower_ in ("a", "an", "the") and not _title_case_line(doc, i):
            span = doc[i:j]
            resolved.add(span, "organization/" + slug(span.text), span.text, "Organization")
        i = max(j, i + 1)


def _odd_possessives(resolved: Resolved, gaz: Gazetteer, doc: Doc) -> None:
    """"Mexico´s", "Kenya`s": a possessive written with an accent the tokenizer keeps
    on the name, so no reference name matched it."""
    for tok in doc:
        m = re.fullmatch(r"(.+)[´`]s", tok.text)
        if m is None or tok.i in resolved.by_token:
            continue
        known = gaz.lookup(m.group(1))
        if known is not None and known.type in ("Country", "Alliance"):
            resolved.add(doc[tok.i:tok.i + 1], known.key, known.label, known.type,
                         known.wikidata)
            resolved.entities[known.key].aliases.discard(tok.text)
            resolved.entities[known.key].aliases.add(m.group(1))


def _acronyms(resolved: Resolved, doc: Doc) -> None:
    """"the National Liberation Army (ELN)": the acronym in brackets after a name is
    that organization wherever it recurs."""
    found: dict[str, str] = {}
    for _start, end, key in sorted(resolved.mentions):
        if resolved.type_of(key) not in ("Organization", "Alliance") or end + 2 >= len(doc):
            continue
        acr = doc[end + 1]
        if doc[end].text == "(" and doc[end + 2].text == ")" and acr.is_alpha and \
                acr.text.isupper() and 2 <= len(acr.text) <= 6 and acr.i not in resolved.by_token:
            found.setdefault(acr.text, key)
    for acronym, key in found.items():
        for tok in doc:
            if tok.text != acronym:
                continue
            old = resolved.by_token.get(tok.i)
            if old is None:
                resolved.add(doc[tok.i:tok.i + 1], key, resolved.entities[key].label,
                             resolved.entities[key].type)
            elif old != key and resolved.entities[old].label == acronym:  # the NER's own node
                resolved.entities[key].aliases |= resolved.entities.pop(old).aliases
                resolved.mentions = [(s, e, key if k == old else k)
                                     for s, e, k in resolved.mentions]
                resolved.by_token = {i: key if k == old else k
                                     for i, k in resolved.by_token.items()}


def _from_ner(resolved: Resolved, gaz: Gazetteer, ent: Span) -> None:
    type_ = _NER_TYPES.get(ent.label_)
    if type_ is None and ent.label_ in ("PRODUCT", "WORK_OF_ART") and ent.start > 0 and \
            _is_title(ent.doc[ent.start - 1]) and 2 <= len(ent) <= 4 and \
            all(t.is_alpha and t.text[:1].isupper() for t in ent):
        type_ = "Person"  # "Chief government delegate Otty Patino" tagged PRODUCT
    if type_ is None:
        return
    span = _clean_name(ent)
    if span is None or any(t.i in resolved.by_token for t in span):
        return  # already read from reference data or as a state organization
    if span.start > ent.start and _is_title(ent.doc[span.start - 1]) and type_ != "Person" \
            and len(span) >= 2 and all(t.text[:1].isupper() for t in span):
        type_ = "Person"  # "President Kassym-Jomart Tokayev" tagged ORG
    # "Kazakh President Kassym-Jomart Tokayev" tagged as one ORG: the name follows the title.
    titles = [t.i for t in span if t.lower_ in _TITLE_HEADS and t.i < span.end - 1]
    if titles and ent.label_ in ("ORG", "PERSON", "NORP", "GPE"):
        name = span.doc[titles[-1] + 1:span.end]
        if all(t.text[:1].isupper() or t.text in "-" for t in name) and len(name) >= 1:
            if ent.label_ != "PERSON" and len(name) < 2:
                return
            resolved.add(name, _person_key(name.text), name.text, "Person")
            return
    text = _surface(span)
    if not text or text.lower() in STOP_NAMES or not text[:1].isupper():
        return
    # A dateline: "GOYANG, South Korea –", "PRETORIA (Reuters) -" at the top of the text.
    if text.isupper() and len(text) > 3 and span.start < 3 and span.end < len(span.doc) \
            and span.doc[span.end].text[:1] in (",", "(", "-", "–", "—"):
        label = text.title()
        known = gaz.lookup(label)
        if known is not None:
            _known(resolved, span, known)
        else:
            resolved.add(span, "place/" + slug(label), label, "Place")
        return
    known = gaz.lookup(text)
    if known is not None:
        _known(resolved, span, known)
        return
    last = text.split()[-1]
    if last in ORG_SUFFIXES and len(text.split()) > 1 or text in ORG_SUFFIXES:
        type_ = "Organization"  # "Unitary Platform" tagged PERSON, "Future Forum" GPE
    elif type_ == "Organization" and last in gaz.place_suffixes:
        type_ = "Place"
    if type_ == "Person":
        if text in gaz.cities and " " not in text:
            resolved.add(span, "place/" + slug(text), text, "Place")
        elif all(t.is_alpha or t.text in "-.'’" for t in span):
            resolved.add(span, _person_key(text), text, "Person")
        return
    if type_ == "Place" and ent.label_ == "FAC" and text not in gaz.cities:
        return
    resolved.add(span, f"{type_.lower()}/{slug(text)}", text, type_)


def _same_names(a: list[str], b: list[str]) -> bool:
    """Equal names, or one surname in two transliterations ("Yanukovych", "Yanukovich")."""
    if a == b:
        return True
    if len(a) != 1 or len(b) != 1 or min(len(a[0]), len(b[0])) < 6 or a[0][:3] != b[0][:3]:
        return False
    return SequenceMatcher(None, a[0].lower(), b[0].lower()).ratio() >= 0.85


def full_name_for(key: str, words: tuple[str, ...], fulls: list[tuple[str, tuple[str, ...]]],
                  salience: dict[str, int] | None = None) -> str | None:
    """The one full name that a shorter name stands for, or None if none or several.

    "Putin" ends "Vladimir Putin" (also under another transliteration); "Xi" begins
    "Xi Jinping" (family name first). "Kim" with both Duyeon Kim and Kim Jong Un around
    is the one the article names most often (`salience`: mentions per key), if one is
    named more often than the others; else it is left alone."""
    longer = [(k, w) for k, w in fulls if k != key and len(w) > len(words)]
    ends = {k for k, w in longer if _same_names(list(w[-len(words):]), list(words))}
    begins = {k for k, w in longer if w[:len(words)] == words} if len(words) == 1 else set()
    if len(ends) == 1 and not begins:
        return ends.pop()
    if not ends and len(begins) == 1:
        return begins.pop()
    if salience and len(ends | begins) > 1:
        ranked = sorted(ends | begins, key=lambda k: (-salience.get(k, 0), k))
        if salience.get(ranked[0], 0) > salience.get(ranked[1], 0):
            return ranked[0]
    return None


def _merge_person_names(resolved: Resolved) -> None:
    """"Putin" is Vladimir Putin once the full name is known in the article."""
    # "Kassym-Jomart Tokayev" tagged ORG once, "Tokayev" PERSON later: a person.
    singles = {d.label for d in resolved.entities.values()
               if d.type == "Person" and " " not in d.label}
    for d in list(resolved.entities.values()):
        words = d.label.split()
        if d.type in ("Organization", "Place") and d.key.startswith(("organization/", "place/")) \
                and len(words) > 1 and words[-1] in singles and words[-1] not in ORG_SUFFIXES \
                and all(w[:1].isupper() for w in words):
            _retype(resolved, d, "Person")
    persons = [d for d in resolved.entities.values() if d.type == "Person"
               or (" " not in d.label and not d.key.startswith(("country/", "alliance/")))]
    fulls = [(d.key, tuple(d.label.split())) for d in persons
             if " " in d.label and d.type == "Person"]
    salience = Counter(k for _, _, k in resolved.mentions)
    remap = {d.key: target for d in persons
             if (target := full_name_for(d.key, tuple(d.label.split()), fulls, salience))}
    if not remap:
        return
    for old, new in remap.items():
        resolved.entities[new].aliases |= resolved.entities.pop(old).aliases
    resolved.mentions = [(s, e, remap.get(k, k)) for s, e, k in resolved.mentions]
    resolved.by_token = {i: remap.get(k, k) for i, k in resolved.by_token.items()}


def _retype(resolved: Resolved, d: Draft, type_: str) -> None:
    new = f"{type_.lower()}/{d.key.split('/', 1)[1]}"
    resolved.entities.pop(d.key)
    target = resolved.entities.setdefault(new, Draft(new, d.label, type_, d.wikidata))
    target.aliases |= d.aliases
    resolved.mentions = [(s, e, new if k == d.key else k) for s, e, k in resolved.mentions]
    resolved.by_token = {i: new if k == d.key else k for i, k in resolved.by_token.items()}


def records(resolved: Resolved, doc: Doc, sentence_of: dict[int, int]) -> tuple[
        tuple[Entity, ...], tuple[Mention, ...]]:
    """Frozen entity and mention records, in a stable order."""
    mentioned = {k for _, _, k in resolved.mentions}
    entities = tuple(Entity(d.key, d.label, d.type, tuple(sorted(d.aliases)), d.wikidata)
                     for d in sorted(resolved.entities.values(), key=lambda d: d.key)
                     if d.key in mentioned)
    mentions = []
    seen = set()
    for start, end, key in sorted(resolved.mentions):
        span = doc[start:end]
        item = (span.start_char, span.end_char, key)
        if item in seen:
            continue
        seen.add(item)
        mentions.append(Mention(key, span.text, span.start_char, span.end_char,
                                sentence_of[start]))
    return entities, tuple(mentions)


def person_aliases(entities: list[Entity]) -> dict[str, str]:
    """Across a build: map short person keys to the one full name they stand for."""
    persons = {e.key: tuple(e.label.split()) for e in entities if e.type == "Person"}
    # Index the full names by the first word and by the start of the last one, the only
    # ones that full_name_for can match: a build of many articles has many persons.
    by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    by_last: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for key, words in sorted(persons.items()):
        if len(words) > 1:
            by_first[words[0]].append((key, words))
            by_last[words[-1][:3]].append((key, words))
    out = {}
    for key, words in persons.items():
        candidates = list(dict.fromkeys(by_last.get(words[-1][:3], []) +
                                        by_first.get(words[0], [])))
        if target := full_name_for(key, words, candidates):
            out[key] = target
    return out


def _party_adjectives(resolved: Resolved, gaz: Gazetteer, doc: Doc) -> None:
    """"Democratic and Republican lawmakers", "Labour MPs": the adjective names a party,
    when exactly one party it could name has its country mentioned in the article."""
    mentioned = {k for _s, _e, k in resolved.mentions}
    by_adjective: dict[str, list[dict]] = defaultdict(list)
    for party in _PARTIES["parties"]:
        for adjective in party["adjectives"]:
            by_adjective[adjective].append(party)
    for tok in doc:
        if tok.i in resolved.by_token or tok.text not in by_adjective:
            continue
        node = tok
        while node.dep_ == "conj" and node.head.i != node.i:
            node = node.head
        if node.dep_ not in ("amod", "compound") or (
                node.head.lemma_ not in PARTY_PERSON_NOUNS and
                node.head.text not in PARTY_PERSON_NOUNS):
            continue
        parties = [p for p in by_adjective[tok.text]
                   if "country/" + p["country"].lower() in mentioned]
        if len(parties) != 1:
            continue
        label = parties[0]["label"]
        resolved.add(doc[tok.i:tok.i + 1], "organization/" + slug(label), label,
                     "Organization")


def _described(resolved: Resolved, doc: Doc, words: frozenset[str]) -> set[str]:
    """Organizations the article presents with one of these words: "ELN rebels", "the
    rebel group ELN", "the ELN, the largest rebel group", "the opposition Unitary
    Platform"."""
    out = set()
    for start, end, key in resolved.mentions:
        if resolved.type_of(key) != "Organization" or key in resolved.state_orgs:
            continue
        root = doc[start:end].root
        near = list(root.children)
        if root.dep_ in ("compound", "nmod", "amod", "appos"):
            near += [root.head, *root.head.children]
        near += [g for c in near if c.dep_ == "appos" for g in c.children]
        if any(t.lower_ in words or t.lemma_.lower() in words
               for t in near if not start <= t.i < end):
            out.add(key)
    return out


def _description(tok: Token, resolved: Resolved) -> tuple[str, int | None] | None:
    """(what it denotes, how many) if the token heads a description that refers back:
    "the two countries", "both countries", "the alliance", "the guerrilla group"."""
    kind = DESCRIPTION_NOUNS.get(tok.lemma_.lower())
    if kind is None or tok.pos_ != "NOUN" or tok.i in resolved.by_token or \
            tok.dep_ == "compound":
        return None
    children = list(tok.children)
    if not any(c.dep_ in ("det", "predet") and c.lower_ in DESCRIPTION_DETS for c in children):
        return None
    if any(c.lower_ in NOT_ANAPHORIC for c in children):
        return None
    if any(c.dep_ in ("compound", "nmod", "poss", "appos", "amod") and
           (c.i in resolved.by_token or c.pos_ == "PROPN") for c in children):
        return None  # "the NATO alliance", "the ELN rebel group": named
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in children):
        return None  # "the group of ...", "the countries of the region"
    for c in children:
        if c.dep_ in ("compound", "amod") and c.lower_ in ARMED_WORDS and kind == "Organization":
            kind = "ArmedGroup"  # "the guerrilla group", "the armed group"
        if c.dep_ in ("compound", "amod") and c.lower_ in OPPOSITION_WORDS and \
                kind == "Organization":
            kind = "Opposition"
    count = next((NUMBER_WORDS[c.lower_] for c in children
                  if c.dep_ in ("nummod", "det", "predet") and c.lower_ in NUMBER_WORDS), None)
    if count is not None and tok.tag_ != "NNS":
        return None
    if kind == "Party" and tok.tag_ != "NNS":
        return None  # "the party": a political party, not a side
    return kind, count


def _descriptions(resolved: Resolved, doc: Doc) -> None:
    """Resolve descriptions to the entities named before them: "the two countries" (the
    countries named just before, when exactly two are in recent context, or the last two
    named together), "the alliance" (the alliance named last), "the country" (the one
    country of the last sentence that names one), "the rebels" (the organization the
    article presents as an armed group). Left unresolved when that is not clear."""
    armed = _described(resolved, doc, ARMED_WORDS)
    opposition = _described(resolved, doc, OPPOSITION_WORDS)
    # (position, keys as one group) of every reference so far, in text order
    named: list[tuple[int, tuple[str, ...], Token]] = []
    for start, end, key in sorted(resolved.mentions):
        named.append((start, (key,), doc[start:end].root))
    for tok in doc:
        found = _description(tok, resolved)
        if found is None:
            continue
        kind, count = found
        types = _DESCRIBED_TYPES[kind]
        here = resolved.sentence_of[tok.i]
        before = [(i, ks, t) for i, ks, t in named if i < tok.left_edge.i
                  and all(resolved.type_of(k) in types for k in ks)]
        keys: tuple[str, ...] = ()
        if kind == "Alliance":
            keys = before[-1][1][:1] if before else ()
        elif kind in ("ArmedGroup", "Opposition"):
            wanted = armed if kind == "ArmedGroup" else opposition
            fits = [ks[0] for _i, ks, _t in before if len(ks) == 1 and ks[0] in wanted]
            keys = tuple(fits[-1:])
        elif kind == "Organization":
            fits = [ks[0] for _i, ks, _t in before if len(ks) == 1 and ks[0] in armed]
            if not fits:
                earlier = sorted({resolved.sentence_of[i] for i, _ks, _t in before}
                                 - {here})[-2:]
                fits = [ks[0] for i, ks, _t in before if len(ks) == 1 and
                        ks[0] not in resolved.state_orgs and
                        resolved.sentence_of[i] in (here, *earlier)]
            keys = tuple(fits[-1:])
        elif tok.tag_ == "NNS" or count is not None:
            keys = _plural(resolved, before, here, count)
        else:
            keys = _singular(resolved, before, here)
        if keys:
            resolved.refs[tok.i] = keys
            named.append((tok.i, keys, tok))
            named.sort(key=lambda n: n[0])


def _group(resolved: Resolved, root: Token, keys: tuple[str, ...]) -> tuple[str, ...]:
    """The keys named together with a reference ("Sweden and Finland")."""
    if len(keys) > 1:
        return keys
    out = list(keys)
    for c in root.conjuncts:
        out.extend(k for k in resolved.keys_of(c) if k not in out)
    return tuple(out)


def _plural(resolved: Resolved, before: list[tuple[int, tuple[str, ...], Token]], here: int,
            count: int | None) -> tuple[str, ...]:
    # this sentence and the two before it that name anything (a bullet or a photo
    # caption between them is no distance)
    earlier = sorted({resolved.sentence_of[i] for i, _ks, _t in before} - {here})[-2:]
    recent = [(i, ks, t) for i, ks, t in before
              if resolved.sentence_of[i] in (here, *earlier)]
    if not recent:
        return ()
    distinct = list(dict.fromkeys(k for _i, ks, _t in reversed(recent) for k in ks))
    if count is not None and len(distinct) == count:
        return tuple(distinct)
    for _i, ks, root in reversed(recent):  # the last ones named together
        types = {resolved.type_of(k) for k in ks}
        group = tuple(k for k in _group(resolved, root, ks) if resolved.type_of(k) in types)
        if len(group) >= 2 and (count is None or len(group) == count):
            return group
    return ()


def _singular(resolved: Resolved, before: list[tuple[int, tuple[str, ...], Token]],
              here: int) -> tuple[str, ...]:
    for n in range(here, here - 4, -1):
        in_sentence = [(i, ks, t) for i, ks, t in before if resolved.sentence_of[i] == n]
        if not in_sentence:
            continue
        distinct = list(dict.fromkeys(k for _i, ks, _t in in_sentence for k in ks))
        if len(distinct) == 1:
            return tuple(distinct)
        subjects = list(dict.fromkeys(
            k for _i, ks, t in in_sentence for k in ks
            if t.dep_ in ("nsubj", "nsubjpass") or t.dep_ == "poss" and
            t.head.dep_ in ("nsubj", "nsubjpass")))
        return tuple(subjects) if len(subjects) == 1 else ()
    return ()
