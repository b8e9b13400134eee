"""Storing uploads: content-addressed originals, per-team dedupe, names as text only."""

from __future__ import annotations

import hashlib
import io

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import MediaItem
from tourbuilder.models import Team
from tourbuilder.services import commit
from tourbuilder.services import library
from tourbuilder.storage import get_storage


class CountingStream(io.BytesIO):
    """Records the largest read, to prove the upload is read in chunks."""

    largest = 0

    def read(self, size=-1):
        self.largest = max(self.largest, size if size >= 0 else 10**12)
        return super().read(size)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("concat:a|b", "concat:a|b"),
        ("a\x00b.jpg", "ab.jpg"),
        ("C:\\photos\\x.jpg", "x.jpg"),
        ("..", "upload"),
        (None, "upload"),
    ],
)
def test_display_name(name, shown):
    assert library.display_name(name) == shown


def test_long_display_name_keeps_its_extension():
    name = library.display_name("a" * 300 + ".jpeg")
    assert len(name) == 255 and name.endswith(".jpeg")


def test_store_upload_streams_hashes_and_dedupes(app, make):
    team = make.team()
    other = make.team()
    data = b"\x89PNG" + bytes(range(256)) * 10_000
    sha = hashlib.sha256(data).hexdigest()
    with app.app_context():
        team = db.session.get(Team, team.id)
        stream = CountingStream(data)
        item, created = library.store_upload(team, stream, "../x.png", None, "image/png")
        assert created and stream.largest <= library.CHUNK
        assert item.original_key == f"originals/{sha[:2]}/{sha}" and item.original_name == "x.png"
        assert get_storage().open(item.original_key).read() == data
        again, created = library.store_upload(team, io.BytesIO(data), "y.png", None)
        assert (again.id, created) == (item.id, False)
        theirs, created = library.store_upload(
            db.session.get(Team, other.id), io.BytesIO(data), "z.png", None
        )
        assert created and theirs.id != item.id
        commit()
        library.delete_media(theirs)
        commit()
        assert get_storage().exists(item.original_key)  # team A still uses it
        library.delete_media(db.session.get(MediaItem, item.id))
        assert get_storage().exists(item.original_key)  # until the deletion is committed
        commit()
        assert not get_storage().exists(item.original_key)


def test_empty_upload_is_refused(app, make):
    team = make.team()
    with app.app_context():
        with pytest.raises(library.UploadError):
            library.store_upload(db.session.get(Team, team.id), io.BytesIO(b""), "e.jpg", None)
        assert db.session.scalar(db.select(db.func.count(MediaItem.id))) == 0


@pytest.mark.parametrize(
    ("mime", "kind"), [("video/mp4", "video"), ("audio/ogg", "audio"), ("", "photo")]
)
def test_provisional_kind(mime, kind):
    assert library.provisional_kind(mime) == kind
