"""The words the tour editor's script shows, in the interface language.

The script has no English of its own: every label, status and announcement comes from
here through the page's JSON. Patterns keep ``{name}`` placeholders the script fills
with ``textContent`` (never markup).
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..labels import describe
from ..labels import label
from ..models import MediaKind
from ..models import TourVisibility


def editor_strings() -> dict:
    return {
        # saving
        "saving": _("Saving…"),
        "saved": _("All changes saved"),
        "offline": _("Not saved: offline — retrying"),
        "refused": _("Not saved: {message}"),
        "load_error": _("The tour could not be loaded. Reload the page to try again."),
        # the list of stops
        "stop": _("Stop {number}"),
        "untitled": _("Untitled stop"),
        "moved": _("Stop {from} moved to position {to}"),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "drag": _("Drag to reorder"),
        "delete_stop": _("Delete stop"),
        "deleted": _("Stop {number} deleted."),
        "undo": _("Undo"),
        "restored": _("Stop restored."),
        "added": _("Stop {number} added."),
        "no_stops": _("No stops yet: add the first one below."),
        # a stop's fields
        "title": _("Title"),
        "narrative": _("Story (Markdown)"),
        "preview": _("Preview, as it will be published"),
        "presenter_notes": _("Presenter notes"),
        "discussion_prompts": _("Discussion prompts for workshops"),
        "media": _("Photos, videos and sound"),
        "add_media": _("Add from the library…"),
        "remove": _("Remove"),
        "use_position": _("Use this photo's position"),
        "no_media": _("No media at this stop yet."),
        "position": _("Position"),
        "site": _("Site"),
        "no_site": _("No site: a position of its own"),
        "coordinates": _("Coordinates (decimal, or degrees, minutes and seconds)"),
        "coordinates_error": _(
            "Not coordinates: type for example 37.3891, -5.9845 or 37°23'21\"N 5°59'4\"W."
        ),
        "place_on_map": _("Place on the map"),
        "click_map": _("Click the map where this stop is, or drag its marker."),
        "no_position": _("Not on the map yet."),
        "zoom": _("Map zoom for this stop"),
        "use_map_zoom": _("Use the map's zoom"),
        # adding stops
        "add_stop": _("Add a stop"),
        "from_site": _("From a site"),
        "from_library": _("From library items"),
        "from_map": _("Click on the map"),
        "add": _("Add"),
        "add_with_items": _("Add a stop with the selected items"),
        "map_mode": _("Click the map where the new stop is. Press Escape to cancel."),
        "zoom_in": _("Zoom in"),
        "zoom_out": _("Zoom out"),
        "cancel": _("Cancel"),
        "no_sites": _("Your team has no sites yet."),
        "no_library": _("Your team's library is empty."),
        # the tour
        "tour": _("Tour settings"),
        "summary": _("Summary"),
        "cover": _("Cover picture"),
        "no_cover": _("No cover"),
        "cover_hint": _("Chosen from the photos of the tour's stops."),
        "theme": _("Theme"),
        "languages": _("Languages of the tour"),
        "fallback": _("Fallback language"),
        "fallback_hint": _("Shown where a translation is missing."),
        "visibility": _("Visibility"),
        "visibilities": {str(v): describe(v) for v in TourVisibility},
        "kinds": {str(k): label(k) for k in MediaKind},
        # languages of what people type
        "writing_in": _("I am writing in"),
        "translation": _("Translation beside it"),
        "none": _("None"),
        "missing": _("Not translated yet: people see the {language} text."),
        # publishing (the words of the publishing page)
        "publishing": _("Publishing"),
        "before_publishing": _("Before publishing"),
        "nothing_to_fix": _("Nothing to fix: the tour can be published."),
        "not_published": _("Not published yet: only your team sees this tour."),
        "unpublished_changes": _("The draft has changes the public does not see yet."),
        "same_as_published": _("The draft is the same as the published version."),
        "publish_changes": _("Publish changes"),
        "discard_changes": _("Discard changes"),
        "published": _("Published."),
        "discarded": _("The draft is back to the published version."),
        # conflicts
        "conflict": _("Someone else changed this while you were editing"),
        "conflict_intro": _("Compare, then keep one version."),
        "theirs": _("Their version"),
        "yours": _("Your version"),
        "reload_theirs": _("Reload theirs"),
        "keep_mine": _("Keep mine"),
    }
