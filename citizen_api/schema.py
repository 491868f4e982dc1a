"""The OpenAPI 3.0 description of the citizen API (/api/v1/), written by hand like the Open311 one
(appeals/api/schema.py): the views are plain Django views. Descriptions are lazy translations."""

from functools import cache

from django.utils.translation import gettext_lazy as _

DATETIME = {"type": "string", "format": "date-time", "nullable": True}
NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "description": _("The appeal's public number, such as 41-2026-000123."),
    "schema": {"type": "string", "maxLength": 40},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR_TEXTS = {
    "400": _("Invalid input: the message, and the problems by field."),
    "401": _("No access token, an invalid or expired one, or one without the scope «appeals»."),
    "404": _("Not found, or not yours: another citizen's appeal is a 404."),
    "409": _("Refused by the rules (e.g. the appeal waits for no clarification, or no rating)."),
    "429": _("Too many requests in a short time (the site's limits)."),
}


def _errors(*codes: str) -> dict:
    return {code: _json(_ref("Error"), ERROR_TEXTS[code]) for code in ("400", "401", *codes)}


def _operation(summary, ok_code: str, ok_schema: str, *codes: str, **extra) -> dict:
    return {
        "summary": summary,
        "responses": {ok_code: _json(_ref(ok_schema), summary), **_errors(*codes)},
        **extra,
    }


def _form_body(properties: dict, required: list[str]) -> dict:
    schema = {"type": "object", "properties": properties, "required": required}
    return {
        "required": True,
        "content": {
            "multipart/form-data": {"schema": schema},
            "application/x-www-form-urlencoded": {"schema": schema},
        },
    }


FILES = {"type": "array", "items": {"type": "string", "format": "binary"}, "maxItems": 5}


