from django.db import migrations


def load(apps, schema_editor):
    from cchc.service_index.indicators import GROUPS, INDICATORS

    ServiceIndicator = apps.get_model("service_index", "ServiceIndicator")
    for position, (code, group, title, points, threshold, kpi) in enumerate(INDICATORS, 1):
        ServiceIndicator.objects.update_or_create(code=code, defaults={
            "group": group, "group_title": GROUPS[group], "title": title, "points": points,
            "threshold_percent": threshold, "source": "kpi" if kpi else "entered",
            "kpi_key": kpi, "position": position})


class Migration(migrations.Migration):
    dependencies = [("service_index", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
