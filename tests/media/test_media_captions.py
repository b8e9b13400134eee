"""WebVTT captions are checked and cleaned; anything else is refused."""

import pytest

from tourbuilder.media import MediaError
from tourbuilder.media import MediaSettings
from tourbuilder.media.captions import sanitize_captions


def test_webvtt_is_cleaned(tmp_path):
    path = tmp_path / "c.vtt"
    path.write_bytes(
        b"\xef\xbb\xbfWEBVTT\r\n\r\nSTYLE\r\n::cue { background: url(http://evil) }\r\n\r\n"
        b"00:00.000 --> 00:02.000\r\n<v Guide>Welcome <b>here</b><script>x()</script>"
        b'<img src=x onerror="y()">\x07\r\n'
    )
    text = sanitize_captions(path)
    assert text.startswith("WEBVTT\n\n00:00.000 --> 00:02.000\n")
    assert "<v Guide>Welcome <b>here</b>x()" in text
    for bad in ("STYLE", "evil", "<script", "<img", "\x07", "\r"):
        assert bad not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"1\n00:00:00,000 --> 00:00:01,000\nhello\n", "must start with the line WEBVTT"),
        (b"WEBVTTX\n", "must start with the line WEBVTT"),
        (b"WEBVTT\n\n\xff\xfe bad", "UTF-8"),
    ],
    ids=["srt", "bad-header", "latin1"],
)
def test_not_webvtt_is_refused(tmp_path, content, message):
    path = tmp_path / "c.vtt"
    path.write_bytes(content)
    with pytest.raises(MediaError, match=message):
        sanitize_captions(path)


def test_size_limit(tmp_path):
    path = tmp_path / "c.vtt"
    path.write_text("WEBVTT\n\n" + "x" * 3000)
    with pytest.raises(MediaError, match="largest accepted is 1 KB"):
        sanitize_captions(path, MediaSettings(max_caption_bytes=1024))
