"""XML and JSON renderings of Open311 resources (JSON is the mechanical mapping of the XML)."""

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
FORMATS = tuple(CONTENT_TYPES)
# XML element of one item of each list field.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if inner is None:
                continue
            child = ET.SubElement(element, key)
            _fill_field(child, key, inner)
    else:
        element.text = _text(value)


def _fill_field(element: ET.Element, key: str, value) -> None:
    if isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_TAGS[key]), item)
    else:
        _fill(element, value)


def _prune(value):
    """Fields without a value are left out in both formats (the spec: "may not be returned")."""
    if isinstance(value, dict):
        return {key: _prune(inner) for key, inner in value.items() if inner is not None}
    if isinstance(value, list):
        return [_prune(item) for item in value]
    return value


def render(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    """`data` is a list (a collection under `root`) or a dict (an object named `root`)."""
    if fmt == "json":
        body = json.dumps(_prune(data), ensure_ascii=False, default=str)
    else:
        element = ET.Element(root)
        _fill_field(element, root, data)
        body = ET.tostring(element, encoding="unicode", xml_declaration=False)
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + body
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error body: one `{code, description}` per problem, `code` the HTTP status."""
    fmt = fmt if fmt in FORMATS else "xml"
    return render(
        fmt,
        "errors",
        [{"code": status, "description": str(text)} for text in descriptions],
        status=status,
    )
