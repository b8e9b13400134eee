"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tourbuilder import create_app
from tourbuilder.database import upgrade
from tourbuilder.extensions import db


def empty_app(database_url, tmp_path):
    """The app on an empty database (no tables at all)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )


def test_upgrade_from_empty_matches_models(database_url, tmp_path):
    app = empty_app(database_url, tmp_path)
    with app.app_context():
        upgrade()
        assert "alembic_version" in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        upgrade()  # idempotent
        db.engine.dispose()


def test_check_passes_after_upgrade(database_url, tmp_path):
    app = empty_app(database_url, tmp_path)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "Everything tourbuilder needs is usable." in result.output
    with app.app_context():
        db.engine.dispose()


def test_tours_published_before_0004_get_their_published_version(database_url, tmp_path):
    """Migration 0004 makes the published version of every tour already published, from
    its rows, so the public keeps seeing it; drafts get none."""
    import json

    from flask_migrate import upgrade as alembic_upgrade
    from sqlalchemy import text

    from tourbuilder.database import MIGRATIONS_DIR

    app = empty_app(database_url, tmp_path)
    with app.app_context():
        alembic_upgrade(directory=MIGRATIONS_DIR, revision="0003")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO team (id, name, country, languages, created_at, updated_at) "
                    "VALUES (1, 'T', 'ES', '[\"es\"]', '2026-01-01', '2026-01-01')"
                )
            )
            for tour_id, visibility in ((1, "public"), (2, "draft")):
                conn.execute(
                    text(
                        "INSERT INTO tour (id, team_id, slug, title, summary, theme, languages, "
                        "visibility, created_at, updated_at) VALUES (:id, 1, :slug, "
                        "'{\"es\": \"Ruta\"}', '{}', 'default', '[\"es\"]', :v, "
                        "'2026-01-01', '2026-01-01')"
                    ),
                    {"id": tour_id, "slug": f"ruta-{tour_id}", "v": visibility},
                )
            conn.execute(text(
                "INSERT INTO stop (id, tour_id, position, lat, lon, title, narrative, "
                "presenter_notes, layout, created_at, updated_at) VALUES (7, 1, 0, 37.0, "
                "-6.0, '{\"es\": \"Plaza\"}', '{}', '{}', '', '2026-01-01', '2026-01-01')"
            ))  # fmt: skip
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT tour_id, document FROM tour_publication")).all()
            versions = conn.execute(text("SELECT version FROM tour")).scalars().all()
        db.engine.dispose()
    assert [row[0] for row in rows] == [1]
    document = rows[0][1] if isinstance(rows[0][1], dict) else json.loads(rows[0][1])
    assert document["tour"]["title"] == {"es": "Ruta"}
    assert [(s["id"], s["title"], s["media_ids"]) for s in document["stops"]] == [
        (7, {"es": "Plaza"}, [])
    ]
    assert versions == [1, 1]
