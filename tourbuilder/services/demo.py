"""The demo: a team from Seville and a public tour of six transformative projects.

Its photos are drawn here with Pillow (no third-party media), their names in a font that
has every letter (tourbuilder/fonts.py), then go through the same storage path as uploads.
"""

from __future__ import annotations

import io
import random

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFilter
from sqlalchemy import select

from ..extensions import db
from ..fonts import picture_font
from ..models import Consent
from ..models import MediaItem
from ..models import MediaStatus
from ..models import SiteVisibility
from ..models import Team
from ..models import Tour
from ..models import TourVisibility
from .demo_media import CAPTIONS
from .demo_media import captions_vtt
from .demo_media import draw_panorama
from .demo_media import make_sound
from .demo_media import make_video
from .library import attach_captions
from .library import store_upload
from .library import update_item
from .processing import process_media_item
from .publishing import publish
from .sites import create_site
from .team_settings import add_theme
from .team_settings import set_map_view
from .teams import create_team
from .tours import add_stop
from .tours import create_tour
from .tours import update_tour

DEMO_TEAM = "Demo · Sevilla"
DEMO_SLUG = "sevilla-solidaria"

# The demo team's theme list: the English label (what STOPS name) and the Spanish one.
THEMES = {
    "community garden": "huerto comunitario",
    "commons": "bienes comunes",
    "local food": "alimentación local",
    "short supply chains": "circuitos cortos",
    "public space": "espacio público",
    "cooperative": "cooperativa",
    "crafts": "artesanía",
    "heritage": "patrimonio",
    "tourism": "turismo",
    "environment": "medio ambiente",
    "care": "cuidados",
}

# Real places in Seville; the stories are illustrative.
STOPS = [
    {
        "name": {"es": "Huerto del Rey Moro", "en": "Huerto del Rey Moro"},
        "lat": 37.39788,
        "lon": -5.98733,
        "themes": ["community garden", "commons"],
        "colour": (84, 140, 60),
        "narrative": {
            "es": "Un **huerto comunitario** recuperado por el vecindario de San Julián. "
            "Cada parcela la cuida un grupo distinto y las decisiones se toman en asamblea.",
            "en": "A **community garden** reclaimed by the San Julián neighbourhood. Each plot "
            "is tended by a different group and decisions are taken in an open assembly.",
        },
        "notes": {"en": "Ask the room: who decides what is planted? Pause on the assembly photo."},
        "prompts": {
            "en": "Who takes part in the assembly, and who does not? "
            "Is there a shared space like this where you live?",
            "es": "¿Quién participa en la asamblea y quién no? "
            "¿Hay un espacio compartido así donde vives?",
        },
    },
    {
        "name": {"es": "Mercado de la Alameda", "en": "Alameda market"},
        "lat": 37.40005,
        "lon": -5.99435,
        "themes": ["local food", "short supply chains"],
        "colour": (214, 140, 40),
        "narrative": {
            "es": "Productoras de la vega venden sin intermediarios. El mercado funciona "
            "con una **cooperativa de consumo** que garantiza precios justos.",
            "en": "Growers from the river plain sell with no middlemen. The market runs with a "
            "**consumer cooperative** that guarantees fair prices.",
        },
        "notes": {"en": "Compare prices with a supermarket: ask for guesses first."},
    },
    {
        "name": {"es": "Las Setas", "en": "Metropol Parasol"},
        "lat": 37.39330,
        "lon": -5.99170,
        "themes": ["public space"],
        "colour": (200, 170, 110),
        "narrative": {
            "es": "Bajo la gran estructura de madera se reúnen redes vecinales y "
            "cooperativas culturales para planificar actividades en el barrio.",
            "en": "Under the great timber structure, neighbourhood networks and cultural "
            "cooperatives meet to plan activities for the district.",
        },
        "notes": {},
    },
    {
        "name": {"es": "Cooperativa de Triana", "en": "Triana cooperative"},
        "lat": 37.38585,
        "lon": -6.00270,
        "themes": ["cooperative", "crafts"],
        "colour": (40, 110, 170),
        "narrative": {
            "es": "Ceramistas de Triana se unieron en una **cooperativa de trabajo** para "
            "mantener vivo el oficio y compartir taller, horno y tienda.",
            "en": "Triana's potters joined in a **worker cooperative** to keep the craft alive "
            "and share a workshop, a kiln and a shop.",
        },
        "notes": {"en": "Hand round a tile if you brought one."},
    },
    {
        "name": {"es": "Plaza de España", "en": "Plaza de España"},
        "lat": 37.37720,
        "lon": -5.98690,
        "themes": ["heritage", "tourism"],
        "colour": (176, 90, 60),
        "narrative": {
            "es": "Guías de una empresa social ofrecen visitas que cuentan la historia "
            "de la ciudad desde sus barrios.",
            "en": "Guides from a social enterprise offer visits that tell the city's story "
            "from its neighbourhoods.",
        },
        "notes": {},
    },
    {
        "name": {"es": "Parque de María Luisa", "en": "María Luisa park"},
        "lat": 37.37470,
        "lon": -5.98890,
        "themes": ["environment", "care"],
        "colour": (60, 120, 90),
        "narrative": {
            "es": "Un programa de cuidados lleva a personas mayores a pasear con "
            "voluntariado del barrio cada mañana.",
            "en": "A care programme takes older people for a walk with neighbourhood volunteers "
            "every morning.",
        },
        "notes": {"en": "End here: ask what a similar programme would need in your town."},
    },
]


