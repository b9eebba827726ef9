"""Evidence files (tài liệu kiểm chứng): what is accepted, checked before anything is stored.

A file is accepted when its extension is on the list AND its first bytes are those of that kind
of file (a renamed program or page is refused), and it is no larger than
``CCHC_EVIDENCE_MAX_BYTES`` (10 MiB by default).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from cchc.exports import XLSX

# extension -> (content type, accepted leading bytes)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Word/Excel
ZIP = b"PK\x03\x04"  # Office Open XML (docx, xlsx)
KINDS = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    "xlsx": (XLSX, (ZIP,)),
    "doc": ("application/msword", (OLE2,)),
    "xls": ("application/vnd.ms-excel", (OLE2,)),
}
ACCEPTED = "PDF, JPG, PNG, DOC, DOCX, XLS, XLSX"


def _size_text(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB".replace(".", ",")


def evidence_problems(upload) -> list[str]:
    """Why ``upload`` (a Django ``UploadedFile``) cannot be kept; empty when it can."""
    name = upload.name or ""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    limit = settings.CCHC_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        return [_("Tệp «%(name)s» nặng %(size)s, quá giới hạn %(limit)s: hãy nén hoặc tách "
                  "tệp rồi tải lên lại.") % {"name": name, "size": _size_text(upload.size),
                                              "limit": _size_text(limit)}]
    kind = KINDS.get(extension)
    if kind is None:
        return [_("Tệp «%(name)s»: loại tệp không được nhận. Chỉ nhận %(kinds)s.")
                % {"name": name, "kinds": ACCEPTED}]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in kind[1]):
        return [_("Tệp «%(name)s» không phải tệp %(ext)s thật (nội dung không khớp đuôi tệp). "
                  "Hãy lưu lại đúng định dạng rồi tải lên.") % {"name": name,
                                                             "ext": extension.upper()}]
    if upload.size == 0:
        return [_("Tệp «%(name)s» rỗng.") % {"name": name}]
    return []


def content_type_for(name: str) -> str:
    return KINDS[name.rpartition(".")[2].lower()][0]
