"""opinion counts: a summary per consultation and dimension, and how far it has counted

The public page, the lists and the reviewer's counts at a glance read the opinions per
article, village, channel and disposition from ``opinion_count`` plus a live count of the
opinions newer than ``opinion_count_mark.counted_to``, instead of a ``GROUP BY`` over every
opinion on every view. The scheduler's pass folds the newer opinions in
(``consult.services.counts.refresh``); it starts at 0, so the first pass counts what exists.

Revision ID: 0016_opinion_counts
Revises: 0014_meetings
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0016_opinion_counts'
down_revision: str | None = '0014_meetings'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'opinion_count',
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('dimension', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('opinions', sa.Integer(), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('open', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id']),
        sa.PrimaryKeyConstraint('consultation_id', 'dimension', 'key'),
    )
    mark = op.create_table(
        'opinion_count_mark',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('counted_to', sa.Integer(), nullable=False),
        sa.Column('pending_to', sa.Integer(), nullable=True),
        sa.Column('waiting_for', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(mark, [{'id': 1, 'counted_to': 0}])


def downgrade() -> None:
    op.drop_table('opinion_count_mark')
    op.drop_table('opinion_count')
