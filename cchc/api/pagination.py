"""Every list of the API is paginated the same way: ``?page=`` (from 1) and ``?page_size=``
(default 100, at most 1000), in a stable order, with links to the next and previous pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from cchc.api.errors import BadParameter

PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000

PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1},
                     description="Trang, từ 1 (mặc định 1)."),
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                     description=f"Số dòng mỗi trang, 1–{MAX_PAGE_SIZE} "
                                 f"(mặc định {PAGE_SIZE})."),
]


def _positive(request, name: str, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or (maximum and int(raw) > maximum):
        allowed = f"1–{maximum}" if maximum else "≥ 1"
        raise BadParameter(name, _("«%(name)s» phải là số nguyên %(allowed)s, không phải "
                                   "«%(value)s».") % {"name": name, "allowed": allowed,
                                                      "value": raw[:40]}, [allowed])
    return int(raw)


class Pagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return _positive(request, self.page_size_query_param, MAX_PAGE_SIZE) or self.page_size

    def get_page_number(self, request, paginator):
        return _positive(request, self.page_query_param) or 1

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = self.get_page_number(request, paginator)
        if number > max(paginator.num_pages, 1):
            raise NotFound(_("Không có trang %(page)s: chỉ có %(pages)s trang.")
                           % {"page": number, "pages": max(paginator.num_pages, 1)})
        self.page = paginator.page(number)
        return list(self.page)

    def get_paginated_response(self, data, extra: dict | None = None):
        return Response({**(extra or {}), "count": self.page.paginator.count,
                         "next": self.get_next_link(), "previous": self.get_previous_link(),
                         "results": data})
