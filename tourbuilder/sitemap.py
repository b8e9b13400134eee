"""sitemap.xml: the pages search engines may list, with their language versions
(``xhtml:link`` alternates, as search engines document them). Built with ElementTree,
which escapes every URL. No Flask import: the view gives absolute URLs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: The protocol's limit per file; past it a sitemap index would be needed.
MAX_URLS = 50_000


@dataclass(frozen=True)
class Entry:
    loc: str
    lastmod: datetime | None = None
    #: ``(hreflang, href)``: the page in each of its languages (``x-default`` included)
    alternates: list[tuple[str, str]] = field(default_factory=list)


def sitemap_xml(entries: list[Entry]) -> bytes:
    """The sitemap document for ``entries`` (the first :data:`MAX_URLS`)."""
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in entries[:MAX_URLS]:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = entry.loc
        if entry.lastmod is not None:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = entry.lastmod.strftime(
                "%Y-%m-%dT%H:%M:%S+00:00"
            )
        for hreflang, href in entry.alternates:
            ET.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=hreflang, href=href)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
