"""team settings: the theme list and the default map view

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 02:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    # Existing teams start with no themes and no default view; their sites keep the theme
    # words they have, shown as they are until an admin adds them to the list.
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("themes", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("map_lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("map_lon", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("map_zoom", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("map_zoom")
        batch_op.drop_column("map_lon")
        batch_op.drop_column("map_lat")
        batch_op.drop_column("themes")
