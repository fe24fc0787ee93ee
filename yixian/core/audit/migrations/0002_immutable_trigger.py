"""The database itself refuses to edit the change log, whatever code asks.

PostgreSQL: no UPDATE at all, DELETE only of rows older than the retention floor (180 days,
DOMAIN_RULES §8). SQLite: no UPDATE (its test-database flush deletes rows, so DELETE is
guarded by the application only).
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION audit_objectchange_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.time < now() - interval '180 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_objectchange is append-only (变更记录不可修改或删除)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_objectchange_guard BEFORE UPDATE OR DELETE ON audit_objectchange
  FOR EACH ROW EXECUTE FUNCTION audit_objectchange_guard();
"""
PG_DOWN = (
    "DROP TRIGGER IF EXISTS audit_objectchange_guard ON audit_objectchange; DROP FUNCTION IF EXISTS audit_objectchange_guard();"
)
SQLITE_UP = """
CREATE TRIGGER audit_objectchange_no_update BEFORE UPDATE ON audit_objectchange
BEGIN SELECT RAISE(ABORT, 'audit_objectchange is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_objectchange_no_update;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
