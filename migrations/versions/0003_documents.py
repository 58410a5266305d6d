"""documents: the kind of a procedure document, and signed copies (PDF with SHA-256)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consult.db

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'kind',
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default='',
            )
        )
    op.create_table(
        'signedcopy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('file_path', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('original_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('uploaded_at', consult.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['document.id']),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('signedcopy', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_signedcopy_document_id'), ['document_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('signedcopy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signedcopy_document_id'))
    op.drop_table('signedcopy')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('kind')
