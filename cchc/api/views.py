"""The read-only JSON API (``/api/v1/``): units, periods, figures, rankings and PAR results.

Only GET (and HEAD, OPTIONS). Authentication by token (``Authorization: Token <key>``) or by
the browser's session; scoping as on the web (``cchc.api.data``). docs/api.md describes it,
``/api/v1/schema/`` is its OpenAPI 3 description.
"""

from __future__ import annotations

from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.api import data, params
from cchc.api import serializers as out
from cchc.api.errors import BadParameter
from cchc.api.pagination import PARAMETERS as PAGE_PARAMETERS
from cchc.api.pagination import Pagination
from cchc.dossiers.scopes import SCOPES
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.publication import selectors as public
from cchc.ranking import ranked_count
from cchc.units.models import AdministrativeUnit, Level, UnitList
from cchc.units.selectors import unit_search
from reports import selectors
from reports.kpis import DEFAULT_KPI, KPIS, RANKABLE

P = OpenApiParameter
ERRORS = {400: out.ErrorSerializer, 401: out.ErrorSerializer, 404: out.ErrorSerializer}

UNIT_PATH = [
    P("unit_list", str, P.PATH, enum=UnitList.values,
      description="Danh mục: 2008 (63 tỉnh, 3 cấp, đến 30/6/2025) hoặc 2025 (34 tỉnh, 2 cấp)."),
    P("code", str, P.PATH, pattern=r"^[0-9]{1,5}$", description="Mã đơn vị của TCTK."),
]
PERIOD_PATH = P("period", str, P.PATH, pattern=r"^\d{4}(-(Q[1-4]|H1|9M|M(0[1-9]|1[0-2])))?$",
                description="Kỳ báo cáo: 2024-Q4 (quý), 2024-H1, 2024-9M, 2024 (năm), "
                            "2024-M03 (tháng).")
YEARS = {"type": "integer", "minimum": params.YEARS[0], "maximum": params.YEARS[1]}
YEAR_PATH = P("year", YEARS, P.PATH,
              description="Năm đánh giá Chỉ số CCHC.")
LEVEL_BELOW = P("level", int, enum=[Level.DISTRICT, Level.COMMUNE],
                description="Mọi đơn vị của cấp này dưới đơn vị (2: huyện, 3: xã); bỏ trống: "
                            "các đơn vị trực thuộc.")
KPI = P("kpi", str, enum=list(RANKABLE), default=DEFAULT_KPI,
        description="Chỉ tiêu xếp hạng (reports.kpis).")
SCOPE = P("scope", str, enum=list(SCOPES),
          description="Phạm vi số liệu: subtree = đơn vị và mọi đơn vị trực thuộc (mặc định "
                      "với tỉnh, huyện); own = riêng báo cáo của đơn vị. Xã chỉ có own.")


class ReadOnlyView(APIView):
    """Public by default; views with reported figures decide in ``cchc.api.data``."""

    permission_classes = [AllowAny]
    http_method_names = ["get", "head", "options"]

    def paginate(self, items, extra: dict, serializer, *, each=None, page=None) -> Response:
        """One page of ``items`` in ``serializer``'s envelope, each item rendered by ``each``
        (or the whole page at once by ``page``: one query for a page of units)."""
        paginator = Pagination()
        chosen = paginator.paginate_queryset(items, self.request, view=self)
        rows = page(chosen) if page else [each(item) for item in chosen]
        response = paginator.get_paginated_response(rows, extra)
        response.data = serializer(response.data).data
        return response


# --- index and schema ------------------------------------------------------------------------


class Root(ReadOnlyView):
    @extend_schema(operation_id="api_root", summary="Các điểm vào của API",
                   responses={200: inline_serializer("ApiRoot", {
                       "schema": serializers.URLField(), "units": serializers.URLField(),
                       "periods": serializers.URLField(), "docs": serializers.CharField()}),
                       401: out.ErrorSerializer})
    def get(self, request):
        def url(name):
            return request.build_absolute_uri(reverse(name))
        return Response({"schema": url("api:schema"), "units": url("api:units"),
                         "periods": url("api:periods"), "docs": "docs/api.md"})