def draw_photo(title: str, colour: tuple[int, int, int], seed: int, size=(1600, 1067)) -> bytes:
    """A landscape 'photo' of a place: sky, ground, buildings, and its name."""
    rnd = random.Random(seed)
    width, height = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    horizon = int(height * 0.62)
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=(int(90 + 110 * t), int(150 + 70 * t), 235))
    draw.rectangle([0, horizon, width, height], fill=tuple(int(c * 0.7) for c in colour))
    x = 0
    while x < width:
        w = rnd.randint(90, 260)
        h = rnd.randint(120, 420)
        shade = tuple(min(255, int(c * rnd.uniform(0.8, 1.25))) for c in colour)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=shade)
        for wy in range(horizon - h + 20, horizon - 30, 48):
            for wx in range(x + 14, x + w - 24, 40):
                draw.rectangle([wx, wy, wx + 16, wy + 24], fill=(250, 236, 190))
        x += w + rnd.randint(0, 30)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, height - 150, width, height], fill=(0, 0, 0))
    font = picture_font(72, title)  # every letter of the six languages (fonts.py)
    if font is not None:
        draw.text((48, height - 120), title, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


def store_demo_file(team: Team, data: bytes, name: str, mime: str = "image/jpeg") -> MediaItem:
    """Store a generated file through the media library and process it now, like any
    upload (the demo is made before a worker runs); marked as showing no people."""
    item, _created = store_upload(
        team, io.BytesIO(data), name, None, declared_mime=mime, queue=False
    )
    if item.status is not MediaStatus.READY:
        process_media_item(item.id)
        db.session.refresh(item)
    update_item(item, consent=Consent.NO_PEOPLE, credit="tourbuilder demo", licence="CC0-1.0")
    return item


def demo_extra_media(team: Team) -> dict[int, list[MediaItem]]:
    """A video with captions, a sound recording and a 360° panorama, by stop index."""
    video = store_demo_file(
        team, make_video(draw_photo("", STOPS[0]["colour"], 40)), "demo-huerto.mp4", "video/mp4"
    )
    for lang in CAPTIONS:
        attach_captions(video, lang, io.BytesIO(captions_vtt(lang)))
    sound = store_demo_file(team, make_sound(), "demo-mercado.wav", "audio/wav")
    panorama = store_demo_file(
        team, draw_panorama(STOPS[4]["colour"], 41), "demo-plaza-360.jpg", "image/jpeg"
    )
    texts = {
        video: ("Vídeo del huerto", "Video of the garden", "Las huertas del barrio"),
        sound: ("Sonido del mercado", "Sound of the market", "El mercado por la mañana"),
        panorama: ("Vista de 360° de la plaza", "360° view of the square", "La plaza"),
    }
    for item, (alt_es, alt_en, caption) in texts.items():
        update_item(item, alt_text={"es": alt_es, "en": alt_en}, caption={"es": caption})
    return {0: [video], 1: [sound], 4: [panorama]}


def create_demo() -> Tour:
    """Create (or return) the demo team, its sites and its public tour, through the same
    services people use: the photos are processed and the tour passes the publish checks.

    Processing commits each photo as it is made; the team, sites and tour are flushed for
    the caller to commit at once, so an interrupted demo never leaves a half-made tour.
    """
    existing = db.session.scalar(select(Tour).where(Tour.slug == DEMO_SLUG))
    if existing is not None:
        return existing
    team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
    if team is None:
        team = create_team(DEMO_TEAM, "ES", ["es", "en"])
        set_map_view(team, 37.3891, -5.9845, 13)
    photos = [
        store_demo_file(
            team, draw_photo(spec["name"]["es"], spec["colour"], index), f"demo-{index + 1}.jpg"
        )
        for index, spec in enumerate(STOPS)
    ]
    extra = demo_extra_media(team)
    tour = create_tour(
        team,
        {"es": "Sevilla solidaria", "en": "Solidarity Seville"},
        slug=DEMO_SLUG,
        summary={
            "es": "Seis proyectos de economía social y solidaria en Sevilla.",
            "en": "Six social and solidarity economy projects in Seville.",
        },
        languages=["es", "en"],
    )
    have = {theme["labels"].get("en"): theme["key"] for theme in team.themes}
    keys = {en: have.get(en) or add_theme(team, {"en": en, "es": es}) for en, es in THEMES.items()}
    for index, (spec, photo) in enumerate(zip(STOPS, photos, strict=True)):
        site = create_site(
            team,
            name=spec["name"],
            lat=spec["lat"],
            lon=spec["lon"],
            themes=[keys[theme] for theme in spec["themes"]],
            visibility=SiteVisibility.PUBLIC,
            description={"es": spec["narrative"]["es"].split(".")[0] + "."},
        )
        update_item(
            photo,
            caption={"es": spec["name"]["es"], "en": spec["name"]["en"]},
            alt_text={
                "es": f"Ilustración de {spec['name']['es']}",
                "en": f"Illustration of {spec['name']['en']}",
            },
            site_id=site.id,
            lat=spec["lat"],
            lon=spec["lon"],
            location_confirmed=True,
        )
        add_stop(
            tour,
            site_id=site.id,
            title=spec["name"],
            narrative=spec["narrative"],
            presenter_notes=spec["notes"],
            discussion_prompts=spec.get("prompts", {}),
            zoom=16,
            media_ids=[photo.id, *(item.id for item in extra.get(index, []))],
        )
    update_tour(tour, cover_id=photos[0].id)
    publish(tour, TourVisibility.PUBLIC)
    return tour