def _schemas() -> dict:
    named = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    }
    category = {
        "type": "object",
        "required": ["id", "name", "term_days", "day_count", "term"],
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "section": named,
            "term_days": {"type": "integer"},
            "day_count": {"type": "string", "enum": ["calendar", "working"]},
            "term": {"type": "string"},
        },
    }
    summary = {
        "type": "object",
        "required": ["number", "status", "status_label", "submitted_at"],
        "properties": {
            "number": {"type": "string"},
            "url": {"type": "string"},
            "status": {"type": "string"},
            "status_label": {"type": "string"},
            "category": named,
            "municipality": named,
            "address": {"type": "string"},
            "organization": {"type": "string", "nullable": True},
            "submitted_at": DATETIME,
            "due_at": DATETIME,
            "is_public": {"type": "boolean"},
        },
    }
    event = {
        "type": "object",
        "required": ["at", "action", "label"],
        "properties": {
            "at": DATETIME,
            "action": {"type": "string"},
            "label": {"type": "string"},
            "status": {"type": "string", "nullable": True},
            "comment": {"type": "string", "nullable": True},
        },
    }
    detail = {
        "allOf": [
            _ref("AppealSummary"),
            {
                "type": "object",
                "required": ["text", "timeline", "answers", "can_reply", "can_rate"],
                "properties": {
                    "text": {"type": "string"},
                    "files": {"type": "array", "items": {"type": "object"}},
                    "answers": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "organization": {"type": "string"},
                                "text": {"type": "string"},
                                "answered_at": DATETIME,
                                "rated": {"type": "boolean"},
                            },
                        },
                    },
                    "clarifications": {"type": "array", "items": {"type": "object"}},
                    "timeline": {"type": "array", "items": _ref("Event")},
                    "can_reply": {"type": "boolean"},
                    "can_rate": {"type": "boolean"},
                },
            },
        ]
    }
    hour = {"type": "integer", "minimum": 0, "maximum": 23, "nullable": True}
    settings = {
        "type": "object",
        "properties": {
            "notice_email": {"type": "boolean"},
            "notice_push": {"type": "boolean"},
            "notice_sms": {"type": "boolean"},
            "phone": {"type": "string"},
            "quiet_from": hour,
            "quiet_to": hour,
            "quiet_email": {"type": "boolean"},
        },
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["status", "code", "message"],
                    "properties": {
                        "status": {"type": "integer"},
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "fields": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                }
            },
        },
        "Category": category,
        "Categories": _list(_ref("Category")),
        "Term": {
            "type": "object",
            "required": ["category", "regime"],
            "properties": {
                "category": _ref("Category"),
                "regime": {
                    "type": "object",
                    "nullable": True,
                    "properties": {
                        "kind": {"type": "string"},
                        "name": {"type": "string"},
                        "answer_days": {"type": "integer"},
                        "day_count": {"type": "string"},
                        "term": {"type": "string"},
                    },
                },
            },
        },
        "Municipalities": _list(named),
        "Addresses": _list(
            {
                "type": "object",
                "required": ["id", "label"],
                "properties": {
                    "id": {"type": "integer"},
                    "label": {"type": "string"},
                    "latitude": {"type": "number", "nullable": True},
                    "longitude": {"type": "number", "nullable": True},
                },
            }
        ),
        "AppealSummary": summary,
        "AppealPage": {
            "allOf": [
                _list(_ref("AppealSummary")),
                {
                    "type": "object",
                    "required": ["count", "page", "pages"],
                    "properties": {
                        "count": {"type": "integer"},
                        "page": {"type": "integer"},
                        "pages": {"type": "integer"},
                    },
                },
            ]
        },
        "Event": event,
        "Appeal": detail,
        "Support": {
            "type": "object",
            "required": ["number", "supporters", "supported"],
            "properties": {
                "number": {"type": "string"},
                "supporters": {"type": "integer"},
                "supported": {"type": "boolean"},
            },
        },
        "NoticeSettingsChange": settings,
        "NoticeSettings": {
            "allOf": [
                settings,
                {
                    "type": "object",
                    "required": ["sms_available", "push_available"],
                    "properties": {
                        "sms_available": {"type": "boolean"},
                        "push_available": {"type": "boolean"},
                        "push_key": {"type": "string", "nullable": True},
                    },
                },
            ]
        },
        "Message": {
            "type": "object",
            "required": ["message"],
            "properties": {"message": {"type": "string"}},
        },
    }


def _list(item: dict) -> dict:
    return {
        "type": "object",
        "required": ["results"],
        "properties": {"results": {"type": "array", "items": item}},
    }


