"""Full-text search over learning sheets: a GIN-indexed tsvector table on PostgreSQL, an FTS5
virtual table on SQLite. Neither is a Django model: ``services.learning_index`` keeps them in
step with the sheets, ``selectors.learning_search`` reads them. Existing sheets are indexed here.
"""

from django.db import migrations

POSTGRES_UP = [
    # No foreign key: Django's flush truncates only its models' tables, and PostgreSQL refuses
    # to truncate a table another references. The selector answers only sheets that exist and
    # are published, so a row left by a deleted sheet is never shown.
    "CREATE TABLE reviews_learning_search ("
    " sheet_id bigint PRIMARY KEY,"
    " document tsvector NOT NULL)",
    "CREATE INDEX reviews_learning_search_gin ON reviews_learning_search USING GIN (document)",
]
POSTGRES_DOWN = ["DROP TABLE IF EXISTS reviews_learning_search"]
SQLITE_UP = [
    "CREATE VIRTUAL TABLE reviews_learning_fts USING fts5("
    "title, body, tokenize = 'porter unicode61')",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS reviews_learning_fts"]


def _run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_UP)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_UP)
    else:
        return
    # The sheets already written, indexed as services.learning_index indexes them (the
    # migration keeps its own copy so that it does not change when the service does).
    LearningSheet = apps.get_model("reviews", "LearningSheet")
    with schema_editor.connection.cursor() as cursor:
        for sheet in LearningSheet.objects.prefetch_related("themes"):
            body = "\n".join(
                [
                    sheet.what_happened,
                    sheet.good_practice,
                    sheet.learning,
                    sheet.do_differently,
                    *(t.name for t in sheet.themes.all()),
                ]
            )
            if vendor == "postgresql":
                cursor.execute(
                    "INSERT INTO reviews_learning_search (sheet_id, document) VALUES (%s,"
                    " setweight(to_tsvector('english', %s), 'A')"
                    " || setweight(to_tsvector('english', %s), 'B'))",
                    [sheet.pk, sheet.title, body],
                )
            else:
                cursor.execute(
                    "INSERT INTO reviews_learning_fts (rowid, title, body) VALUES (%s, %s, %s)",
                    [sheet.pk, sheet.title, body],
                )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_DOWN)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_working_together_2023")]

    operations = [migrations.RunPython(forwards, backwards)]
