"""Django admin as staff use it: open a change page, change some fields, press «Lagre».

The data posted is what the browser would send from the page's form (every field as it is filled
in, inlines included), so a test changes only what it names.
"""

from html.parser import HTMLParser

from django.urls import reverse

from tests.fixtures.data import PASSWORD


class _FormFields(HTMLParser):
    """The fields a browser would submit from one form of a page, as they are filled in."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.setdefault(attrs["name"], []).append(attrs.get("value") or "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields[attrs["name"]] = [attrs.get("value") or ""]
        elif tag == "select":
            self._select = attrs["name"]
            self.fields.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    return {name: values for name, values in parser.fields.items() if values}


def staff_post(staff, url, data):
    """POST as staff; answer «Bekreft at det er deg» with the password if asked. The final response,
    which must be the admin's redirect after a successful change."""
    response = staff.post(url, data)
    if response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate")):
        from tests.fixtures.mfa import reauthenticate

        response = reauthenticate(staff, response, PASSWORD)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def admin_save(staff, url, form_id, **changes):
    """Open an admin change page, change the named fields (False: untick), press «Lagre»."""
    page = staff.get(url)
    assert page.status_code == 200, page.status_code
    data = form_fields(page.content.decode(), form_id)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)  # an unticked checkbox is not sent
        else:
            data[name] = value
    return staff_post(staff, url, {**data, "_save": "Lagre"})
