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
