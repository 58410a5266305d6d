"""documents: the day an organization's superior body ceased

A commune's district ended on 01/07/2025 (two-tier local government): documents dated from
then print no district line and send it no copy. Existing organizations whose superior is a
district get that day.

Revision ID: 0011_document_grounds
Revises: 0010
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_document_grounds'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DISTRICTS_ENDED = '2025-07-01'


def upgrade() -> None:
    with op.batch_alter_table('organization') as batch:
        batch.add_column(sa.Column('superior_until', sa.Date(), nullable=True))
    op.execute(
        "UPDATE organization SET superior_until = '" + DISTRICTS_ENDED + "' "
        "WHERE superior_name LIKE '%huyện%' OR superior_name LIKE '%HUYỆN%' "
        "OR superior_name LIKE '%Huyện%'"
    )


def downgrade() -> None:
    with op.batch_alter_table('organization') as batch:
        batch.drop_column('superior_until')
