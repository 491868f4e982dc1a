"""The OpenAPI 3.0 description of the Open311 GeoReport v2 endpoint, written by hand (the views
are plain Django views, and the spec's XML/JSON pair is easier to state than to infer). Its
descriptions are lazy translations: /api/schema/ renders them in the reader's language."""

from functools import cache

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

FORMAT = {
    "name": "format",
    "in": "path",
    "required": True,
    "description": _("Response format: xml (required by the specification) or json."),
    "schema": {"type": "string", "enum": ["xml", "json"]},
}
JURISDICTION = {
    "name": "jurisdiction_id",
    "in": "query",
    "required": False,
    "description": _(
        "May be omitted: the endpoint serves one jurisdiction. Any other value is a 404."
    ),
    "schema": {"type": "string"},
}
DATETIME = {"type": "string", "format": "date-time"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(schema: dict, description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": schema},
            "text/xml": {"schema": {"type": "string"}},
        },
    }


ERRORS = {
    code: _body(_ref("Errors"), text)
    for code, text in {
        "400": _("Invalid arguments; every problem is one error (code 400)."),
        "403": _("Missing or invalid api_key (code 403)."),
        "404": _(
            "Unknown format, jurisdiction_id, service_code, service_request_id or token (code 404)."
        ),
        "429": _(
            "Too many new requests with this api_key (an extension; OPEN311_POST_RATE, 600 an hour by default)."
        ),
    }.items()
}


