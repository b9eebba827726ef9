"""Figures published in the press that the demo places on their real units (docs/domain.md §1).

Each figure names its unit by list and code, so it lands on the unit that reported it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class YearDossiers:
    """A year's dossier figures for one unit, or summed over the communes of a district."""

    unit_code: str  # in the list before 2025
    year: int
    communes_of_district: bool  # True: the sum over the district's communes
    received: int  # (3)
    resolved: int  # (7)
    in_time: int  # (8) + (9)
    early: int | None  # (8), where published
    source: str


@dataclass(frozen=True)
class PublishedIndex:
    unit_code: str
    year: int
    level: str  # scheme level
    points: Decimal
    rank: int | None
    rank_of: int | None
    band: str  # as published; empty where the article gives none
    source: str


DAK_RLAP = "666"  # Huyện Đắk R'Lấp, tỉnh Đắk Nông
NHAN_CO = "24751"  # Xã Nhân Cơ, huyện Đắk R'Lấp
AN_MY = "31564"  # Xã An Mỹ, huyện Kế Sách, tỉnh Sóc Trăng
KE_SACH = "943"
SOC_TRANG = "94"
CAN_THO = "92"  # Thành phố Cần Thơ (list from 2025), which Sóc Trăng joined
NHON_MY = "31552"  # Xã Nhơn Mỹ (list from 2025), successor of Xã An Mỹ
DAK_NONG = "67"

DOSSIERS = (
    YearDossiers(DAK_RLAP, 2023, False, 20_593, 18_207, 17_635, None,
                 "Huyện Đắk R'Lấp, kết quả CCHC năm 2023 (cấp huyện)"),
    YearDossiers(DAK_RLAP, 2023, True, 18_094, 18_088, 18_061, None,
                 "Huyện Đắk R'Lấp, kết quả CCHC năm 2023 (cấp xã)"),
    YearDossiers(AN_MY, 2022, False, 3_517, 3_517, 3_517, 3_494,
                 "Xã An Mỹ, huyện Kế Sách, kết quả CCHC năm 2022"),
)

INDEXES = (
    PublishedIndex(DAK_RLAP, 2023, "district", Decimal("85.40"), 2, 8, "",
                   "Chỉ số CCHC năm 2023 của huyện Đắk R'Lấp: 85,4 điểm, xếp thứ 2/8"),
    PublishedIndex(DAK_RLAP, 2022, "district", Decimal("72.89"), None, None, "",
                   "Năm 2022: 85,4 − 12,51 điểm"),
    PublishedIndex(NHAN_CO, 2023, "commune", Decimal("89.07"), None, None, "",
                   "Chỉ số CCHC năm 2023 của xã Nhân Cơ"),
    PublishedIndex(AN_MY, 2022, "commune", Decimal("90.92"), 1, None, "Rất tốt",
                   "Chỉ số CCHC năm 2022 của xã An Mỹ: 90,92 %, rất tốt, dẫn đầu các xã"),
    PublishedIndex(AN_MY, 2021, "commune", Decimal("83.25"), None, None, "",
                   "Năm 2021: 90,92 − 7,67 điểm"),
    PublishedIndex(SOC_TRANG, 2020, "province", Decimal("85.19"), 19, 63, "Nhóm B",
                   "PAR Index 2020 tỉnh Sóc Trăng: 85,19 %, nhóm B, xếp thứ 19/63"),
)
