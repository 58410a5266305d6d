"""notifications: the outbox of notices to staff and each user's choices

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 08:40:01.685336
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consult.db

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=True),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('created_at', consult.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('email_status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', consult.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('sent_at', consult.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('read_at', consult.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id']),
        sa.ForeignKeyConstraint(['user_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dedupe_key'),
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_notification_consultation_id'), ['consultation_id'], unique=False
        )
        batch_op.create_index(
            'ix_notification_outbox', ['email_status', 'next_attempt_at'], unique=False
        )
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table(
        'notificationpreference',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('email', sa.Boolean(), nullable=False),
        sa.Column('in_app', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'kind'),
    )


def downgrade() -> None:
    op.drop_table('notificationpreference')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')
        batch_op.drop_index('ix_notification_outbox')
        batch_op.drop_index(batch_op.f('ix_notification_consultation_id'))
    op.drop_table('notification')
