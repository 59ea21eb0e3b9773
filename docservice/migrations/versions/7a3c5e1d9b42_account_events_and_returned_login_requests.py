"""account events; a login request returned with a reason

Revision ID: 7a3c5e1d9b42
Revises: e14a0c5d7f31
Create Date: 2026-12-07 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3c5e1d9b42'
down_revision = 'e14a0c5d7f31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_account_event_actor_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_account_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_event'))
    )
    # A returned request has a reason and no login.
    with op.batch_alter_table('login_request_handled', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejected_reason', sa.Text(), nullable=True))
        batch_op.alter_column('login', existing_type=sa.String(length=64), nullable=True)


def downgrade():
    with op.batch_alter_table('login_request_handled', schema=None) as batch_op:
        batch_op.alter_column('login', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('rejected_reason')
    op.drop_table('account_event')