class Schema(SpectacularAPIView):
    """The OpenAPI 3 description: JSON, or YAML with ``?format=yaml``."""

    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer, OpenApiYamlRenderer,
                        OpenApiYamlRenderer2]  # application/json unless asked otherwise
    permission_classes = [AllowAny]


# --- units -----------------------------------------------------------------------------------


class Units(ReadOnlyView):
    @extend_schema(
        operation_id="units_list", summary="Danh mục đơn vị hành chính",
        description="Mọi đơn vị của hai danh mục (tham chiếu công khai, không cần token). "
                    "Sắp xếp theo danh mục, mã; khi tìm (q) theo cấp, danh mục, mã.",
        parameters=[
            P("list", str, enum=UnitList.values, description="Chỉ một danh mục."),
            P("level", int, enum=[1, 2, 3], description="Cấp: 1 tỉnh, 2 huyện, 3 xã."),
            P("parent", str, pattern=r"^[0-9]{1,5}$", description="Mã đơn vị cấp trên."),
            P("q", {"type": "string", "maxLength": 100},
              description="Tên (không phân biệt dấu) hoặc mã."),
            P("as_of", OpenApiTypes.DATE, description="Chỉ đơn vị còn hiệu lực vào ngày này."),
            *PAGE_PARAMETERS],
        responses={200: out.UnitPageSerializer, **ERRORS})
    def get(self, request):
        unit_list = params.choice_param(request, "list", UnitList.values)
        level = params.choice_param(request, "level", ["1", "2", "3"])
        parent = request.query_params.get("parent")
        query = params.text_param(request, "q")
        as_of = params.date_param(request, "as_of")
        if query:
            units = unit_search(query, unit_list)
        else:
            units = AdministrativeUnit.objects.select_related("parent").order_by(
                "unit_list", "code")
            if unit_list:
                units = units.filter(unit_list=unit_list)
        units = units.select_related("province")
        if level:
            units = units.filter(level=int(level))
        if parent:
            units = units.filter(parent__code=params.code_param(parent, "parent"))
        if as_of:
            units = units.as_of(as_of)
        return self.paginate(units, {}, out.UnitPageSerializer, each=out.unit_item)


class UnitDetail(ReadOnlyView):
    @extend_schema(operation_id="units_detail", summary="Một đơn vị",
                   description="Hiệu lực, cấp trên, tỉnh, đơn vị cũ và đơn vị mới (cải cách "
                               "2025). Công khai.",
                   parameters=UNIT_PATH, responses={200: out.UnitDetailSerializer, **ERRORS})
    def get(self, request, unit_list: str, code: str):
        unit = data.unit_get(unit_list, code)
        return Response(out.UnitDetailSerializer(out.unit_detail(unit)).data)


# --- periods ---------------------------------------------------------------------------------


class PeriodList(ReadOnlyView):
    @extend_schema(
        operation_id="periods_list", summary="Kỳ báo cáo",
        description="Các kỳ đã thiết lập, mới nhất trước. Công khai.",
        parameters=[P("kind", str, enum=PeriodKind.values, description="Loại kỳ."),
                    P("year", YEARS, description="Năm."),
                    *PAGE_PARAMETERS],
        responses={200: out.PeriodPageSerializer, **ERRORS})
    def get(self, request):
        periods = ReportingPeriod.objects.order_by("-end", "kind", "code")
        kind = params.choice_param(request, "kind", PeriodKind.values)
        if kind:
            periods = periods.filter(kind=kind)
        year = request.query_params.get("year")
        if year:
            if not (year.isascii() and year.isdigit()):
                raise BadParameter("year", _("«year»: số nguyên, ví dụ 2024."),
                                        [f"{params.YEARS[0]}–{params.YEARS[1]}"])
            periods = periods.filter(year=params.year_param(int(year)))
        return self.paginate(periods, {}, out.PeriodPageSerializer, each=out.period_item)


class PeriodDetail(ReadOnlyView):
    @extend_schema(operation_id="periods_detail", summary="Một kỳ báo cáo",
                   parameters=[PERIOD_PATH], responses={200: out.PeriodSerializer, **ERRORS})
    def get(self, request, period: str):
        return Response(out.PeriodSerializer(out.period_item(params.period_get(period))).data)


