"""The indicators of QĐ 766/QĐ-TTg, as loaded by the data migration (one place to read them).

Group points are the decision's; the split of each group into indicators and the thresholds of
the entered ones follow the decision's structure as summarised in docs/domain.md §6 and are marked
there as this app's reading. Two indicators come from form II.06a through ``reports.kpis``.
"""

from decimal import Decimal as D

GROUPS = {
    1: "Công khai, minh bạch",
    2: "Tiến độ giải quyết",
    3: "Dịch vụ trực tuyến",
    4: "Thanh toán trực tuyến",
    5: "Mức độ hài lòng",
    6: "Số hoá hồ sơ",
}

# (code, group, title, points, threshold %, kpi key or "")
INDICATORS = (
    ("1.1", 1, "Tỷ lệ TTHC được công khai đầy đủ, đúng hạn trên Cơ sở dữ liệu quốc gia",
     D(6), D(100), ""),
    ("1.2", 1, "Tỷ lệ hồ sơ được cập nhật trạng thái lên Cổng Dịch vụ công quốc gia",
     D(6), D(100), ""),
    ("1.3", 1, "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn", D(6), D(100), ""),
    ("2.1", 2, "Tiến độ giải quyết: hồ sơ giải quyết trước hạn, đúng hạn và đang giải quyết "
     "trong hạn trên tổng số hồ sơ đã và đang giải quyết", D(20), D(100), "progress_rate"),
    ("3.1", 3, "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình", D(4), D(80), ""),
    ("3.2", 3, "Tỷ lệ TTHC có phát sinh hồ sơ trực tuyến", D(4), D(50), ""),
    ("3.3", 3, "Tỷ lệ hồ sơ tiếp nhận trực tuyến trên tổng số hồ sơ tiếp nhận", D(4), D(50),
     "online_rate"),
    ("4.1", 4, "Tỷ lệ TTHC có yêu cầu nghĩa vụ tài chính được thanh toán trực tuyến",
     D(5), D(80), ""),
    ("4.2", 4, "Tỷ lệ giao dịch thanh toán trực tuyến", D(5), D(30), ""),
    ("5.1", 5, "Mức độ hài lòng trong tiếp nhận, giải quyết TTHC", D(18), D(90), ""),
    ("6.1", 6, "Tỷ lệ hồ sơ được số hoá khi tiếp nhận", D(8), D(100), ""),
    ("6.2", 6, "Tỷ lệ kết quả giải quyết được cấp bản điện tử", D(7), D(100), ""),
    ("6.3", 6, "Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hoá", D(7), D(50), ""),
)

# Bands of the total (docs/domain.md §6, marked unconfirmed there): the lowest score of each.
BANDS = ((D(90), "Xuất sắc"), (D(80), "Tốt"), (D(70), "Khá"), (D(50), "Trung bình"),
         (D(0), "Yếu"))
