from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Reject absurdly long passwords (NIST asks us to allow at least 64 characters).

    Django ships only a minimum-length validator; the maximum keeps hashing cost bounded.
    """

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "Passordet kan ha høyst %(max_length)d tegn.",
                    "Passordet kan ha høyst %(max_length)d tegn.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return _("Passordet kan ha høyst %(max_length)d tegn.") % {"max_length": self.max_length}
