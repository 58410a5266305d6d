"""portal: de-duplication fingerprints of citizens' submissions and e-mail subscriptions to
the response

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consult.db

revision: str = '0005'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'intakefingerprint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('created_at', consult.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('intakefingerprint', schema=None) as batch_op:
        batch_op.create_index(
            'ix_intakefingerprint_key_created', ['key', 'created_at'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_intakefingerprint_comment_id'), ['comment_id'], unique=False
        )

    op.create_table(
        'receiptsubscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', consult.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('created_at', consult.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', consult.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('comment_id'),
    )
    with op.batch_alter_table('receiptsubscription', schema=None) as batch_op:
        batch_op.create_index(
            'ix_receiptsubscription_due', ['status', 'next_attempt_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('receiptsubscription', schema=None) as batch_op:
        batch_op.drop_index('ix_receiptsubscription_due')
    op.drop_table('receiptsubscription')
    with op.batch_alter_table('intakefingerprint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intakefingerprint_comment_id'))
        batch_op.drop_index('ix_intakefingerprint_key_created')
    op.drop_table('intakefingerprint')
