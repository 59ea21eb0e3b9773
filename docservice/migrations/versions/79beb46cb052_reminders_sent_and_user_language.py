"""reminders sent and user language

The daily ``reminders send`` records what it e-mailed (one item to one user once a day),
and writes to each user in the language they last chose on the web (kk until they choose).

Revision ID: 79beb46cb052
Revises: 91adf6027797
Create Date: 2026-12-07 03:16:20.035135

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '79beb46cb052'
down_revision = '91adf6027797'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminders_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reminders_sent_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
    sa.UniqueConstraint('user_id', 'item_key', 'day', name=op.f('uq_reminders_sent_user_id_item_key_day'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        # Existing accounts get Kazakh, the interface's default language.
        batch_op.add_column(sa.Column('language', sa.String(length=2), server_default='kk', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')

    op.drop_table('reminders_sent')
