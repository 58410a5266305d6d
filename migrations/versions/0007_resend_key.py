"""intake: the resend key lives on the opinion itself; one redundant comment index less

The same opinion sent twice by the same client within minutes is stored once. Its key (a
keyed hash of client, consultation, article and text) was kept in a table of its own; it is
now a column of the opinion, unique while set (a partial unique index) and cleared once the
window has passed. Receiving an opinion is one INSERT instead of a lookup and two INSERTs.
The keys of the last minutes are not carried over: a resend in the minutes around the
upgrade may be stored twice.
``ix_comment_article_id`` goes: every query by article also names the consultation, which
``ix_comment_consultation_article`` (consultation, article, received) serves.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consult.db

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SET = sa.text('resend_key IS NOT NULL')


def upgrade() -> None:
    op.add_column(
        'comment',
        sa.Column('resend_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.create_index(
        'ix_comment_resend',
        'comment',
        ['resend_key'],
        unique=True,
        sqlite_where=SET,
        postgresql_where=SET,
    )
    op.drop_index('ix_comment_article_id', table_name='comment')
    op.drop_index('ix_intakefingerprint_comment_id', table_name='intakefingerprint')
    op.drop_index('ix_intakefingerprint_key_created', table_name='intakefingerprint')
    op.drop_table('intakefingerprint')


def downgrade() -> None:
    op.create_table(
        'intakefingerprint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('created_at', consult.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_intakefingerprint_key_created', 'intakefingerprint', ['key', 'created_at']
    )
    op.create_index('ix_intakefingerprint_comment_id', 'intakefingerprint', ['comment_id'])
    op.create_index('ix_comment_article_id', 'comment', ['article_id'])
    op.drop_index('ix_comment_resend', table_name='comment')
    with op.batch_alter_table('comment') as batch_op:
        batch_op.drop_column('resend_key')
