"""calendar: the holiday calendar of a year as an administrator enters it from the notice

One row per year, in the shape of config/holidays/YYYY.yaml; it replaces the file and the
computed (provisional) days of its year.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consult.db

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'holidayannouncement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('provisional', sa.Boolean(), nullable=False),
        sa.Column('days_off', sa.JSON(), nullable=False),
        sa.Column('working_days', sa.JSON(), nullable=False),
        sa.Column('provisional_periods', sa.JSON(), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('entered_at', consult.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['entered_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('year'),
    )


def downgrade() -> None:
    op.drop_table('holidayannouncement')
