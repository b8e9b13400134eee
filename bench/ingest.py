"""Benchmark of the media ingest pipeline, each figure beside a baseline from the same run.

    .venv/bin/python bench/ingest.py            # full: 60 s 1080p clip (~5 min on 2 cores)
    .venv/bin/python bench/ingest.py --quick    # 15 s clip

Inputs are generated in a temporary folder: 12 MP JPEGs (noise over gradients,
so they compress like photos) and a phone-like 1080p H.264 clip in two
versions, web-friendly (remuxed) and high-bitrate (must be transcoded).
Photo variants each run in a fresh child process, so peak RSS (VmHWM) is
theirs alone. Not a test: it asserts nothing, it prints figures.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZES = (2048, 1280, 640, 320)


def load_media():
    """Import tourbuilder.media (which pulls in no Flask: create_app imports it lazily)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import tourbuilder.media as media

    return media


# --- inputs ----------------------------------------------------------------------


def make_photos(folder: Path, count: int) -> list[Path]:
    from PIL import Image

    paths = []
    for i in range(count):
        size = (4000, 3000)
        r = Image.linear_gradient("L").rotate(30 * i).resize(size)
        g = Image.radial_gradient("L").resize(size)
        b = Image.effect_noise(size, 30 + i).convert("L")
        base = Image.merge("RGB", (r, g, b))
        noisy = Image.blend(base, Image.effect_noise(size, 60).convert("RGB"), 0.25)
        path = folder / f"photo{i}.jpg"
        noisy.save(path, quality=92)
        paths.append(path)
    return paths


