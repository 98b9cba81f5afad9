import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from market.accounts.models import User
from market.accounts.services import officer_create


class Command(BaseCommand):
    help = "Create a programme officer (staff). They must set up TOTP at their first sign-in."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="Full name")
        parser.add_argument("--superuser", action="store_true", help="Also grant every admin permission")
        parser.add_argument("--password", help="Password (prompted for when omitted; avoid in shell history)")

    def handle(self, *args, email, name, superuser, password, **options):
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Not a valid email address: {email}") from exc
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"A user with the email {email} already exists.")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user = officer_create(email=email, full_name=name, password=password, superuser=superuser)
        self.stdout.write(self.style.SUCCESS(f"Officer {user.email} created. Two-factor setup is required at first sign-in."))
