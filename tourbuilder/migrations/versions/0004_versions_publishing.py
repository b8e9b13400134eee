"""versions (optimistic concurrency) and published versions of tours

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:50:00.000000

"""

from datetime import datetime
from datetime import UTC

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VERSIONED = ("tour", "stop", "site", "media_item")
TOUR_FIELDS = ("title", "summary", "theme", "languages", "cover_id")
STOP_FIELDS = ("site_id", "lat", "lon", "title", "narrative", "presenter_notes", "zoom", "layout")

tour = sa.table(
    "tour",
    sa.column("id", sa.Integer),
    sa.column("visibility", sa.String),
    sa.column("published_at", sa.DateTime),
    sa.column("title", sa.JSON),
    sa.column("summary", sa.JSON),
    sa.column("theme", sa.String),
    sa.column("languages", sa.JSON),
    sa.column("cover_id", sa.Integer),
)
stop = sa.table(
    "stop",
    sa.column("id", sa.Integer),
    sa.column("tour_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("site_id", sa.Integer),
    sa.column("lat", sa.Float),
    sa.column("lon", sa.Float),
    sa.column("title", sa.JSON),
    sa.column("narrative", sa.JSON),
    sa.column("presenter_notes", sa.JSON),
    sa.column("zoom", sa.Integer),
    sa.column("layout", sa.String),
)
stop_media = sa.table(
    "stop_media",
    sa.column("stop_id", sa.Integer),
    sa.column("media_id", sa.Integer),
    sa.column("position", sa.Integer),
)


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )
    publication = op.create_table(
        "tour_publication",
        sa.Column("tour_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tour_id"], ["tour.id"], name=op.f("fk_tour_publication_tour_id_tour"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["user.id"],
            name=op.f("fk_tour_publication_published_by_id_user"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("tour_id", name=op.f("pk_tour_publication")),
    )
    publish_existing_tours(publication)


def publish_existing_tours(publication) -> None:
    """Tours published before versions existed: their current rows become their published
    version (the same document services/publishing.py writes)."""
    conn = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for t in conn.execute(sa.select(tour).where(tour.c.visibility != "draft")).mappings():
        stops = []
        query = sa.select(stop).where(stop.c.tour_id == t["id"]).order_by(stop.c.position)
        for s in conn.execute(query).mappings():
            media = conn.execute(
                sa.select(stop_media.c.media_id)
                .where(stop_media.c.stop_id == s["id"])
                .order_by(stop_media.c.position)
            ).scalars()
            entry = {"id": s["id"], **{name: s[name] for name in STOP_FIELDS}}
            stops.append({**entry, "media_ids": list(media)})
        document = {"tour": {name: t[name] for name in TOUR_FIELDS}, "stops": stops}
        rows.append(
            {"tour_id": t["id"], "document": document, "published_at": t["published_at"] or now}
        )
    if rows:
        op.bulk_insert(publication, rows)


def downgrade():
    op.drop_table("tour_publication")
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
