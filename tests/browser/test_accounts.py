"""Journeys in a real browser: sign up, confirm the email, sign in; switch the language."""
import re

import pytest
from django.core import mail

from market.accounts.models import Membership, Role, User
from market.regions.services import region_import_file
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_confirm_email_and_sign_in(page, live_server):
    region_import_file()
    page.goto(live_server.url)
    page.get_by_role("link", name="Buat akun").first.click()  # the home page asks visitors to sign up

    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Email").fill("siti@example.id")
    page.get_by_label("Produsen (industri desa)").check()
    page.get_by_label("Nama usaha atau organisasi").fill("UD Kopi Sidomulyo")
    page.get_by_label(re.compile(r"^Kata sandi:?$")).fill(PASSWORD)
    page.get_by_label("Kata sandi (lagi)").fill(PASSWORD)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "signup.png"), full_page=True)
    page.get_by_role("button", name="Daftar").click()

    page.wait_for_url(f"{live_server.url}/accounts/confirm-email/")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)

    page.goto(live_server.url + link)
    page.get_by_role("button", name="Konfirmasi").click()

    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill("siti@example.id")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    page.wait_for_url(f"{live_server.url}/dashboard/producer/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dasbor produsen"
    assert page.get_by_text("UD Kopi Sidomulyo").is_visible()
    page.screenshot(path=str(ARTIFACTS / "dashboard-producer.png"), full_page=True)
    user = User.objects.get(email="siti@example.id")
    assert user.role == Role.PRODUCER
    assert Membership.objects.get(user=user).organisation.name == "UD Kopi Sidomulyo"


def test_language_switch_in_the_footer(page, live_server):
    region_import_file()
    page.goto(live_server.url)
    assert page.locator("html").get_attribute("lang") == "id"
    page.screenshot(path=str(ARTIFACTS / "home-id.png"), full_page=True)

    page.get_by_role("button", name="English").click()

    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.get_by_role("link", name="Sign in").first.is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Village products of Jember, direct from the makers"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
