"""A tour's "Import stops" and "Export" page: for its editors, linked from the team page."""

from __future__ import annotations

import pytest

from tourbuilder.models import Role
from tourbuilder.models import TourVisibility

pytestmark = pytest.mark.sqlite_only  # a page over the permission rules tested on both


@pytest.mark.parametrize(
    ("who", "status"), [("editor", 200), ("facilitator", 403), ("other", 404), (None, 302)]
)
def test_who_sees_the_page(make, client, auth, who, status):
    team = make.team()
    tour = make.tour(team, visibility=TourVisibility.DRAFT)
    if who == "other":
        auth.login(make.user(make.team()))
    elif who:
        auth.login(make.user(team, Role.EDITOR if who == "editor" else Role.FACILITATOR))
    response = client.get(f"/teams/{team.id}/tours/{tour.id}/import")
    assert response.status_code == status


def test_the_page_has_the_form_and_the_export_links(make, client, auth):
    team = make.team(languages=["ar", "en"])
    tour = make.tour(team, languages=["ar", "en"], title={"ar": "جولة <b>", "en": "Walk"})
    auth.login(make.user(team))
    page = client.get(f"/teams/{team.id}/tours/{tour.id}/import?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page and "استيراد المحطات" in page
    assert "جولة &lt;b&gt;" in page  # the tour's title escaped
    assert f'action="/api/v1/tours/{tour.id}/stops/import"' in page
    for fmt in ("geojson", "kml", "gpx", "csv", "zip"):
        assert f"/api/v1/tours/{tour.id}/export?format={fmt}" in page
    assert '<label for="stop-file">' in page and 'aria-live="polite"' in page
    team_page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert f"/teams/{team.id}/tours/{tour.id}/import" in team_page


def test_facilitators_get_no_link_on_the_team_page(make, client, auth):
    team = make.team()
    tour = make.tour(team)
    auth.login(make.user(team, Role.FACILITATOR))
    team_page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert f"/tours/{tour.id}/import" not in team_page