@cache
def openapi_schema() -> dict:
    request_object = {
        "type": "object",
        "required": [
            "service_request_id",
            "status",
            "service_code",
            "service_name",
            "requested_datetime",
        ],
        "properties": {
            "service_request_id": {"type": "string", "example": "41-2026-000123"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": {
                "type": "string",
                "description": _("The platform's own status, e.g. «на модерации»."),
            },
            "service_name": {"type": "string"},
            "service_code": {"type": "string"},
            "description": {
                "type": "string",
                "description": _(
                    "Only for public problems, once a moderator has checked the text."
                ),
            },
            "agency_responsible": {
                "type": "string",
                "description": _("The organization the appeal is routed to."),
            },
            "service_notice": {"type": "string"},
            "requested_datetime": DATETIME,
            "updated_datetime": DATETIME,
            "expected_datetime": {
                **DATETIME,
                "description": _("The answer is due by then (from registration)."),
            },
            "address": {"type": "string", "description": _("Only for public appeals.")},
            "lat": {"type": "number", "description": _("Only for public appeals.")},
            "long": {"type": "number", "description": _("Only for public appeals.")},
            "media_url": {
                "type": "string",
                "format": "uri",
                "description": _("The first photo of a public problem."),
            },
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": format_lazy("{} — Open311 GeoReport v2", _("Feedback Platform")),
            "version": "2",
            "description": _(
                "Services are the platform's categories (group = section); requests are appeals. "
                "GET methods are public and never return personal data; POST needs a partner API key "
                "issued by the operator. XML is the default format of the specification; JSON is the "
                "mechanical mapping of it (collections are arrays)."
            ),
        },
        "paths": {
            "/open311/v2/discovery.{format}": {
                "get": {
                    "operationId": "discovery",
                    "summary": _("Service discovery"),
                    "parameters": [FORMAT],
                    "responses": {
                        "200": _body(
                            _ref("Discovery"), _("Endpoints, formats and where to get a key.")
                        ),
                        "400": ERRORS["400"],
                        "404": ERRORS["404"],
                    },
                }
            },
            "/open311/v2/services.{format}": {
                "get": {
                    "operationId": "serviceList",
                    "summary": _("GET Service List (categories)"),
                    "parameters": [FORMAT, JURISDICTION],
                    "responses": {
                        "200": _body({"type": "array", "items": _ref("Service")}, _("Services.")),
                        "400": ERRORS["400"],
                        "404": ERRORS["404"],
                    },
                }
            },
            "/open311/v2/services/{service_code}.{format}": {
                "get": {
                    "operationId": "serviceDefinition",
                    "summary": _("GET Service Definition"),
                    "parameters": [
                        {
                            "name": "service_code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                        },
                        FORMAT,
                        JURISDICTION,
                    ],
                    "responses": {
                        "200": _body(
                            _ref("ServiceDefinition"), _("The attributes to send with a request.")
                        ),
                        "400": ERRORS["400"],
                        "404": ERRORS["404"],
                    },
                }
            },
            "/open311/v2/requests.{format}": {
                "get": {
                    "operationId": "requestList",
                    "summary": _("GET Service Requests"),
                    "parameters": [
                        FORMAT,
                        JURISDICTION,
                        {
                            "name": "service_request_id",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": _(
                                "Comma-separated ids; overrides every other argument."
                            ),
                        },
                        {
                            "name": "service_code",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": _("Comma-separated service codes."),
                        },
                        {"name": "start_date", "in": "query", "schema": DATETIME},
                        {
                            "name": "end_date",
                            "in": "query",
                            "schema": DATETIME,
                            "description": _(
                                "At most 90 days after start_date; by default the last 90 days."
                            ),
                        },
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": _("open, closed or open,closed."),
                        },
                        {
                            "name": "page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "name": "page_size",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 1000,
                                "default": 1000,
                            },
                        },
                    ],
                    "responses": {
                        "200": _body(
                            {"type": "array", "items": _ref("Request")},
                            _("Requests, newest first."),
                        ),
                        "400": ERRORS["400"],
                        "404": ERRORS["404"],
                    },
                },
                "post": {
                    "operationId": "createRequest",
                    "summary": _("POST Service Request"),
                    "parameters": [FORMAT],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {"schema": _ref("NewRequest")}
                        },
                    },
                    "responses": {
                        "201": _body(
                            {"type": "array", "items": _ref("CreatedRequest")},
                            _("The appeal is filed."),
                        ),
                        **ERRORS,  # 400, 403, 404 and 429
                    },
                },
            },
            "/open311/v2/requests/{service_request_id}.{format}": {
                "get": {
                    "operationId": "requestDetail",
                    "summary": _("GET Service Request"),
                    "parameters": [
                        {
                            "name": "service_request_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                        },
                        FORMAT,
                        JURISDICTION,
                    ],
                    "responses": {
                        "200": _body(
                            {"type": "array", "items": _ref("Request")}, _("One request.")
                        ),
                        "400": ERRORS["400"],
                        "404": ERRORS["404"],
                    },
                }
            },
            "/open311/v2/tokens/{token}.{format}": {
                "get": {
                    "operationId": "token",
                    "summary": _("GET service_request_id from a token"),
                    "description": _(
                        "Every service is realtime, so no token is ever issued: always 404."
                    ),
                    "parameters": [
                        {
                            "name": "token",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                        },
                        FORMAT,
                        JURISDICTION,
                    ],
                    "responses": {
                        "200": _body(
                            {"type": "array", "items": _ref("Token")}, _("The request id.")
                        ),
                        "400": ERRORS["400"],
                        "404": ERRORS["404"],
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["code", "description"],
                        "properties": {
                            "code": {"type": "integer"},
                            "description": {"type": "string"},
                        },
                    },
                },
                "Discovery": {
                    "type": "object",
                    "required": ["changeset", "contact", "key_service", "endpoints"],
                    "properties": {
                        "changeset": DATETIME,
                        "contact": {"type": "string"},
                        "key_service": {"type": "string"},
                        "endpoints": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "specification": {"type": "string"},
                                    "url": {"type": "string"},
                                    "changeset": DATETIME,
                                    "type": {"type": "string", "enum": ["production", "test"]},
                                    "formats": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                        },
                    },
                },
                "Service": {
                    "type": "object",
                    "required": ["service_code", "service_name", "metadata", "type", "group"],
                    "properties": {
                        "service_code": {"type": "string"},
                        "service_name": {"type": "string"},
                        "description": {"type": "string"},
                        "metadata": {"type": "boolean"},
                        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                        "keywords": {"type": "string"},
                        "group": {"type": "string"},
                    },
                },
                "ServiceDefinition": {
                    "type": "object",
                    "required": ["service_code", "attributes"],
                    "properties": {
                        "service_code": {"type": "string"},
                        "attributes": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "variable": {"type": "boolean"},
                                    "code": {"type": "string"},
                                    "datatype": {
                                        "type": "string",
                                        "enum": [
                                            "string",
                                            "number",
                                            "datetime",
                                            "text",
                                            "singlevaluelist",
                                            "multivaluelist",
                                        ],
                                    },
                                    "required": {"type": "boolean"},
                                    "datatype_description": {"type": "string"},
                                    "order": {"type": "integer", "minimum": 1},
                                    "description": {"type": "string"},
                                    "values": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "key": {"type": "string"},
                                                "name": {"type": "string"},
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
                "NewRequest": {
                    "type": "object",
                    "required": ["api_key", "service_code"],
                    "properties": {
                        "api_key": {"type": "string", "description": _("The partner's key.")},
                        "jurisdiction_id": {"type": "string"},
                        "service_code": {"type": "string"},
                        "attribute[municipality]": {
                            "type": "string",
                            "description": _("Required: a key from the service definition."),
                        },
                        "lat": {"type": "number", "minimum": -90, "maximum": 90},
                        "long": {"type": "number", "minimum": -180, "maximum": 180},
                        "address_string": {"type": "string", "maxLength": 300},
                        "email": {
                            "type": "string",
                            "format": "email",
                            "description": _("Required: where the answer goes."),
                        },
                        "first_name": {
                            "type": "string",
                            "maxLength": 100,
                            "description": _("Required (59-FZ)."),
                        },
                        "last_name": {
                            "type": "string",
                            "maxLength": 100,
                            "description": _("Required (59-FZ)."),
                        },
                        "phone": {"type": "string"},
                        "description": {
                            "type": "string",
                            "maxLength": 4000,
                            "description": _("Required."),
                        },
                        "media_url": {"type": "string", "format": "uri"},
                        "device_id": {"type": "string"},
                        "account_id": {"type": "string"},
                    },
                },
                "CreatedRequest": {
                    "type": "object",
                    "required": ["service_request_id"],
                    "properties": {
                        "service_request_id": {"type": "string"},
                        "service_notice": {"type": "string"},
                        "account_id": {"type": "string"},
                    },
                },
                "Token": {
                    "type": "object",
                    "properties": {
                        "service_request_id": {"type": "string"},
                        "token": {"type": "string"},
                    },
                },
                "Request": request_object,
            }
        },
    }
