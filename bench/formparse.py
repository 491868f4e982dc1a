"""Tiny stdlib HTML form extractor shared by the locustfile and bench.py.

Finds the first <form> that contains every field name in `must_have` (by default
just `csrfmiddlewaretoken`) and returns its action/method and the default
values of its <input>/<select>/<textarea> fields, the way a browser would
submit them untouched.  File inputs, buttons and unchecked boxes are skipped.
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._select_first = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            typ = (a.get("type") or "text").lower()
            if typ in ("file", "submit", "button", "image", "reset"):
                return
            if typ in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].setdefault(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            self._form["fields"].setdefault(name, "")
        elif tag == "option" and self._select:
            val = a.get("value", "")
            if self._select_first is None:
                self._select_first = val
                self._form["fields"][self._select] = val
            if "selected" in a:
                self._form["fields"][self._select] = val
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"].setdefault(name, "")

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def extract_form(html, must_have=("csrfmiddlewaretoken",)):
    p = _FormParser()
    p.feed(html)
    for f in p.forms:
        if all(m in f["fields"] for m in must_have):
            return f
    raise ValueError(f"no <form> with fields {must_have} found")


def fill(fields, overrides, n):
    """Defaults from the page, then the target's overrides ('{n}' = sequence no.)."""
    data = dict(fields)
    for k, v in overrides.items():
        data[k] = str(v).replace("{n}", str(n))
    return data
