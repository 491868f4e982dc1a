"""The maps' settings for static/js/map.js: data attributes on a map container (no inline script)."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def map_attrs():
    """The configured tile server and the default view, as data attributes."""
    return format_html(
        ' data-tile-url="{}" data-tile-attribution="{}" data-center="{}"',
        settings.MAP_TILE_URL,
        settings.MAP_TILE_ATTRIBUTION,
        settings.MAP_CENTER,
    )


@register.inclusion_tag("appeals/includes/map_assets.html")
def map_assets():
    """The stylesheet and scripts of the maps, for a template's head block."""
    return {
        "css": static("vendor/leaflet/leaflet.css"),
        "leaflet": static("vendor/leaflet/leaflet.js"),
        "map_js": static("js/map.js"),
    }


@register.simple_tag
def map_assets_when_visible():
    """The same files as a data attribute for static/js/site.js, which fetches them only when the
    element comes into view: the filing form on a weak link loads without Leaflet (45 KB
    compressed), the map being optional there."""
    return format_html(
        ' data-load-when-visible="{} {} {}"',
        static("vendor/leaflet/leaflet.css"),
        static("vendor/leaflet/leaflet.js"),
        static("js/map.js"),
    )
