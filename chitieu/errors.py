"""Errors the product reports to people: a stable code and a message in Vietnamese and English."""
from __future__ import annotations


class UserError(Exception):
    """An expected failure caused by input (a bad file, an unknown locality...).

    The command line prints `vi` then `en` and exits with `exit_code`; the dashboard shows `vi`
    (or `en`). Never a traceback.
    """

    exit_code = 2

    def __init__(self, code: str, vi: str, en: str, exit_code: int | None = None):
        super().__init__(f"{vi} / {en}")
        self.code = code
        self.vi = vi
        self.en = en
        if exit_code is not None:
            self.exit_code = exit_code

    def message(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi
