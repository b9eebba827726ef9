"""Each role is a Django group with the permissions it needs; scope (which units) is the
profile's unit and is checked separately, in ``access.py``.
"""

from cchc.accounts.models import Role

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.UNIT_STAFF: ("dossiers.view_dossierreport", "dossiers.submit_dossierreport"),
    Role.REVIEWER: ("dossiers.view_dossierreport", "dossiers.submit_dossierreport",
                    "dossiers.review_dossierreport"),
    Role.PROVINCIAL_OFFICE: ("dossiers.view_dossierreport", "dossiers.submit_dossierreport",
                             "dossiers.review_dossierreport"),
    Role.NATIONAL: ("dossiers.view_dossierreport",),
    Role.ADMINISTRATOR: ("dossiers.view_dossierreport", "dossiers.submit_dossierreport",
                         "dossiers.review_dossierreport",
                         "dossiers.change_locked_dossierreport"),
}


def group_name(role: str) -> str:
    return str(Role(role).label)
