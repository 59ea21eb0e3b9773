"""register search: folded group, discipline and person

Revision ID: abb1bcc6dbf2
Revises: d8d381fc3f2c
Create Date: 2026-12-08 10:00:00.000000

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'abb1bcc6dbf2'
down_revision = 'd8d381fc3f2c'
branch_labels = None
depends_on = None

COLUMNS = (("group_code", "group_folded", 64), ("discipline", "discipline_folded", 500),
           ("person", "person_folded", 300))


def _folded(text, length):
    # As IssuedDocument keeps them (models.documents.search_folded), written out here so the
    # migration stays what it was when the code changes.
    return None if text is None else " ".join(unicodedata.normalize("NFC", text).casefold().split())[:length]


def upgrade():
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        for _, folded, length in COLUMNS:
            batch_op.add_column(sa.Column(folded, sa.String(length=length), nullable=True))

    # Entries issued before: their folded copies from what they show.
    conn = op.get_bind()
    table = sa.table('issued_document', sa.column('id', sa.Integer),
                     *(sa.column(name, sa.String) for column in COLUMNS for name in column[:2]))
    rows = conn.execute(sa.select(table.c.id, *(table.c[source] for source, _, _ in COLUMNS))).all()
    for row in rows:
        values = {folded: _folded(row[i + 1], length) for i, (_, folded, length) in enumerate(COLUMNS)}
        conn.execute(table.update().where(table.c.id == row[0]).values(**values))


def downgrade():
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        for _, folded, _ in COLUMNS:
            batch_op.drop_column(folded)
