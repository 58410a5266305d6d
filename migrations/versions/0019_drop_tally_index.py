"""opinions are counted from the kept summary: drop the covering tally index

``ix_comment_consultation_tally`` (consultation, article, village, channel, disposition,
people) let the counts at a glance and the report's tallies be read from the index alone.
Since ``0016_opinion_counts`` they read the summary ``opinion_count`` and only the opinions
above its mark, by the primary key, so nothing reads the index; yet every opinion received
wrote to it, the widest of the table's B-trees (on SQLite one more page into the WAL per
opinion).

Revision ID: 0019_drop_tally_index
Revises: 0018_drop_fingerprints
Create Date: 2026-12-04 19:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0019_drop_tally_index'
down_revision: str | None = '0018_drop_fingerprints'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TALLY = ['consultation_id', 'article_id', 'locality', 'channel', 'disposition', 'represents']


def upgrade() -> None:
    op.drop_index('ix_comment_consultation_tally', table_name='comment')


def downgrade() -> None:
    op.create_index('ix_comment_consultation_tally', 'comment', TALLY)
