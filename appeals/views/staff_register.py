"""Being written in this session."""

from django.http import Http404


def not_ready(request, *args, **kwargs):
    raise Http404