def make_clips(folder: Path, seconds: int) -> tuple[Path, Path]:
    """Two phone-like clips: H.264 High 6 Mb/s + AAC (web-friendly, remuxed) and HEVC +
    AAC (what iPhones record by default; must be transcoded).

    A 10 s piece is encoded once (one lavfi pass feeding both encoders) and
    looped with ``-c copy`` to the wanted length: x265 is slow, looping is free.
    """
    piece = min(seconds, 10)
    video = f"testsrc2=size=1920x1080:rate=30:duration={piece},noise=alls=6:allf=t"
    audio = ["-map", "1:a", "-c:a", "aac", "-b:a", "128k"]
    pieces = folder / "piece-h264.mp4", folder / "piece-hevc.mp4"
    _ffmpeg(
        "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", f"sine=duration={piece}",
        "-filter_complex", "[0:v]split=2[a][b]",
        "-map", "[a]", *audio, "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high",
        "-pix_fmt", "yuv420p", "-b:v", "6M", "-maxrate", "6M", "-bufsize", "12M",
        "-g", "60", str(pieces[0]),
        "-map", "[b]", *audio, "-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1",
        "-pix_fmt", "yuv420p", "-b:v", "8M", "-x265-params", "log-level=error:keyint=60",
        str(pieces[1]),
    )  # fmt: skip
    clips = folder / "phone-h264.mp4", folder / "phone-hevc.mp4"
    for src, dst in zip(pieces, clips, strict=True):
        loops = -(-seconds // piece) - 1
        _ffmpeg("-stream_loop", str(loops), "-i", str(src), "-t", str(seconds), "-c", "copy",
                str(dst))  # fmt: skip
    return clips


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


# --- photos (child processes) -----------------------------------------------------


def child(variant: str, paths: list[str], out: str) -> None:
    """Run one photo variant over ``paths``; print wall time and peak RSS as JSON."""
    media = load_media()  # both variants import the same modules before measuring
    from PIL import Image
    from PIL import ImageOps

    from tourbuilder.media.photos import process_photo

    start = time.perf_counter()
    cpu_start = _self_cpu()
    for n, path in enumerate(paths):
        folder = Path(out) / f"{variant}-{n}"
        folder.mkdir()
        if variant == "naive":
            with Image.open(path) as im:
                im = ImageOps.exif_transpose(im).convert("RGB")
                for size in SIZES:
                    ratio = size / max(im.size)
                    small = im.resize(
                        (round(im.width * ratio), round(im.height * ratio)), Image.LANCZOS
                    )
                    small.save(folder / f"{size}.webp")
                    small.save(folder / f"{size}.jpg")
        else:
            settings = media.MediaSettings()
            if variant == "pipeline-exact":
                settings = media.MediaSettings(jpeg_draft_slack=0)
            elif variant == "pipeline-webp-m1":
                settings = media.MediaSettings(webp_method=1)
            process_photo(Path(path), folder, settings)
    wall = (time.perf_counter() - start) / len(paths)
    cpu = (_self_cpu() - cpu_start) / len(paths)
    hwm = next(
        int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")
    )
    print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": hwm / 1024}))


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_child(variant: str, photos: list[Path], out: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", variant, str(out), *map(str, photos)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(result.stdout)


# --- video ------------------------------------------------------------------------


def timed(fn) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system of reaped children) of ``fn()``.

    CPU seconds barely move with the load other processes put on the machine;
    wall seconds do, so both are printed.
    """

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    start, cpu_start = time.perf_counter(), cpu()
    fn()
    return time.perf_counter() - start, cpu() - cpu_start


def bench_video(clip: Path, renditions_sizes, out: Path, repeat: int) -> dict:
    """Pipeline transcode vs the very same ffmpeg argv run by hand; one decode vs two."""
    media = load_media()
    from tourbuilder.media import video

    settings = media.MediaSettings(video_renditions=renditions_sizes)
    found_det = media.detect(clip, settings)
    facts = video.check_video(found_det.probe, settings)
    plans = video.plan_renditions(facts, settings)
    out.mkdir()
    hand_outs = [out / f"hand-{r.size}.mp4" for r in plans]
    argv = video.transcode_command(clip, "mov", facts, plans, hand_outs, settings)
    pipeline, hand = [], []
    # Alternate the two, and keep the best of each, so cache and load favour neither.
    for _ in range(repeat):
        pipeline.append(timed(lambda: video.transcode(clip, "mov", facts, plans, out, settings,
                                                      None)))  # fmt: skip
        hand.append(timed(lambda: subprocess.run(argv, check=True, capture_output=True)))
    figures = {"plans": [(r.size, "copy" if r.copy else "encode") for r in plans],
               "pipeline": min(pipeline), "hand": min(hand)}  # fmt: skip
    if len(plans) > 1 and not any(r.copy for r in plans):
        separate = [0.0, 0.0]
        for r in plans:
            one = video.transcode_command(clip, "mov", facts, [r], [out / f"alone-{r.size}.mp4"],
                                          settings)  # fmt: skip
            wall, cpu = timed(lambda one=one: subprocess.run(one, check=True, capture_output=True))
            separate = [separate[0] + wall, separate[1] + cpu]
        figures["separate"] = tuple(separate)
    return figures


# --- main -------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 s clip instead of 60 s")
    parser.add_argument("--photos", type=int, default=3, help="12 MP photos per variant")
    parser.add_argument("--photos-only", action="store_true", help="skip the video part")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        variant, out, *paths = args.child
        return child(variant, paths, out)

    seconds = 15 if args.quick else 60
    ffmpeg = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
          f"Python {sys.version.split()[0]}, ffmpeg {ffmpeg.split()[2]}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="tb-bench-") as tmp:
        folder = Path(tmp)
        photos = make_photos(folder, args.photos)
        results = {v: run_child(v, photos, folder) for v in
                   ("naive", "pipeline", "pipeline-exact", "pipeline-webp-m1")}  # fmt: skip
        naive = results["naive"]
        print(f"\nphoto: 4000x3000 JPEG -> {len(SIZES)} sizes x (WebP + JPEG), "
              f"mean of {len(photos)} photos, one child process per variant")  # fmt: skip
        sizes = {name: sum(f.stat().st_size for f in folder.glob(f"{name}-[0-9]*/*.webp"))
                 for name in results}  # fmt: skip
        print(f"{'variant':<18}{'wall/photo':>11}{'speed-up':>9}{'CPU/photo':>10}{'speed-up':>9}"
              f"{'peak RSS':>9}{'RSS ratio':>10}{'WebP bytes':>11}")  # fmt: skip
        for name, fig in results.items():
            print(f"{name:<18}{fig['wall']:>10.2f}s{naive['wall'] / fig['wall']:>8.2f}x"
                  f"{fig['cpu']:>9.2f}s{naive['cpu'] / fig['cpu']:>8.2f}x"
                  f"{fig['rss_mb']:>7.0f}MB{fig['rss_mb'] / naive['rss_mb']:>9.2f}x"
                  f"{sizes[name] / sizes['naive']:>10.2f}x")  # fmt: skip

        if args.photos_only:
            return
        started = time.perf_counter()
        web, heavy = make_clips(folder, seconds)
        print(f"\nvideo: {seconds} s 1080p30 clips generated in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        transcode = bench_video(heavy, (720, 1080), folder / "t", repeat=1)
        remux = bench_video(web, (1080,), folder / "r", repeat=5)
        print(f"{'path':<32}{'pipeline':>16}{'by hand':>16}{'overhead':>10}{'RTF':>7}")
        print(f"{'':<32}{'wall / CPU':>16}{'wall / CPU':>16}{'(wall)':>10}")
        for name, fig in (("transcode HEVC -> 1080p + 720p", transcode),
                          ("remux H.264 6 Mb/s (-c copy)", remux)):  # fmt: skip
            (pw, pc), (hw, hc) = fig["pipeline"], fig["hand"]
            print(f"{name:<32}{pw:>8.2f}s/{pc:>6.2f}s{hw:>8.2f}s/{hc:>6.2f}s"
                  f"{(pw / hw - 1) * 100:>9.1f}%{seconds / pw:>6.1f}x")  # fmt: skip
        if "separate" in transcode:
            (ow, oc), (sw, sc) = transcode["pipeline"], transcode["separate"]
            print(
                f"both renditions from one decode {ow:.2f}s wall / {oc:.2f}s CPU; two separate "
                f"transcodes {sw:.2f}s / {sc:.2f}s; ratio {ow / sw:.2f} wall, {oc / sc:.2f} CPU"
            )
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
