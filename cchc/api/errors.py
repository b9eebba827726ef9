"""The API's errors: one JSON shape for all of them, ``{"detail": "…"}``, plus the parameter at
fault and the values it accepts for a bad query parameter (400)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, NotAuthenticated, NotFound
from rest_framework.views import exception_handler as drf_exception_handler


class BadParameter(APIException):
    """A query or path parameter the API cannot use: 400, naming it and what it accepts."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_parameter"

    def __init__(self, parameter: str, message: str, allowed: list[str] | None = None):
        detail = {"detail": message, "parameter": parameter}
        if allowed is not None:
            detail["allowed"] = [str(value) for value in allowed]
        super().__init__(detail)


class TokenRequired(NotAuthenticated):
    """Anonymous, and nothing public answers: 401 with the header saying how to authenticate."""

    default_detail = _(
        "Cần đăng nhập: gửi token trong tiêu đề «Authorization: Token <khoá>» (token do quản trị "
        "viên hệ thống cấp cho từng tài khoản). Không có token chỉ xem được danh mục đơn vị, kỳ "
        "báo cáo và số liệu tỉnh đã công bố công khai.")


class NotPublished(NotFound):
    default_detail = _("Không tìm thấy, hoặc tỉnh chưa công bố công khai số liệu này.")


def exception_handler(exc, context):
    """DRF's handler, with every body reduced to ``{"detail": …}`` (plus ``parameter`` and
    ``allowed`` for a bad parameter), so that one error schema describes them all."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        response.data = {key: data[key] for key in ("detail", "parameter", "allowed")
                         if key in data}
    else:  # a field-keyed validation error: name the first field
        if isinstance(data, dict) and data:
            field, messages = next(iter(data.items()))
            message = messages[0] if isinstance(messages, list) and messages else messages
            response.data = {"detail": str(message), "parameter": str(field)}
        else:
            response.data = {"detail": str(data)}
    return response
