"""Compressed pages: brotli where the browser accepts it, else gzip."""

import re

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

ACCEPTS_BROTLI = re.compile(r"\bbr\b")


class CompressionMiddleware(GZipMiddleware):
    """Pages compressed with brotli where the browser accepts it, else gzip (Django's
    GZipMiddleware, whose conditions apply: not streaming, at least 200 bytes, not compressed
    already). Brotli makes the filing form's page about a fifth smaller than gzip — on a 256 kbit/s
    link the page is most of a repeat visit. BREACH: as with gzip, Django masks the CSRF token
    afresh in every response, so the compressed size tells nothing about it."""

    SMALL_PAGE = 32 * 1024  # up to this size the best (slowest) quality costs ~25 ms at most

    def process_response(self, request, response):
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < 200
            or not ACCEPTS_BROTLI.search(request.headers.get("Accept-Encoding", ""))
        ):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        quality = 11 if len(response.content) <= self.SMALL_PAGE else 5
        compressed = brotli.compress(response.content, quality=quality, mode=brotli.MODE_TEXT)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        if response.has_header("ETag"):
            response["ETag"] = re.sub(r'^"', 'W/"', response["ETag"])  # as GZipMiddleware does
        response["Content-Encoding"] = "br"
        return response
