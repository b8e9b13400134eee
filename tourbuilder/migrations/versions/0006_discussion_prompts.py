"""stop discussion prompts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    # Existing stops have no prompts yet: an empty translation object.
    with op.batch_alter_table("stop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("discussion_prompts", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("stop", schema=None) as batch_op:
        batch_op.drop_column("discussion_prompts")
