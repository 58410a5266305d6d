"""review roles: proposed dispositions, and articles kept unchanged with a reason

The definition says who proposes a disposition and who gives it (Law 10/2022 Art. 28: the
committee prepares under the Chairman's direction, the Front takes part): an opinion keeps the
proposal beside its disposition. An accepted opinion that names an article to change either
changes it in a revised draft, or says why the text stays (``unchanged_reason``), before the
decision is signed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consult.db

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'comment',
        sa.Column(
            'proposed_disposition', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True
        ),
    )
    op.add_column(
        'comment', sa.Column(
            'proposal_note', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''
        )
    )
    op.add_column(
        'comment',
        # No foreign key: SQLite could not drop the column again (users are never deleted).
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    )
    op.add_column(
        'comment', sa.Column('proposed_at', consult.db.UTCDateTime(timezone=True), nullable=True)
    )
    op.add_column(
        'commentchange',
        sa.Column(
            'unchanged_reason',
            sqlmodel.sql.sqltypes.AutoString(),
            nullable=False,
            server_default='',
        ),
    )


def downgrade() -> None:
    op.drop_column('commentchange', 'unchanged_reason')
    for column in ('proposed_at', 'proposed_by_id', 'proposal_note', 'proposed_disposition'):
        op.drop_column('comment', column)
