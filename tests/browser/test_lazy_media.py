"""A tour page on a phone fetches only what the reader can see: photos further down load
when the reader scrolls to them, and a video's bytes when it is played (bench/tour_weight.py
measures the bytes)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MEDIA = re.compile(r"/media/(\d+)/")


def media_ids(page, selector: str) -> set[str]:
    """Ids of the media items whose files ``selector``'s images and videos name."""
    urls = page.eval_on_selector_all(
        selector,
        """els => els.flatMap(el => [el.getAttribute("src"), el.getAttribute("srcset"),
                                     el.getAttribute("poster")]).filter(Boolean)""",
    )
    return {match for url in urls for match in MEDIA.findall(url)}


def requested(urls: list[str], ids: set[str]) -> list[str]:
    return [u for u in urls if any(f"/media/{i}/" in u for i in ids)]


def test_photos_below_the_fold_wait_for_the_reader(new_page):
    page = new_page(viewport=PHONE)
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto("/tours/sevilla-solidaria?lang=en", wait_until="networkidle")
    last = media_ids(page, "#stop-6 img, #stop-6 source")
    assert last, "the last stop shows a photo"
    assert not requested(urls, last), "a photo far below the fold loaded before scrolling"

    page.locator("#stop-6 img").first.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const img = document.querySelector('#stop-6 img');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    assert requested(urls, last), "the photo loads once the reader reaches it"


def test_video_bytes_wait_for_play(new_page):
    page = new_page(viewport=PHONE)
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto("/tours/sevilla-solidaria?lang=en", wait_until="networkidle")
    video = page.locator("video").first
    video.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    source = page.eval_on_selector("video source", "el => el.src")
    poster = page.eval_on_selector("video", "el => el.poster")
    assert poster and poster in urls, "the poster shows in place of the video"
    assert source not in urls, "video bytes were fetched before the reader pressed play"

    with page.expect_request(lambda request: request.url == source):
        page.evaluate(
            "() => { const v = document.querySelector('video'); v.muted = true; v.play(); }"
        )
    page.wait_for_function("() => document.querySelector('video').currentTime > 0")
