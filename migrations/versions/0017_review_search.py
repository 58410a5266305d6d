"""review at national scale: a trigram index for searching opinions (PostgreSQL)

The review table's search looks for every folded word of the query anywhere in
``comment.search_text`` (``LIKE '%word%'``), which no B-tree serves: on ten million opinions a
rare word meant reading them all. On PostgreSQL a GIN index of trigrams (``pg_trgm``) on
``search_text`` finds them; SQLite keeps scanning (its consultations are commune-sized).
The index by disposition gains the time received, so a page of the opinions of one status
(the oldest first, as the table shows them) is read in order instead of sorted.

Revision ID: 0017_review_search
Revises: 0016_opinion_counts
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017_review_search'
down_revision: str | None = '0016_opinion_counts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_comment_consultation_disposition', table_name='comment')
    op.create_index(
        'ix_comment_consultation_disposition',
        'comment',
        ['consultation_id', 'disposition', 'received_at'],
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # In `public`, whatever the search path (a schema per test, a schema per tenant): the
    # operator class is named with the schema the extension lives in, so the index is made in
    # any schema of the database.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    schema = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        )
        .scalar_one()
    )
    op.execute(
        "CREATE INDEX ix_comment_search_trgm ON comment "
        f'USING gin (search_text "{schema}".gin_trgm_ops)'
    )


def downgrade() -> None:
    op.drop_index('ix_comment_consultation_disposition', table_name='comment')
    op.create_index(
        'ix_comment_consultation_disposition', 'comment', ['consultation_id', 'disposition']
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_comment_search_trgm")
