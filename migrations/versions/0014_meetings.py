"""drafts and meetings: working-draft versions, deleted drafts, clauses, meeting sheets

A draft's versions saved before posting are marked (the last one is the text posted); the
preamble of a draft is kept with its version; a draft never posted can be deleted (marked,
since the audit log names it). An opinion may name a clause of its article, the meeting it
was given at, and the sheet row it was typed from (unique while set, so a sheet sent again
stores nothing twice). The meeting record: kind, village, date, place, chair, attendance.

Revision ID: 0014_meetings
Revises: 0010
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consult.db

revision: str = '0014_meetings'
down_revision: str | None = '0015_ballots'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SET = sa.text('entry_key IS NOT NULL')


def upgrade() -> None:
    op.create_table(
        'meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('chair', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('attendance_people', sa.Integer(), nullable=True),
        sa.Column('attendance_households', sa.Integer(), nullable=True),
        sa.Column('minutes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('sheet_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('created_at', consult.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('sheet_key'),
    )
    op.create_index('ix_meeting_consultation_id', 'meeting', ['consultation_id'])
    with op.batch_alter_table('comment') as batch_op:
        batch_op.add_column(
            sa.Column(
                'clause',
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default='',
            )
        )
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('entry_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True)
        )
        batch_op.create_foreign_key('fk_comment_meeting_id', 'meeting', ['meeting_id'], ['id'])
    op.create_index(
        'ix_comment_entry_key',
        'comment',
        ['entry_key'],
        unique=True,
        sqlite_where=SET,
        postgresql_where=SET,
    )
    with op.batch_alter_table('draftversion') as batch_op:
        batch_op.add_column(
            sa.Column(
                'preamble', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''
            )
        )
        batch_op.add_column(
            sa.Column('pre_posting', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # The first version of every draft is the one that was posted (or is being prepared).
    op.execute("UPDATE draftversion SET pre_posting = (number = 1)")
    with op.batch_alter_table('consultation') as batch_op:
        batch_op.add_column(
            sa.Column('deleted_at', consult.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('consultation') as batch_op:
        batch_op.drop_column('deleted_at')
    with op.batch_alter_table('draftversion') as batch_op:
        batch_op.drop_column('pre_posting')
        batch_op.drop_column('preamble')
    op.drop_index('ix_comment_entry_key', table_name='comment')
    with op.batch_alter_table('comment') as batch_op:
        batch_op.drop_constraint('fk_comment_meeting_id', type_='foreignkey')
        batch_op.drop_column('entry_key')
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('clause')
    op.drop_index('ix_meeting_consultation_id', table_name='meeting')
    op.drop_table('meeting')