# --- figures and rankings --------------------------------------------------------------------

DATA_NOTE = ("Trong phạm vi của người dùng: số liệu hiện hành (source=live). Ngoài phạm vi "
             "hoặc không có token: chỉ số liệu tỉnh đã công bố (source=published), khi trang "
             "công khai của tỉnh đang bật; nếu không: 401 không có token, 404 có token.")


class Figures(ReadOnlyView):
    @extend_schema(
        operation_id="figures", summary="Số liệu và chỉ tiêu của một đơn vị trong một kỳ",
        description="12 số đếm của biểu II.06a và mọi chỉ tiêu của reports.kpis, như trang "
                    "tổng hợp của đơn vị. " + DATA_NOTE,
        parameters=[*UNIT_PATH, PERIOD_PATH, SCOPE],
        responses={200: out.FiguresSerializer, **ERRORS})
    def get(self, request, unit_list: str, code: str, period: str):
        unit, access = data.unit_for_data(request, unit_list, code)
        period = params.period_get(period)
        scope = params.scope_param(request, unit.level)
        figures = data.live_figures(unit, period, scope) if access == data.LIVE else \
            data.published_figures(unit, period, scope)
        return Response(out.FiguresSerializer(
            out.figures_body(unit, period, figures, scope)).data)


class Asked(NamedTuple):
    """What a request about the units below a unit names: the unit and how it may be read,
    the period, the KPI (rankings), the level and the scope, and the page's shared fields."""

    root: AdministrativeUnit
    access: str
    period: ReportingPeriod
    kpi_key: str | None
    level: int | None
    scope: str
    extra: dict


def units_below_asked(request, unit_list: str, code: str, period: str, *,
                      ranking: bool = False) -> Asked:
    root, access = data.unit_for_data(request, unit_list, code)
    period = params.period_get(period)
    kpi_key = params.kpi_param(request) if ranking else None
    level = params.level_param(request)
    scope = params.scope_param(request, selectors.ranked_level(root, level))
    extra = {"unit": out.unit_ref(root), "period": out.period_ref(period),
             "source": access, "published_at": None, "level": level, "scope": scope}
    return Asked(root, access, period, kpi_key, level, scope, extra)


class Below(ReadOnlyView):
    @extend_schema(
        operation_id="figures_below", summary="Số liệu từng đơn vị cấp dưới",
        description="Một dòng cho mỗi đơn vị trực thuộc (hoặc mỗi đơn vị của cấp level), theo "
                    "mã, trong phạm vi scope, như tệp CSV theo đơn vị. " + DATA_NOTE,
        parameters=[*UNIT_PATH, PERIOD_PATH, LEVEL_BELOW, SCOPE, *PAGE_PARAMETERS],
        responses={200: out.BelowPageSerializer, **ERRORS})
    def get(self, request, unit_list: str, code: str, period: str):
        root, access, period, _kpi, level, scope, extra = units_below_asked(
            request, unit_list, code, period)
        if access == data.LIVE:
            units = selectors.ranking_units(root, period, level=level)

            def rows_of(page):
                return [out.compact_row(out.unit_ref(row.unit),
                                         row.totals if row.has_figures else None)
                        for row in selectors.unit_rows(page, period, scope)]
            return self.paginate(units, extra, out.BelowPageSerializer, page=rows_of)
        publication = data.publication_for(root, period)
        extra["published_at"] = publication.published_at
        rows = sorted(public.published_below(publication, root, level, scope=scope),
                      key=lambda r: r.code)
        return self.paginate(rows, extra, out.BelowPageSerializer, each=lambda row: (
            out.compact_row(out.entry_ref(root.unit_list, vars(row)), row.totals)))


