"""``Authorization: Token <key>``: DRF's token authentication, refusing in one clear message
(DRF's own are not all translated) a key that is malformed, unknown, revoked, or whose account
is deactivated."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(authentication.TokenAuthentication):
    message = _("Token không hợp lệ: sai, đã bị thu hồi, hoặc tài khoản đã bị khoá. Hãy đề nghị "
                "quản trị viên hệ thống cấp token mới cho tài khoản của bạn (lệnh «python "
                "manage.py api_token <tên đăng nhập>» trên máy chủ).")

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except AuthenticationFailed as exc:
            raise AuthenticationFailed(self.message) from exc