def _paths() -> dict:
    filing = {
        "category": {"type": "integer", "description": _("The id of a category (not a section).")},
        "municipality": {"type": "integer"},
        "address": {"type": "string", "maxLength": 300},
        "no_exact_address": {"type": "boolean"},
        "place_description": {"type": "string", "maxLength": 1000},
        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
        "addressee": {"type": "string"},
        "text": {"type": "string", "minLength": 20, "maxLength": 5000},
        "files": FILES,
        "is_public": {"type": "boolean"},
        "answer_by_email": {"type": "boolean"},
        "consent": {
            "type": "boolean",
            "description": _("The citizen's consent to personal data processing (152-FZ)."),
        },
        "idempotency_key": {
            "type": "string",
            "format": "uuid",
            "description": _("A UUID the app keeps for the retries of one filing: filed once."),
        },
    }
    page = {"name": "page", "in": "query", "required": False, "schema": {"type": "integer"}}
    text = {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}}
    municipality = {
        "name": "municipality",
        "in": "query",
        "required": False,
        "schema": {"type": "integer"},
    }
    category_id = {"name": "category_id", "in": "path", "required": True}
    category_id["schema"] = {"type": "integer", "minimum": 1}
    endpoint = {"name": "endpoint", "in": "query", "required": True}
    endpoint["schema"] = {"type": "string", "format": "uri"}
    subscription = {
        "type": "object",
        "required": ["endpoint", "keys"],
        "properties": {
            "endpoint": {"type": "string", "format": "uri"},
            "keys": {
                "type": "object",
                "required": ["p256dh", "auth"],
                "properties": {"p256dh": {"type": "string"}, "auth": {"type": "string"}},
            },
        },
    }
    return {
        "/categories/": {
            "get": _operation(_("Categories and their review terms"), "200", "Categories")
        },
        "/categories/{category_id}/term/": {
            "get": _operation(
                _("The rules and term an appeal of the category would get"),
                "200",
                "Term",
                "404",
                parameters=[category_id, municipality],
            )
        },
        "/municipalities/": {"get": _operation(_("Municipalities"), "200", "Municipalities")},
        "/addresses/": {
            "get": _operation(
                _("Address suggestions from the registry"),
                "200",
                "Addresses",
                parameters=[text, municipality],
            )
        },
        "/appeals/": {
            "get": _operation(_("My appeals, 20 a page"), "200", "AppealPage", parameters=[page]),
            "post": _operation(
                _("File an appeal (with photos)"),
                "201",
                "Appeal",
                "409",
                "429",
                requestBody=_form_body(
                    filing, ["category", "municipality", "text", "consent", "idempotency_key"]
                ),
            ),
        },
        "/appeals/{number}/": {
            "get": _operation(
                _("An appeal with its timeline"), "200", "Appeal", "404", parameters=[NUMBER]
            )
        },
        "/appeals/{number}/reply/": {
            "post": _operation(
                _("Reply to a clarification request"),
                "200",
                "Appeal",
                "404",
                "409",
                parameters=[NUMBER],
                requestBody=_form_body(
                    {"text": {"type": "string", "maxLength": 5000}, "files": FILES}, ["text"]
                ),
            )
        },
        "/appeals/{number}/rating/": {
            "post": _operation(
                _("Rate the answer"),
                "200",
                "Appeal",
                "404",
                "409",
                parameters=[NUMBER],
                requestBody=_form_body(
                    {
                        "score": {"type": "integer", "minimum": 1, "maximum": 5},
                        "solved": {"type": "string", "enum": ["yes", "no"]},
                        "comment": {"type": "string", "maxLength": 2000},
                    },
                    ["score", "solved"],
                ),
            )
        },
        "/problems/{number}/support/": {
            "post": _operation(
                _("Join a public problem"),
                "200",
                "Support",
                "404",
                "409",
                "429",
                parameters=[NUMBER],
            ),
            "delete": _operation(
                _("Leave a public problem"),
                "200",
                "Support",
                "404",
                "409",
                "429",
                parameters=[NUMBER],
            ),
        },
        "/me/notification-settings/": {
            "get": _operation(_("My notification settings"), "200", "NoticeSettings"),
            "patch": _operation(
                _("Change my notification settings"),
                "200",
                "NoticeSettings",
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("NoticeSettingsChange")}},
                },
            ),
        },
        "/me/push-subscriptions/": {
            "post": _operation(
                _("Turn push notices on for a device"),
                "201",
                "Message",
                "404",
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": subscription}},
                },
            ),
            "delete": _operation(
                _("Turn push notices off for a device"),
                "200",
                "Message",
                "404",
                parameters=[endpoint],
            ),
        },
    }


@cache
def openapi_schema() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": _("Feedback Platform: the citizen API of the mobile app"),
            "version": "1",
            "description": _(
                "OAuth 2.0 authorization code with PKCE (S256) for public clients: /o/authorize/ "
                "(the platform's sign-in and a consent page), /o/token/. Every operation needs "
                "an access token with the scope «appeals» and acts for its user as a citizen. "
                "Errors are JSON in the language of Accept-Language (Russian by default)."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"oauth2": ["appeals"]}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": "/o/authorize/",
                            "tokenUrl": "/o/token/",
                            "scopes": {"appeals": _("Your appeals and notification settings")},
                        }
                    },
                }
            },
        },
    }
