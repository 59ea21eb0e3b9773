"""user: the position as written after «от» (position_from_kk, position_from_ru)

Revision ID: e14a0c5d7f31
Revises: abb1bcc6dbf2
Create Date: 2026-12-07 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e14a0c5d7f31'
down_revision = 'abb1bcc6dbf2'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: staff imported before keep printing their position as it is.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position_from_kk', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('position_from_ru', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('position_from_ru')
        batch_op.drop_column('position_from_kk')
