from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: products stay writable while the index of a large catalogue is built.
    atomic = False

    dependencies = [
        ("catalog", "0005_storefront_collections_wishlist"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="product",
            index=models.Index(models.OrderBy(models.F("approved_at"), descending=True, nulls_last=True),
                               models.OrderBy(models.F("id"), descending=True), condition=models.Q(("listed", True)),
                               name="product_listed_newest_idx"),
        ),
    ]
