"""(3) = (7) + (11) binds the lines of counted reports only.

A draft stores what the clerk typed so far (a half-filled form breaks the balance); the
identity is checked by the services when the report is sent, and here by the database for every
submitted or approved report. A CHECK cannot read the report's status, so two deferred
constraint triggers do it at commit: one when a line is written (its report is counted), one
when a report becomes counted (any of its lines broken). Deferred, so that a save writing the
status before the lines is judged on the final state of the transaction. The three sums (3),
(7), (11) stay CHECK constraints: a draft's totals are still the sums of its parts.
"""

from django.db import migrations

CHECK = """
CREATE FUNCTION dossiers_balance_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One indexed look-up per written row (by the line's primary key, or the report's lines by
  -- their report_id index), never a scan: the demo and national loads write many thousands.
  IF TG_TABLE_NAME = 'dossiers_dossierline' THEN
    PERFORM 1 FROM dossiers_dossierline l JOIN dossiers_dossierreport r ON r.id = l.report_id
      WHERE l.id = NEW.id AND r.status IN ('submitted', 'approved')
        AND l.received_total <> l.resolved_total + l.pending_total;
  ELSIF NEW.status IN ('submitted', 'approved') THEN
    PERFORM 1 FROM dossiers_dossierline l
      WHERE l.report_id = NEW.id AND l.received_total <> l.resolved_total + l.pending_total;
  END IF;
  IF FOUND THEN
    RAISE EXCEPTION 'dossierline_identity_balance: (3) = (7) + (11) broken in a counted report'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'dossierline_identity_balance';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER dossierline_balance AFTER INSERT OR UPDATE ON dossiers_dossierline
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dossiers_balance_check();
CREATE CONSTRAINT TRIGGER dossierreport_balance AFTER INSERT OR UPDATE OF status
  ON dossiers_dossierreport
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dossiers_balance_check();
"""
DROP = """
DROP TRIGGER IF EXISTS dossierline_balance ON dossiers_dossierline;
DROP TRIGGER IF EXISTS dossierreport_balance ON dossiers_dossierreport;
DROP FUNCTION IF EXISTS dossiers_balance_check();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CHECK)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0005_reopen_and_last_submission"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="dossierline",
            name="dossierline_identity_balance",
        ),
        migrations.RunPython(create, drop),
    ]
