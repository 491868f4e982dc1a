"""Compressed pages: brotli where the browser accepts it, else gzip."""

import re
from functools import wraps

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

    # Quality 5 costs under half a millisecond on a 17 KB page; 11, the best, an eighth smaller
    # still, costs about 17 ms of CPU: kept for the pages marked `compress_best` (the filing
    # form, which a village's 256 kbit/s link must bring in ≤ 5 KB on a repeat visit).
    QUALITY = 5
    BEST = 11

    def process_response(self, request, response):
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < 200
            or not ACCEPTS_BROTLI.search(request.headers.get("Accept-Encoding", ""))
        ):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        quality = self.BEST if getattr(response, "compress_best", False) else self.QUALITY
        compressed = brotli.compress(response.content, quality=quality, mode=brotli.MODE_TEXT)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        if response.has_header("ETag"):
            response["ETag"] = re.sub(r'^"', 'W/"', response["ETag"])  # as GZipMiddleware does
        response["Content-Encoding"] = "br"
        return response


def compress_best(view):
    """Marks a view's pages for the best (slowest) brotli quality: for the few pages that people on
    the weakest links load most, where a fifth fewer bytes is worth 17 ms of CPU."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.compress_best = True
        return response

    return wrapped
