import io
from datetime import timedelta

from tourbuilder.extensions import db
from tourbuilder.models import Role
from tourbuilder.models import UploadSession
from tourbuilder.models import utcnow
from tourbuilder.storage import get_storage


def test_clean_orphans_dry_run_then_for_real(app, runner, make):
    team = make.team()
    user = make.user(team, Role.EDITOR)
    with app.app_context():
        storage = get_storage()
        from tourbuilder.services.demo import draw_photo
        from tourbuilder.services.demo import store_demo_file

        item = store_demo_file(db.session.merge(team), draw_photo("x", (10, 20, 30), 1), "x.jpg")
        db.session.commit()
        kept = [item.original_key, *(e["key"] for e in item.derivatives.values())]
        storage.save("derived/999/640.webp", io.BytesIO(b"left behind"))
        storage.save("originals/ab/abcdef", io.BytesIO(b"no item"))
        live = UploadSession(
            id="a" * 32,
            team_id=team.id,
            user_id=user.id,
            length=10,
            expires_at=utcnow() + timedelta(hours=1),
        )
        expired = UploadSession(
            id="b" * 32,
            team_id=team.id,
            user_id=user.id,
            length=10,
            expires_at=utcnow() - timedelta(hours=1),
        )
        db.session.add_all([live, expired])
        db.session.commit()
        storage.save(live.partial_key, io.BytesIO(b"12345"))
        storage.save(expired.partial_key, io.BytesIO(b"12"))

    dry = runner.invoke(args=["clean-orphans", "--dry-run", "--grace", "0"])
    assert dry.exit_code == 0, dry.output
    assert "would remove derived/999/640.webp" in dry.output
    assert "would remove originals/ab/abcdef" in dry.output
    with app.app_context():
        assert storage.exists("derived/999/640.webp")  # a dry run removes nothing

    real = runner.invoke(args=["clean-orphans", "--grace", "0"])
    assert "Removed 1 expired unfinished upload(s)." in real.output
    assert "2 orphan file(s)" in real.output
    with app.app_context():
        assert not storage.exists("derived/999/640.webp")
        assert not storage.exists("originals/ab/abcdef")
        assert not storage.exists("uploads/" + "b" * 32 + ".part")
        assert storage.exists("uploads/" + "a" * 32 + ".part")
        assert all(storage.exists(key) for key in kept)


def test_recent_files_are_spared(app, runner):
    with app.app_context():
        get_storage().save("derived/5/x.webp", io.BytesIO(b"fresh"))
    result = runner.invoke(args=["clean-orphans"])
    assert "0 orphan file(s)" in result.output
