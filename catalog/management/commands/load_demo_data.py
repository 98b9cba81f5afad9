from django.core.management.base import BaseCommand, CommandError

from catalog.demo import DEFAULT_SEED, DEMO_PASSWORD, demo_data_load
from market.core.errors import ApplicationError


def _share(value: str) -> float:
    share = float(value)
    if not 0 < share <= 1:
        raise ValueError(value)
    return share


class Command(BaseCommand):
    help = (
        "Load a believable Kabupaten Jember for demonstrations: 40 coached villages with surveys, stage "
        "histories and coaching sessions, 80+ verified producers with permits, 300+ products with prices, "
        "stock and photos, a retail chain with three outlets and credit terms, past orders in every state (with "
        "a problem and refunds), and demo accounts. Imports the Jember regions first when they are missing. "
        "Runs once: a second run finds the demo officer and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})")
        parser.add_argument("--scale", type=_share, default=1.0,
                            help="Share of the villages (and so producers and products) to load, 0 < s <= 1")
        parser.add_argument("--photo-share", type=_share, default=1.0,
                            help="Share of the products that get a drawn photo, 0 < s <= 1")
        parser.add_argument("--no-photos", action="store_true", help="Draw no photos (fastest)")

    def handle(self, *args, seed, scale, photo_share, no_photos, **options):
        verbose = options["verbosity"] > 0
        try:
            result = demo_data_load(seed=seed, scale=scale, photo_share=0.0 if no_photos else photo_share,
                                    log=self.stdout.write if verbose else None)
        except ApplicationError as exc:  # a service refused the data: nothing was written (one transaction)
            fields = f" {exc.fields}" if exc.fields else ""
            raise CommandError(f"The demo data could not be loaded, nothing was changed: {exc.code}: {exc.message}"
                               f"{fields}") from exc
        if result.already_loaded:
            self.stdout.write(self.style.WARNING("The demo data is already loaded; nothing was changed."))
        else:
            statuses = ", ".join(f"{count} {status}" for status, count in sorted(result.by_status.items()))
            orders = ", ".join(f"{count} {status}" for status, count in sorted(result.orders_by_status.items()))
            self.stdout.write(self.style.SUCCESS(
                f"Demo data loaded in {result.seconds:.1f} s: {result.villages} villages, {result.producers} producers, "
                f"{result.products} products ({statuses}), {result.photos} photos, "
                f"{sum(result.orders_by_status.values())} orders ({orders})."))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for role, email in result.accounts:
            self.stdout.write(f"  {role:<27} {email}")
        self.stdout.write("The officer sets up two-factor authentication (TOTP) at the first sign-in.")
