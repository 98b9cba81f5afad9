from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: products stay writable while the index of a large catalogue is built.
    atomic = False

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="product",
            index=models.Index(condition=models.Q(("listed", True)), fields=["name", "id"],
                               name="product_listed_name_idx"),
        ),
    ]
