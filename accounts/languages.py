"""The languages circles form in: ISO 639-1 codes and the names people read."""

LANGUAGE_CHOICES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("tr", "Turkish"),
    ("ar", "Arabic"),
    ("hi", "Hindi"),
    ("ur", "Urdu"),
    ("bn", "Bengali"),
    ("zh", "Chinese"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("ru", "Russian"),
    ("uk", "Ukrainian"),
]

_NAMES = dict(LANGUAGE_CHOICES)


def language_name(code: str) -> str:
    """ "Spanish" for "es"; an unknown code is shown as it is."""
    return _NAMES.get(code, code)
