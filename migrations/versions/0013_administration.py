"""administration: organizations in a tree (province → communes), the profile's address and
e-portal, and a posting place's village

Revision ID: 0013_administration
Revises: 0010
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0013_administration'
down_revision: str | None = '0012_session_versions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organization') as batch:
        batch.add_column(
            sa.Column(
                'kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                server_default='commune',
            )
        )
        batch.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                'address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False,
                server_default='',
            )
        )
        batch.add_column(
            sa.Column(
                'portal_url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False,
                server_default='',
            )
        )
        batch.create_index(batch.f('ix_organization_parent_id'), ['parent_id'], unique=False)
        batch.create_foreign_key(
            'fk_organization_parent_id', 'organization', ['parent_id'], ['id']
        )
    with op.batch_alter_table('postingplace') as batch:
        batch.add_column(sa.Column('locality_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            'fk_postingplace_locality_id', 'locality', ['locality_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('postingplace') as batch:
        batch.drop_constraint('fk_postingplace_locality_id', type_='foreignkey')
        batch.drop_column('locality_id')
    with op.batch_alter_table('organization') as batch:
        batch.drop_constraint('fk_organization_parent_id', type_='foreignkey')
        batch.drop_index(batch.f('ix_organization_parent_id'))
        batch.drop_column('portal_url')
        batch.drop_column('address')
        batch.drop_column('parent_id')
        batch.drop_column('kind')
