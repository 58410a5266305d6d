"""users: a session version that ends every web session of the account when it moves on
(logout, password change, deactivation)

Revision ID: 0012_session_versions
Revises: 0010
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012_session_versions'
down_revision: str | None = '0011_document_grounds'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(
            sa.Column('session_version', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.drop_column('session_version')
