from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import BaseCommand
from cchc.dossiers.rollups import rollups_verify
from cchc.formatting import format_count

SHOWN = 50


class Command(BaseCommand):
    help = gettext_lazy(
        "Đối chiếu số liệu tổng hợp sẵn với các dòng số liệu gốc. Khớp: mã thoát 0. Lệch: in "
        "các dòng lệch và trả mã lỗi khác 0 (sửa bằng 'rebuild_rollups')."
    )

    def handle(self, *args, **options):
        mismatches = rollups_verify()
        if not mismatches:
            self.stdout.write(self.style.SUCCESS(
                _("Số liệu tổng hợp khớp với số liệu gốc.")))
            return
        for mismatch in mismatches[:SHOWN]:
            self.stderr.write(mismatch.describe())
        raise CommandError(_(
            "%(count)s dòng tổng hợp lệch với số liệu gốc (in %(shown)s dòng đầu). Chạy "
            "'python manage.py rebuild_rollups' để tính lại."
        ) % {"count": format_count(len(mismatches)), "shown": min(SHOWN, len(mismatches))})