class Ranking(ReadOnlyView):
    @extend_schema(
        operation_id="ranking", summary="Xếp hạng các đơn vị cấp dưới theo một chỉ tiêu",
        description="Như trang xếp hạng (reports.selectors.ranking): trùng giá trị cùng hạng "
                    "(1, 2, 2, 4), đơn vị không có giá trị xếp cuối, không hạng; hạng kỳ trước "
                    "cùng loại. Số liệu công bố: chỉ bảng xếp hạng của tỉnh. " + DATA_NOTE,
        parameters=[*UNIT_PATH, PERIOD_PATH, KPI, LEVEL_BELOW, SCOPE, *PAGE_PARAMETERS],
        responses={200: out.RankingPageSerializer, **ERRORS})
    def get(self, request, unit_list: str, code: str, period: str):
        root, access, period, kpi_key, level, scope, extra = units_below_asked(
            request, unit_list, code, period, ranking=True)
        kpi = KPIS[kpi_key]
        extra["kpi"] = out.kpi_definition(kpi)
        if access == data.LIVE:
            result = selectors.ranking(selectors.ranking_units(root, period, level=level),
                                       period, kpi_key, scope=scope)
            extra.update(rank_of=result.size,
                         previous_period=result.previous.code if result.previous else None)
            return self.paginate(result.rows, extra, out.RankingPageSerializer,
                                 each=lambda row: out.rank_row(
                                     out.unit_ref(row.unit), row.has_figures,
                                     row.rank, result.size, row.previous_rank, kpi,
                                     row.values[kpi_key]))
        publication = data.publication_for(root, period)
        rows, previous, previous_ranks = data.published_ranking(publication, root, level,
                                                                kpi_key, scope)
        size = ranked_count(rows)
        extra.update(published_at=publication.published_at, rank_of=size,
                     previous_period=previous.period.code if previous else None)
        return self.paginate(rows, extra, out.RankingPageSerializer, each=lambda row: (
            out.rank_row(out.entry_ref(root.unit_list, vars(row)), row.has_figures, row.rank,
                          size, previous_ranks.get(row.code), kpi, row.values[kpi_key])))


# --- PAR -------------------------------------------------------------------------------------

PAR_NOTE = ("Trong phạm vi: mọi kết quả, cả chưa công bố (như trang kết quả). Ngoài phạm vi "
            "hoặc không có token: chỉ kết quả đã công bố của tỉnh có trang công khai, với điểm, "
            "hạng và xếp loại như lúc công bố.")


class ParResult(ReadOnlyView):
    @extend_schema(operation_id="par_result", summary="Kết quả Chỉ số CCHC của một đơn vị",
                   description="Điểm, điểm tối đa, chỉ số %, hạng/số đơn vị, xếp loại "
                               "(cchc.scores.selectors). " + PAR_NOTE,
                   parameters=[*UNIT_PATH, YEAR_PATH],
                   responses={200: out.ParResultSerializer, **ERRORS})
    def get(self, request, unit_list: str, code: str, year: int):
        unit, access = data.unit_for_data(request, unit_list, code)
        body = data.par_own(unit, params.year_param(year), access)
        return Response(out.ParResultSerializer(body).data)


class ParBelow(ReadOnlyView):
    @extend_schema(operation_id="par_ranking", summary="Xếp hạng Chỉ số CCHC các đơn vị "
                                                       "trực thuộc",
                   description="Như trang xếp hạng Chỉ số CCHC (par_ranking), tốt nhất trước. "
                               + PAR_NOTE,
                   parameters=[*UNIT_PATH, YEAR_PATH, *PAGE_PARAMETERS],
                   responses={200: out.ParPageSerializer, **ERRORS})
    def get(self, request, unit_list: str, code: str, year: int):
        unit, access = data.unit_for_data(request, unit_list, code)
        scheme, results = data.par_below(unit, params.year_param(year), access)
        extra = {"unit": out.unit_ref(unit), "year": year, "source": access, "scheme": scheme}
        return self.paginate(results, extra, out.ParPageSerializer, each=lambda body: body)


# --- anything else under /api/v1/ ------------------------------------------------------------


class NotFoundView(ReadOnlyView):
    """Unknown addresses under /api/v1/ answer JSON too, not the HTML 404 page."""

    renderer_classes = [JSONRenderer]

    @extend_schema(exclude=True)
    def get(self, request, rest: str = ""):
        raise NotFound(_("Không có địa chỉ này trong API: xem /api/v1/schema/."))
