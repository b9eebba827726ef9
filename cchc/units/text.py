"""Text normalisation for Vietnamese unit names.

Two tone-mark conventions coexist (Hòa / Hoà, Thủy / Thuỷ) and spellings vary (Đăk / Đắk), so names
are stored in NFC and searched through an accent-free, lower-case "folded" form.
"""

import re
import unicodedata

_APOSTROPHES = re.compile(r"['’‘`´]")
_SEPARATORS = re.compile(r"[^0-9a-z]+")


def nfc(text: str) -> str:
    """The canonical composed form every stored name uses, with single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits separated by single spaces.

    "Hoà Tú 2", "Hòa Tú 2" and "hoa tu 2" all fold to "hoa tu 2"; "Đắk R'Lấp" to "dak rlap".
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _APOSTROPHES.sub("", stripped.lower())
    return _SEPARATORS.sub(" ", stripped).strip()
