"""The trigram index of the vocabulary (when the server has pg_trgm) and a first list of synonyms."""
from django.db import migrations

TRIGRAM_INDEX = "search_term_word_trgm"

SYNONYMS = [
    (["kopi", "coffee"], "Indonesian and English"),
    (["teh", "tea"], "Indonesian and English"),
    (["madu", "honey"], "Indonesian and English"),
    (["hp", "handphone", "ponsel", "telepon genggam"], "Everyday names of a mobile phone"),
    (["keripik", "kripik", "chips"], "Spelling variants and English"),
    (["kerupuk", "krupuk", "crackers"], "Spelling variants and English"),
    (["singkong", "ketela pohon", "ubi kayu", "telo", "cassava"], "Regional names (telo: Javanese)"),
    (["cabai", "cabe", "lombok", "chili"], "Regional names (lombok: Javanese)"),
    (["kedelai", "kedele", "soybean"], "Spelling variants and English"),
    (["tape", "tapai"], "Regional names"),
    (["gula aren", "gula merah", "gula jawa", "palm sugar"], "Regional names"),
    (["cokelat", "coklat", "chocolate"], "Spelling variants and English"),
    (["jagung", "corn", "maize"], "Indonesian and English"),
    (["pisang", "banana"], "Indonesian and English"),
    (["tembakau", "bako", "tobacco"], "Regional names and English"),
    (["sambal", "sambel", "chili sauce"], "Spelling variants and English"),
]


def trigram_index_create(apps, schema_editor):
    from market.core.postgres import postgres_extension_ensure

    if postgres_extension_ensure("pg_trgm", using=schema_editor.connection.alias):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON search_term USING gin (word gin_trgm_ops)")


def trigram_index_drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def synonyms_create(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.bulk_create(Synonym(terms=terms, note=note) for terms, note in SYNONYMS)


def synonyms_delete(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for terms, _note in SYNONYMS:
        Synonym.objects.filter(terms=terms).delete()


class Migration(migrations.Migration):

    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(trigram_index_create, trigram_index_drop),
        migrations.RunPython(synonyms_create, synonyms_delete),
    ]
