"""Duplicates and campaigns: identical and near-identical opinions found and grouped for the
reviewer (a citizen's accidental resend is :mod:`consult.services.resubmissions`).

An opinion's fingerprint is the hash of its folded text (diacritics, case, punctuation and
spacing removed: copies that differ only there are *identical*) and a 64-bit simhash of its
word pairs. Texts whose simhashes agree on one of four 16-bit bands are compared by the
Jaccard similarity of their word pairs; at :data:`NEAR` or above they are *near-identical*.
Grouping is the reviewer's decision: the finder proposes, :func:`mark` records.

At national scale (ten million opinions, most of them a few agreements copied) the finder
never holds opinions: the database counts them per text as typed (``GROUP BY body``, read
from a server-side cursor), and only the different texts are folded, fingerprinted and
compared here; nothing is written. A group is named by one opinion of each of its texts, and
marking it is one ``UPDATE`` of the opinions with those texts.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, update
from sqlalchemy import select as select_core
from sqlmodel import Session, col, select

from consult.actor import Actor
from consult.errors import Invalid
from consult.i18n import _
from consult.ledger import audit
from consult.models import Comment
from consult.services import answers
from consult.text import fold
from consult.workflow.engine import Engine

NEAR = 0.6
"""Jaccard similarity of word pairs from which two texts count as near-identical."""
_WORDS = re.compile(r"\w+")
_BANDS = 4
_COMMON = 200
"""A word pair or band value shared by more texts than this says nothing about them."""


def normalized(text: str) -> str:
    return " ".join(_WORDS.findall(fold(text)))


def _word_pairs(words: str) -> set[str]:
    split = words.split()
    if len(split) < 2:
        return set(split)
    return {f"{a} {b}" for a, b in itertools.pairwise(split)}


def _h64(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")


def simhash(features: set[str]) -> int:
    """The 64-bit simhash of ``features``: bit ``b`` is set when more features have it set
    than not. Counted a column at a time over the features' bit strings (most significant
    first): the same number as weighing every bit of every feature, in far fewer steps."""
    half = len(features)
    value = 0
    for column in zip(*(format(_h64(f), "064b") for f in features), strict=True):
        value = value << 1 | (2 * column.count("1") > half)
    return value - (1 << 64) if value >= 1 << 63 else value  # signed, as stored before


def _digest(words: str) -> str:
    return hashlib.sha256(words.encode()).hexdigest()[:32]


BATCH = 5000
"""Texts read from the database at a time."""
LISTED = 200
"""Groups shown on the duplicates page, largest first."""
SHOWN = 1000
"""The opinions of a group listed by id in the audit log (the group itself is named by its
texts)."""


@dataclass
class Cluster:
    """Opinions the finder proposes as one group: every opinion whose text is one of the
    texts of the opinions ``variants``."""

    key: str
    kind: str
    """``identical`` (every text the same once folded) or ``near`` (some only similar)."""
    first: int = 0
    """Its oldest opinion."""
    count: int = 0
    people: int = 0
    sample: str = ""
    """The text of its oldest opinion."""
    variants: list[int] = field(default_factory=list)
    """One opinion for each different text (as typed) the group holds, the oldest of each."""
    texts: int = 1
    """How many different texts (after folding) the group holds."""
    groups: set[str] = field(default_factory=set)
    """The group keys already given to its members (empty string: none); when they differ,
    the first and the last in alphabetical order of each text."""
    answered: int = 0

    @property
    def marked(self) -> bool:
        return self.groups == {self.key}


@dataclass(slots=True)
class _Text:
    """One folded text of the consultation and what its opinions add up to."""

    exact: str
    simhash: int
    features: tuple[str, ...]
    """Its word pairs (interned: each pair is kept once)."""
    count: int = 0
    people: int = 0
    answered: int = 0
    groups: set[str] = field(default_factory=set)
    variants: list[int] = field(default_factory=list)
    """The oldest opinion of each text as typed that folds to it."""


def _texts(session: Session, consultation_id: int) -> list[_Text]:
    """Every folded text once, with what its opinions add up to. The database counts the
    opinions per text as typed (one ``GROUP BY`` over the opinions, streamed from a
    server-side cursor); each of those texts is folded and fingerprinted once here."""
    comment = Comment.__table__  # type: ignore[attr-defined]
    query = (
        select_core(
            comment.c.body,
            func.count(),
            func.sum(comment.c.represents),
            func.count(comment.c.disposition),
            func.min(comment.c.id),
            func.min(comment.c.group_key),
            func.max(comment.c.group_key),
        )
        .where(comment.c.consultation_id == consultation_id)
        .group_by(comment.c.body)
    )
    found: dict[str, _Text] = {}
    rows = session.connection().execute(query, execution_options={"yield_per": BATCH})
    for body, count, people, answered, first, low, high in rows:
        words = normalized(body)
        exact = _digest(words)
        item = found.get(exact)
        if item is None:
            pairs = _word_pairs(words)
            features = tuple(sys.intern(s) for s in pairs)
            item = found[exact] = _Text(exact, simhash(pairs), features)
        item.count += count
        item.people += people
        item.answered += answered
        item.groups.update((low, high))
        item.variants.append(first)
    return list(found.values())


def clusters(session: Session, consultation_id: int, limit: int | None = None) -> list[Cluster]:
    """Groups of two or more identical or near-identical opinions, largest first (the
    ``limit`` largest when given). Opinions are never held in memory, only the consultation's
    different texts: a campaign of a million copies costs what one opinion does."""
    texts = _texts(session, consultation_id)
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in _candidates(texts):  # a pair already joined through others is not compared
        ra, rb = find(a), find(b)
        if ra != rb and _similar(texts[a].features, texts[b].features):
            parent[max(ra, rb)] = min(ra, rb)
    by_root: dict[int, list[int]] = defaultdict(list)
    for i in range(len(texts)):
        by_root[find(i)].append(i)
    result: list[Cluster] = []
    for members in by_root.values():
        rows = [texts[i] for i in members]
        count = sum(t.count for t in rows)
        if count < 2:
            continue
        variants = sorted(v for t in rows for v in t.variants)
        result.append(
            Cluster(
                key=f"G-{min(t.exact for t in rows)[:10]}",
                kind="identical" if len(rows) == 1 else "near",
                first=variants[0],
                count=count,
                people=sum(t.people for t in rows),
                variants=variants,
                texts=len(rows),
                groups={g for t in rows for g in t.groups},
                answered=sum(t.answered for t in rows),
            )
        )
    result.sort(key=lambda c: (-c.count, c.first))
    if limit is not None:
        del result[limit:]
    samples = _bodies(session, [c.first for c in result])
    for cluster in result:
        cluster.sample = samples.get(cluster.first, "")
    return result


def _same_texts(consultation_id: int, variants: list[int]) -> Any:
    """The opinions of a consultation with the text of one of the opinions ``variants``."""
    texts = select(col(Comment.body)).where(
        Comment.consultation_id == consultation_id, col(Comment.id).in_(variants)
    )
    return and_(col(Comment.consultation_id) == consultation_id, col(Comment.body).in_(texts))


def members_of(
    session: Session, consultation_id: int, variants: list[int], limit: int | None = None
) -> list[int]:
    """The opinions of the group of texts ``variants`` (a :class:`Cluster`'s), oldest first."""
    query = (
        select(col(Comment.id))
        .where(_same_texts(consultation_id, variants))
        .order_by(col(Comment.id))
        .limit(limit)
    )
    return [int(i or 0) for i in session.exec(query)]


def _bodies(session: Session, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(col(Comment.id), col(Comment.body)).where(col(Comment.id).in_(chunk))
        out.update((int(i or 0), b) for i, b in session.exec(query))
    return out


def _candidates(texts: list[_Text]) -> Iterator[tuple[int, int]]:
    """Pairs of distinct texts that may be near-identical: they share a simhash band or at
    least two uncommon word pairs (each then checked by Jaccard similarity, :func:`_similar`).
    A band value or word pair held by more than :data:`_COMMON` texts is dropped as soon as it
    is; candidates are gathered one text at a time, so what is kept is the index of the texts,
    never the pairs."""
    bands: list[dict[int, list[int] | None]] = [{} for _band in range(_BANDS)]
    postings: dict[str, list[int] | None] = {}
    for i, item in enumerate(texts):
        for index, value in zip(bands, _band_values(item.simhash), strict=True):
            _hold(index, value, i)
        for feature in item.features:
            _hold(postings, feature, i)
    for a, item in enumerate(texts):
        found: set[int] = set()
        for index, value in zip(bands, _band_values(item.simhash), strict=True):
            found.update(b for b in index.get(value) or () if b > a)
        shared = Counter(b for f in item.features for b in postings.get(f) or () if b > a)
        found.update(b for b, n in shared.items() if n >= 2)
        for b in sorted(found):
            yield a, b


def _similar(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """Jaccard similarity of two sets of word pairs at :data:`NEAR` or above."""
    common = len(set(mine).intersection(theirs))
    union = len(mine) + len(theirs) - common
    return not union or common / union >= NEAR


def _band_values(value: int) -> list[int]:
    unsigned = value & ((1 << 64) - 1)
    return [unsigned >> (16 * band) & 0xFFFF for band in range(_BANDS)]


def _hold(index: dict[Any, list[int] | None], key: Any, i: int) -> None:
    holders = index.get(key, [])
    if holders is None:
        return
    if len(holders) >= _COMMON:
        index[key] = None
        return
    holders.append(i)
    index[key] = holders


def mark(
    session: Session,
    engine: Engine,
    consultation_id: int,
    comment_ids: list[int],
    key: str,
    actor: Actor,
    now: datetime,
    *,
    variants: list[int] | None = None,
) -> int:
    """Record ``comment_ids`` as one group ``key`` (empty: take them out of their group); with
    ``variants`` (a :class:`Cluster`'s), every opinion with the text of one of them, in one
    ``UPDATE`` however many there are."""
    consultation = answers.claim(session, engine, consultation_id, actor, "group")
    key = key.strip()
    if len(key) > 64:
        message = _("At most %(max)s characters.", max=64)
        raise Invalid(message, fields={"group": message})
    if not comment_ids and not variants:
        raise Invalid(_("Choose at least one opinion."))
    chosen = col(Comment.id).in_(comment_ids)
    if variants:
        chosen = _same_texts(consultation_id, variants)
        comment_ids = members_of(session, consultation_id, variants, SHOWN)
    changed = session.execute(  # type: ignore[attr-defined]
        update(Comment)
        .where(col(Comment.consultation_id) == consultation_id, chosen)
        .values(group_key=key)
        .execution_options(synchronize_session=False if variants else "fetch")
    ).rowcount
    audit.record(
        session,
        now=now,
        actor=actor,
        action="group_opinions",
        organization_id=consultation.organization_id,
        consultation_id=consultation_id,
        detail={"group": key, "comments": sorted(comment_ids)[:SHOWN], "count": changed},
    )
    return int(changed or 0)
