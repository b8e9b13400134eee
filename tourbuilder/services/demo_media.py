"""The demo's other media, made here so the demo tour shows every kind out of the box: a
short video with captions, a 360° panorama and a sound recording.

Nothing comes from outside: Pillow draws the pictures, ffmpeg (through ffmpeg-python) makes
the video from a drawn picture and synthesises the sound. The files then go through the
same storage and processing as uploads (``services/demo.py``).
"""

from __future__ import annotations

import io
import random
import tempfile
from pathlib import Path

import ffmpeg
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFilter

VIDEO_SECONDS = 5
SOUND_SECONDS = 8

# GPano metadata: what makes a 2:1 picture a 360° panorama for the pipeline and viewers.
GPANO_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:GPano="http://ns.google.com/photos/1.0/panorama/"
   GPano:ProjectionType="equirectangular" GPano:UsePanoramaViewer="True"
   GPano:FullPanoWidthPixels="{width}" GPano:FullPanoHeightPixels="{height}"
   GPano:CroppedAreaImageWidthPixels="{width}" GPano:CroppedAreaImageHeightPixels="{height}"
   GPano:CroppedAreaLeftPixels="0" GPano:CroppedAreaTopPixels="0"
   GPano:PoseHeadingDegrees="0" GPano:InitialViewHeadingDegrees="{heading}"
   GPano:InitialViewPitchDegrees="-5" GPano:InitialHorizontalFOVDegrees="90"/>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""

CAPTIONS = {
    "es": [
        "Las huertas del barrio, cultivadas por sus vecinas y vecinos.",
        "Cada parcela la cuida un grupo que decide en asamblea.",
    ],
    "en": [
        "The neighbourhood's gardens, grown by the people who live around them.",
        "Each plot is looked after by a group that decides together.",
    ],
}


def draw_panorama(colour: tuple[int, int, int], seed: int, size=(4096, 2048)) -> bytes:
    """An equirectangular 360° 'photo' of a square: sky, ground, buildings all around (the
    picture wraps at its edges), with GPano metadata."""
    rnd = random.Random(seed)
    width, height = size
    horizon = height // 2
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=(int(70 + 130 * t), int(130 + 90 * t), 230))
    for y in range(horizon, height):
        t = (y - horizon) / (height - horizon)
        shade = tuple(int(c * (0.75 - 0.35 * t)) for c in colour)
        draw.line([(0, y), (width, y)], fill=shade)
    x = 0
    while x < width:  # buildings around the square, the last one wrapping to the first
        w = rnd.randint(160, 420)
        h = rnd.randint(160, 520)
        tint = tuple(min(255, int(c * rnd.uniform(0.85, 1.3))) for c in (214, 170, 120))
        for start in (x, x - width):
            draw.rectangle([start, horizon - h, start + w, horizon], fill=tint)
            for wy in range(horizon - h + 30, horizon - 50, 70):
                for wx in range(start + 20, start + w - 30, 56):
                    draw.rectangle([wx, wy, wx + 22, wy + 36], fill=(90, 60, 40))
        x += w + rnd.randint(20, 120)
    for _ in range(40):  # orange trees on the square
        tx, ty = rnd.randint(0, width), rnd.randint(horizon + 80, height - 200)
        r = rnd.randint(30, 60)
        draw.ellipse([tx - r, ty - r, tx + r, ty + r], fill=(46, 110, 50))
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    out = io.BytesIO()
    xmp = GPANO_XMP.format(width=width, height=height, heading=rnd.randint(0, 359))
    img.save(out, "JPEG", quality=85, xmp=xmp.encode())
    return out.getvalue()


def make_video(picture: bytes, seconds: int = VIDEO_SECONDS) -> bytes:
    """A short 720p H.264 clip slowly zooming into ``picture``, with a soft tone."""
    with tempfile.TemporaryDirectory(prefix="tb-demo-") as tmp:
        source = Path(tmp) / "still.jpg"
        source.write_bytes(picture)
        target = Path(tmp) / "clip.mp4"
        frames = seconds * 25
        video = ffmpeg.input(str(source), loop=1, framerate=25, t=seconds).filter(
            "zoompan", z="min(zoom+0.0012,1.15)", d=frames, s="1280x720", fps=25
        )
        tone = ffmpeg.input(f"sine=frequency=330:duration={seconds}", f="lavfi")
        (
            ffmpeg.output(
                video,
                tone,
                str(target),
                vcodec="libx264",
                pix_fmt="yuv420p",
                preset="veryfast",
                acodec="aac",
                audio_bitrate="96k",
                t=seconds,
                movflags="+faststart",
            )
            .global_args("-nostdin", "-loglevel", "error")
            .run(overwrite_output=True)
        )
        return target.read_bytes()


def make_sound(seconds: int = SOUND_SECONDS) -> bytes:
    """A recording of a "market": soft pink noise and a few bell-like tones, as WAV."""
    with tempfile.TemporaryDirectory(prefix="tb-demo-") as tmp:
        target = Path(tmp) / "market.wav"
        noise = ffmpeg.input(f"anoisesrc=color=pink:amplitude=0.08:d={seconds}", f="lavfi")
        bells = [
            ffmpeg.input(f"sine=frequency={f}:duration={seconds}", f="lavfi").filter("volume", 0.05)
            for f in (392, 523)
        ]
        mixed = ffmpeg.filter([noise, *bells], "amix", inputs=3, duration="first")
        (
            ffmpeg.output(mixed, str(target), acodec="pcm_s16le", ar=44100, ac=1)
            .global_args("-nostdin", "-loglevel", "error")
            .run(overwrite_output=True)
        )
        return target.read_bytes()


def captions_vtt(lang: str) -> bytes:
    """WebVTT captions for the demo video in ``lang``."""
    lines = CAPTIONS[lang]
    step = VIDEO_SECONDS / len(lines)
    cues = [
        f"00:00:{i * step:06.3f} --> 00:00:{(i + 1) * step:06.3f}\n{text}"
        for i, text in enumerate(lines)
    ]
    return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()
