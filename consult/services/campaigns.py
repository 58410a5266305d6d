"""Duplicates and campaigns: identical and near-identical opinions found and grouped for the
reviewer (a citizen's accidental resend is :mod:`consult.services.resubmissions`).

An opinion's fingerprint is the hash of its folded text (diacritics, case, punctuation and
spacing removed: copies that differ only there are *identical*) and a 64-bit simhash of its
word pairs. Texts whose simhashes agree on one of four 16-bit bands are compared by the
Jaccard similarity of their word pairs; at :data:`NEAR` or above they are *near-identical*.
Grouping is the reviewer's decision: the finder proposes, :func:`mark` records.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from consult.actor import Actor
from consult.errors import Invalid
from consult.i18n import _
from consult.ledger import audit
from consult.models import Comment, CommentFingerprint
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


def shingles(text: str) -> set[str]:
    words = normalized(text).split()
    if len(words) < 2:
        return set(words)
    return {f"{a} {b}" for a, b in itertools.pairwise(words)}


def _h64(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")


def simhash(features: set[str]) -> int:
    weights = [0] * 64
    for feature in features:
        h = _h64(feature)
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return value - (1 << 64) if value >= 1 << 63 else value  # signed, for BIGINT


def exact_hash(text: str) -> str:
    return hashlib.sha256(normalized(text).encode()).hexdigest()[:32]


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def refresh(session: Session, consultation_id: int) -> int:
    """Fingerprint the opinions that have none yet; returns how many were added."""
    known = select(CommentFingerprint.comment_id).where(
        CommentFingerprint.consultation_id == consultation_id
    )
    query = select(Comment.id, Comment.body).where(
        Comment.consultation_id == consultation_id, col(Comment.id).not_in(known)
    )
    rows = [
        {
            "comment_id": cid,
            "consultation_id": consultation_id,
            "exact_hash": exact_hash(body),
            "simhash": simhash(shingles(body)),
        }
        for cid, body in session.exec(query)
    ]
    if rows:
        session.execute(insert(CommentFingerprint), rows)
    return len(rows)


@dataclass
class Cluster:
    """Opinions the finder proposes as one group."""

    key: str
    kind: str
    """``identical`` (every text the same once folded) or ``near`` (some only similar)."""
    comment_ids: list[int] = field(default_factory=list)
    people: int = 0
    sample: str = ""
    variants: int = 1
    """How many different texts (after folding) the group holds."""
    groups: set[str] = field(default_factory=set)
    """The group keys already given to its members (empty string: none)."""
    answered: int = 0

    @property
    def count(self) -> int:
        return len(self.comment_ids)

    @property
    def marked(self) -> bool:
        return self.groups == {self.key}


def clusters(session: Session, consultation_id: int) -> list[Cluster]:
    """Groups of two or more identical or near-identical opinions, largest first."""
    refresh(session, consultation_id)
    query = (
        select(  # type: ignore[call-overload]
            col(Comment.id),
            col(Comment.represents),
            col(Comment.group_key),
            col(Comment.disposition),
            col(CommentFingerprint.exact_hash),
            col(CommentFingerprint.simhash),
        )
        .join(CommentFingerprint, col(CommentFingerprint.comment_id) == col(Comment.id))
        .where(Comment.consultation_id == consultation_id)
        .order_by(col(Comment.id))
    )
    members: dict[str, list[tuple[int, int, str, str | None]]] = defaultdict(list)
    sims: dict[str, int] = {}
    for cid, represents, group_key, disposition, ehash, shash in session.exec(query):
        members[ehash].append((cid, represents, group_key, disposition))
        sims[ehash] = shash
    parent = {h: h for h in members}

    def find(h: str) -> str:
        while parent[h] != h:
            parent[h] = parent[parent[h]]
            h = parent[h]
        return h

    near = _near_pairs(session, consultation_id, members, sims)
    for a, b in near:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    by_root: dict[str, list[str]] = defaultdict(list)
    for h in members:
        by_root[find(h)].append(h)
    result: list[Cluster] = []
    for root, hashes in by_root.items():
        rows = sorted(r for h in hashes for r in members[h])
        if len(rows) < 2:
            continue
        cluster = Cluster(
            key=f"G-{root[:10]}",
            kind="identical" if len(hashes) == 1 else "near",
            comment_ids=[r[0] for r in rows],
            people=sum(r[1] for r in rows),
            variants=len(hashes),
            groups={r[2] for r in rows},
            answered=sum(1 for r in rows if r[3]),
        )
        result.append(cluster)
    samples = _bodies(session, [c.comment_ids[0] for c in result])
    for cluster in result:
        cluster.sample = samples.get(cluster.comment_ids[0], "")
    result.sort(key=lambda c: (-c.count, c.comment_ids[0]))
    return result


def _bodies(session: Session, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(col(Comment.id), col(Comment.body)).where(col(Comment.id).in_(chunk))
        out.update((int(i or 0), b) for i, b in session.exec(query))
    return out


def _near_pairs(
    session: Session,
    consultation_id: int,
    members: dict[str, list[tuple[int, int, str, str | None]]],
    sims: dict[str, int],
) -> list[tuple[str, str]]:
    """Pairs of distinct texts that are near-identical. Candidates share a simhash band or
    at least two uncommon word pairs; each candidate is then checked by Jaccard similarity."""
    buckets: dict[tuple[int, int], list[str]] = defaultdict(list)
    for h, value in sims.items():
        unsigned = value & ((1 << 64) - 1)
        for band in range(_BANDS):
            buckets[(band, unsigned >> (16 * band) & 0xFFFF)].append(h)
    candidates = {
        (a, b) if a < b else (b, a)
        for bucket in buckets.values()
        if 1 < len(bucket) <= _COMMON
        for i, a in enumerate(bucket)
        for b in bucket[i + 1 :]
    }
    bodies = _bodies(session, [rows[0][0] for rows in members.values()])
    features = {h: shingles(bodies.get(rows[0][0], "")) for h, rows in members.items()}
    postings: dict[str, list[str]] = defaultdict(list)
    for h, feats in features.items():
        for feature in feats:
            postings[feature].append(h)
    shared: Counter[tuple[str, str]] = Counter()
    for holders in postings.values():
        if 1 < len(holders) <= _COMMON:
            for i, a in enumerate(holders):
                for b in holders[i + 1 :]:
                    shared[(a, b) if a < b else (b, a)] += 1
    candidates.update(pair for pair, n in shared.items() if n >= 2)
    return [(a, b) for a, b in candidates if jaccard(features[a], features[b]) >= NEAR]


def mark(
    session: Session,
    engine: Engine,
    consultation_id: int,
    comment_ids: list[int],
    key: str,
    actor: Actor,
    now: datetime,
) -> int:
    """Record ``comment_ids`` as one group ``key`` (empty: take them out of their group)."""
    consultation = answers.claim(session, engine, consultation_id, actor, "group")
    key = key.strip()
    if len(key) > 64:
        message = _("At most %(max)s characters.", max=64)
        raise Invalid(message, fields={"group": message})
    if not comment_ids:
        raise Invalid(_("Choose at least one opinion."))
    changed = session.execute(  # type: ignore[attr-defined]
        update(Comment)
        .where(
            col(Comment.consultation_id) == consultation_id,
            col(Comment.id).in_(comment_ids),
        )
        .values(group_key=key)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    audit.record(
        session,
        now=now,
        actor=actor,
        action="group_opinions",
        organization_id=consultation.organization_id,
        consultation_id=consultation_id,
        detail={"group": key, "comments": sorted(comment_ids)[:1000], "count": changed},
    )
    return int(changed or 0)
