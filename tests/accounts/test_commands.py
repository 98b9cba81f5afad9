import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from market.accounts.models import Role, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_create_officer(capsys):
    call_command("create_officer", "Hadi@Jemberkab.go.id", name="Hadi Santoso", password=PASSWORD)

    officer = User.objects.get()
    assert (officer.email, officer.full_name, officer.role, officer.is_staff) == (
        "hadi@jemberkab.go.id", "Hadi Santoso", Role.OFFICER, True)
    assert EmailAddress.objects.get(user=officer).verified
    assert "Two-factor setup is required" in capsys.readouterr().out


@pytest.mark.parametrize(("email", "password", "message"), [
    ("not-an-email", PASSWORD, "Not a valid email address"),
    ("hadi@jemberkab.go.id", "12345", "terlalu pendek"),
])
def test_create_officer_refuses_bad_input(email, password, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_officer", email, password=password)
    assert not User.objects.exists()


def test_create_officer_refuses_an_existing_email():
    call_command("create_officer", "hadi@jemberkab.go.id", password=PASSWORD)

    with pytest.raises(CommandError, match="already exists"):
        call_command("create_officer", "HADI@jemberkab.go.id", password=PASSWORD)
    assert User.objects.count() == 1
