"""A province's PAR ranking shows what exists below it when its own level has no results."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cchc.demo import public

pytestmark = pytest.mark.django_db


def test_a_provinces_ranking_without_a_scheme_links_to_the_results_one_level_down(demo, client):
    client.force_login(get_user_model().objects.get(username="tinh"))
    response = client.get(reverse("scores:ranking", args=["2008", public.SOC_TRANG, 2022]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Chưa có bộ chỉ số cho năm 2022." not in text
    assert "Kết quả Chỉ số CCHC năm 2022 của cấp dưới" in text
    assert f'data-below="{public.KE_SACH}"' in text
    below = client.get(reverse("scores:ranking", args=["2008", public.KE_SACH, 2022]))
    assert below.status_code == 200 and "Xã An Mỹ" in below.content.decode()


def test_a_year_with_nothing_anywhere_still_says_there_is_no_scheme(demo, client):
    client.force_login(get_user_model().objects.get(username="tinh"))
    response = client.get(reverse("scores:ranking", args=["2008", public.SOC_TRANG, 2012]))
    assert "Chưa có bộ chỉ số cho năm 2012." in response.content.decode()
