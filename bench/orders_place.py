"""Benchmark: checkouts placed per second, without and with contention on one product.

Each worker thread has its own database connection and, per order, fills a consumer's cart with
one line and places it (``orders.services.order_place``: re-price, lock, reserve stock, number the
documents, write the checkout and order). "Spread" gives every worker its own product; "one
product" makes all workers reserve units of the same product, so they queue on its stock row
lock (and all of them on the document number counter, which every placement takes).

Usage: .venv/bin/python bench/orders_place.py [orders_per_worker] [workers...]
The fixture data is built with the test factories (requirements-dev.txt).
"""
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402


def run(label: str, *, workers: int, per_worker: int, shared: bool) -> None:
    from orders.models import Checkout
    from orders.services import cart_line_set
    from tests.orders.factories import consumer_shopper, on_sale, place

    products = [on_sale(stock=workers * per_worker * 2)] if shared else [
        on_sale(stock=per_worker * 2) for _ in range(workers)]
    shoppers = [consumer_shopper() for _ in range(workers)]
    before = Checkout.objects.count()
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        shopper, address = shoppers[index]
        product = products[0 if shared else index]
        try:
            barrier.wait()
            for _ in range(per_worker):
                cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
                place(shopper, destination=address)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    placed = Checkout.objects.count() - before
    print(f"{label:<12} workers={workers:<2} orders={placed:<5} {elapsed:6.2f} s  {placed / elapsed:7.1f} orders/s"
          f"  {1000 * elapsed * workers / max(placed, 1):6.1f} ms/order/worker  errors={len(errors)}")
    if errors:
        print(f"  first error: {errors[0]!r}")


def main() -> None:
    per_worker = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    counts = [int(n) for n in sys.argv[2:]] or [1, 4, 8]
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from market.regions.services import region_import_file

        region_import_file()
        print(f"PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} cores, {per_worker} orders per worker")
        for workers in counts:
            run("spread", workers=workers, per_worker=per_worker, shared=False)
            run("one product", workers=workers, per_worker=per_worker, shared=True)
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
