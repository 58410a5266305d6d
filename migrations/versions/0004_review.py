"""review workbench: opinion-to-article links, scans, duplicate fingerprints, synthesis report

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consult.db

revision: str = '0004'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'commentchange',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id']),
        sa.ForeignKeyConstraint(['article_id'], ['article.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('comment_id', 'article_id'),
    )
    with op.batch_alter_table('commentchange', schema=None) as batch_op:
        batch_op.create_index('ix_commentchange_comment_id', ['comment_id'], unique=False)
        batch_op.create_index('ix_commentchange_article_id', ['article_id'], unique=False)

    op.create_table(
        'commentscan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('stored_name', S(length=120), nullable=False),
        sa.Column('original_name', S(length=200), nullable=False),
        sa.Column('media_type', S(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', consult.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id']),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('commentscan', schema=None) as batch_op:
        batch_op.create_index('ix_commentscan_comment_id', ['comment_id'], unique=False)

    op.create_table(
        'commentfingerprint',
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('exact_hash', S(length=32), nullable=False),
        sa.Column('simhash', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id']),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id']),
        sa.PrimaryKeyConstraint('comment_id'),
    )
    with op.batch_alter_table('commentfingerprint', schema=None) as batch_op:
        batch_op.create_index(
            'ix_commentfingerprint_exact', ['consultation_id', 'exact_hash'], unique=False
        )

    op.create_table(
        'synthesisreport',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('status', S(length=20), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=True),
        sa.Column('digest', S(length=64), nullable=False),
        sa.Column('generated_at', consult.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('generated_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', consult.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('posting_ends_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id']),
        sa.ForeignKeyConstraint(['generated_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['document_id'], ['document.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('consultation_id'),
    )

    # The review table filters one consultation by article, village, status or group.
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(
            'ix_comment_consultation_article', ['consultation_id', 'article_id', 'received_at']
        )
        batch_op.create_index(
            'ix_comment_consultation_locality', ['consultation_id', 'locality', 'received_at']
        )
        batch_op.create_index(
            'ix_comment_consultation_disposition', ['consultation_id', 'disposition']
        )
        batch_op.create_index('ix_comment_consultation_group', ['consultation_id', 'group_key'])
        # Covers the counts at a glance and the report's tallies (no table lookups).
        batch_op.create_index(
            'ix_comment_consultation_tally',
            ['consultation_id', 'article_id', 'locality', 'channel', 'disposition', 'represents'],
        )


def downgrade() -> None:
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_consultation_tally')
        batch_op.drop_index('ix_comment_consultation_group')
        batch_op.drop_index('ix_comment_consultation_disposition')
        batch_op.drop_index('ix_comment_consultation_locality')
        batch_op.drop_index('ix_comment_consultation_article')
    op.drop_table('synthesisreport')
    with op.batch_alter_table('commentfingerprint', schema=None) as batch_op:
        batch_op.drop_index('ix_commentfingerprint_exact')
    op.drop_table('commentfingerprint')
    with op.batch_alter_table('commentscan', schema=None) as batch_op:
        batch_op.drop_index('ix_commentscan_comment_id')
    op.drop_table('commentscan')
    with op.batch_alter_table('commentchange', schema=None) as batch_op:
        batch_op.drop_index('ix_commentchange_article_id')
        batch_op.drop_index('ix_commentchange_comment_id')
    op.drop_table('commentchange')
