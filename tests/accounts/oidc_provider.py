"""A small OpenID Connect provider on loopback, standing in for ESIA (Госуслуги) in tests.

It serves discovery, the authorization endpoint (a sign-in page with one button, or an immediate
redirect), the token endpoint (client secret, single-use codes, PKCE S256, redirect URI check),
userinfo and JWKS; ID tokens are RS256-signed with joserfc (the JOSE library of the Authlib project). It runs in a
thread of the test process and speaks real HTTP, so allauth does all of its own work.
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class Provider:
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    claims: dict
    sign_in_page: bool = False
    issuer: str = ""
    key: object = None
    codes: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)

    def id_token(self, *, nonce: str | None) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "sub": self.claims["sub"],
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
        }
        if nonce:
            payload["nonce"] = nonce
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, payload, self.key)


def _challenge(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def _handler(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 — http.server's signature
            pass

        def _send(self, status: int, body, content_type="application/json", headers=None):
            data = (json.dumps(body) if content_type == "application/json" else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 — http.server's hook name
            url = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            provider.requests.append(("GET", url.path))
            if url.path == "/.well-known/openid-configuration":
                return self._send(
                    200,
                    {
                        "issuer": provider.issuer,
                        "authorization_endpoint": f"{provider.issuer}/authorize",
                        "token_endpoint": f"{provider.issuer}/token",
                        "userinfo_endpoint": f"{provider.issuer}/userinfo",
                        "jwks_uri": f"{provider.issuer}/jwks",
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": [
                            "client_secret_post",
                            "client_secret_basic",
                        ],
                        "code_challenge_methods_supported": ["S256"],
                        "scopes_supported": ["openid", "profile", "email", "phone"],
                    },
                )
            if url.path == "/jwks":
                return self._send(200, {"keys": [provider.key.as_dict(private=False)]})
            if url.path == "/authorize":
                return self._authorize(query, approve=query.get("approve") == "1")
            if url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in provider.tokens:
                    return self._send(401, {"error": "invalid_token"})
                return self._send(200, provider.claims)
            return self._send(404, {"error": "not_found"})

        def _authorize(self, query: dict, *, approve: bool):
            if (
                query.get("client_id") != provider.client_id
                or query.get("redirect_uri") not in provider.redirect_uris
            ):
                return self._send(400, "<p>unknown client or redirect_uri</p>", "text/html")
            if (
                query.get("response_type") != "code"
                or "openid" not in query.get("scope", "").split()
            ):
                return self._send(
                    302,
                    "",
                    "text/plain",
                    {
                        "Location": query["redirect_uri"]
                        + "?"
                        + urlencode({"error": "invalid_request", "state": query.get("state", "")})
                    },
                )
            if not approve and provider.sign_in_page:
                approve_url = "/authorize?" + urlencode({**query, "approve": "1"})
                page = (
                    '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Госуслуги — вход</title></head>'
                    "<body><main><h1>Вход на Госуслуги (тестовый провайдер)</h1>"
                    f'<p><a href="{html.escape(approve_url)}">Войти как {html.escape(provider.claims["given_name"])}</a></p>'
                    "</main></body></html>"
                )
                return self._send(200, page, "text/html")
            code = secrets.token_urlsafe(16)
            provider.codes[code] = {
                "redirect_uri": query["redirect_uri"],
                "nonce": query.get("nonce"),
                "challenge": query.get("code_challenge"),
                "method": query.get("code_challenge_method"),
            }
            location = (
                query["redirect_uri"]
                + "?"
                + urlencode({"code": code, "state": query.get("state", "")})
            )
            return self._send(302, "", "text/plain", {"Location": location})

        def do_POST(self):  # noqa: N802 — http.server's hook name
            provider.requests.append(("POST", self.path))
            if self.path != "/token":
                return self._send(404, {"error": "not_found"})
            length = int(self.headers.get("Content-Length", "0"))
            form = {
                key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()
            }
            client_id, secret = form.get("client_id"), form.get("client_secret")
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            if client_id != provider.client_id or secret != provider.client_secret:
                return self._send(401, {"error": "invalid_client"})
            grant = provider.codes.pop(form.get("code", ""), None)  # single use
            if form.get("grant_type") != "authorization_code" or grant is None:
                return self._send(400, {"error": "invalid_grant"})
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return self._send(
                    400, {"error": "invalid_grant", "error_description": "redirect_uri"}
                )
            if grant["challenge"] and (
                grant["method"] != "S256"
                or _challenge(form.get("code_verifier", "")) != grant["challenge"]
            ):
                return self._send(400, {"error": "invalid_grant", "error_description": "PKCE"})
            access_token = secrets.token_urlsafe(24)
            provider.tokens[access_token] = True
            return self._send(
                200,
                {
                    "access_token": access_token,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": provider.id_token(nonce=grant["nonce"]),
                    "scope": "openid profile email phone",
                },
            )

    return Handler


class RunningProvider:
    """Context manager: the provider listening on 127.0.0.1 in a thread."""

    def __init__(self, **kwargs):
        self.provider = Provider(**kwargs)
        self.provider.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})

    def __enter__(self) -> Provider:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.provider))
        self.provider.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.provider

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


CLIENT_ID = "pos-kamchatka"
CLIENT_SECRET = "s3cret-from-esia"


def esia_provider(*, redirect_uris: list[str], claims: dict, **kwargs) -> RunningProvider:
    """The provider registered with our client id and secret (use as a context manager)."""
    return RunningProvider(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=redirect_uris,
        claims=dict(claims),
        **kwargs,
    )


def esia_settings(provider: Provider, **app_settings) -> dict:
    """SOCIALACCOUNT_PROVIDERS for «Войти через Госуслуги» against `provider`."""
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "esia",
                    "name": "Госуслуги",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": provider.issuer, **app_settings},
                }
            ],
        }
    }
