"""the duplicate finder keeps no fingerprints: drop ``commentfingerprint``

The finder now counts the opinions per text in the database and fingerprints each different
text once, in memory, while it streams them (``services.campaigns``); writing a fingerprint
row per opinion was I/O-bound at national scale and nothing reads the table any more.

Revision ID: 0018_drop_fingerprints
Revises: 0017_review_search
Create Date: 2026-12-03 13:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018_drop_fingerprints'
down_revision: str | None = '0017_review_search'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('commentfingerprint', schema=None) as batch_op:
        batch_op.drop_index('ix_commentfingerprint_exact')
    op.drop_table('commentfingerprint')


def downgrade() -> None:
    op.create_table(
        'commentfingerprint',
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('exact_hash', sa.String(length=32), nullable=False),
        sa.Column('simhash', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id']),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id']),
        sa.PrimaryKeyConstraint('comment_id'),
    )
    with op.batch_alter_table('commentfingerprint', schema=None) as batch_op:
        batch_op.create_index(
            'ix_commentfingerprint_exact', ['consultation_id', 'exact_hash'], unique=False
        )
