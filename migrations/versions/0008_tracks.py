"""tracks: the synthesis report's lifecycle is a track of the workflow definition

A consultation keeps the state of each track of its definition (the synthesis report:
none → draft → approved → published) in ``consultation.tracks``, written by the engine's
compare-and-set with the stage; ``synthesisreport.status`` goes (its value moves into the
consultation's tracks).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRACK = 'synthesis_report'
consultation = sa.table('consultation', sa.column('id', sa.Integer), sa.column('tracks', sa.JSON))


def upgrade() -> None:
    op.add_column(
        'consultation', sa.Column('tracks', sa.JSON(), nullable=False, server_default='{}')
    )
    bind = op.get_bind()
    reports = bind.execute(sa.text('SELECT consultation_id, status FROM synthesisreport'))
    for consultation_id, status in list(reports):
        bind.execute(
            consultation.update()
            .where(consultation.c.id == consultation_id)
            .values(tracks={TRACK: status})
        )
    op.drop_column('synthesisreport', 'status')  # SQLite 3.35+ drops a column in place


def downgrade() -> None:
    op.add_column(
        'synthesisreport',
        sa.Column('status', sa.String(length=20), nullable=False, server_default='draft'),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(consultation.c.id, consultation.c.tracks))
    for consultation_id, tracks in list(rows):
        status = (tracks or {}).get(TRACK)
        if status and status != 'none':
            bind.execute(
                sa.text('UPDATE synthesisreport SET status = :s WHERE consultation_id = :c'),
                {'s': status, 'c': consultation_id},
            )
    op.drop_column('consultation', 'tracks')
