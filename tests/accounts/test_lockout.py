"""One lockout for the sign-in page and the API's token endpoint: allauth's ``login_failed`` limits.

Five failed passwords for an email (or five wrong codes for a person) lock both ways in for five
minutes, whichever of the two the attempts came through.
"""
import pytest

from market.accounts.models import ApiToken, Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lockout")]

WRONG = "salah-sandi-2026"


def web_sign_in(client, email, password, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def assert_locked(response):
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == "300"
    assert response.json() == {"code": "too_many_login_attempts",
                               "message": "Too many failed sign-in attempts. Try again later.", "fields": {}}


def assert_web_locked(client, response):
    assert response.status_code == 200  # the form again, with allauth's error
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["too_many_login_attempts"]
    assert "_auth_user_id" not in client.session


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_failed_passwords_on_the_api_lock_the_api_and_the_sign_in_page(client, issue_token, make_user):
    make_user(email="siti@example.id")

    statuses = [issue_token("siti@example.id", WRONG).status_code for _ in range(5)]

    assert statuses == [401] * 5
    assert_locked(issue_token("siti@example.id"))  # the right password too, while locked
    assert_web_locked(client, web_sign_in(client, "siti@example.id", PASSWORD))
    assert not ApiToken.objects.exists()


def test_failed_passwords_on_the_sign_in_page_lock_the_api(client, issue_token, make_user):
    make_user(email="siti@example.id")
    make_user(email="budi@example.id")

    for _ in range(5):
        assert web_sign_in(client, "SITI@example.id", WRONG).status_code == 200

    assert_locked(issue_token("siti@example.id"))
    assert not ApiToken.objects.exists()
    assert issue_token("budi@example.id").status_code == 201  # the lock is the email's, not the address's


def test_a_success_takes_back_only_its_own_attempt_as_on_the_sign_in_page(issue_token, make_user):
    """allauth does not wipe the count on success: periodic successes must not reset a brute force."""
    make_user(email="siti@example.id")

    statuses = [issue_token("siti@example.id", WRONG).status_code for _ in range(4)]
    statuses.append(issue_token("siti@example.id").status_code)
    statuses.append(issue_token("siti@example.id", WRONG).status_code)

    assert statuses == [401, 401, 401, 401, 201, 401]
    assert_locked(issue_token("siti@example.id"))
    assert ApiToken.objects.count() == 1


def test_the_host_header_does_not_split_the_count(issue_token, make_user):
    make_user(email="siti@example.id")

    for host in ["localhost", "127.0.0.1", "testserver", "localhost", "127.0.0.1"]:
        assert issue_token("siti@example.id", WRONG, HTTP_HOST=host).status_code == 401

    assert_locked(issue_token("siti@example.id", HTTP_HOST="testserver"))


def test_an_inactive_account_gets_no_token_and_its_attempts_count(issue_token, make_user):
    make_user(email="siti@example.id", is_active=False)

    assert [issue_token("siti@example.id", WRONG).status_code for _ in range(5)] == [401] * 5
    assert_locked(issue_token("siti@example.id"))
    assert not ApiToken.objects.exists()


class TestCodes:
    """Wrong TOTP codes count in allauth's own code limit (``check_rate_limit``), shared with the code page."""

    @pytest.fixture
    def person(self, make_user, totp_for):
        user = make_user(role=Role.PRODUCER, email="siti@example.id")
        return user, totp_for(user)

    @staticmethod
    def wrong(code) -> str:
        return "000000" if code() != "000000" else "111111"

    def test_wrong_codes_on_the_api_lock_the_api(self, issue_token, person):
        _user, code = person

        statuses = [issue_token("siti@example.id", code=self.wrong(code)).status_code for _ in range(5)]

        assert statuses == [401] * 5
        assert_locked(issue_token("siti@example.id", code=code()))
        assert not ApiToken.objects.exists()

    def test_wrong_codes_on_the_api_lock_the_code_page(self, client, issue_token, person):
        _user, code = person
        for _ in range(5):
            assert issue_token("siti@example.id", code=self.wrong(code)).json()["code"] == "mfa_invalid"

        assert web_sign_in(client, "siti@example.id", PASSWORD)["Location"] == "/accounts/2fa/authenticate/"
        response = client.post("/accounts/2fa/authenticate/", {"code": code()})

        assert response.status_code == 200
        assert [e.code for e in response.context["form"].errors.as_data()["code"]] == ["too_many_login_attempts"]
        assert "_auth_user_id" not in client.session

    def test_wrong_codes_on_the_code_page_lock_the_api(self, client, issue_token, person):
        _user, code = person
        assert web_sign_in(client, "siti@example.id", PASSWORD)["Location"] == "/accounts/2fa/authenticate/"
        for _ in range(5):
            assert client.post("/accounts/2fa/authenticate/", {"code": self.wrong(code)}).status_code == 200

        assert_locked(issue_token("siti@example.id", code=code()))
        assert not ApiToken.objects.exists()

    def test_a_right_code_clears_the_code_count(self, issue_token, person):
        _user, code = person

        statuses = [issue_token("siti@example.id", code=self.wrong(code)).status_code for _ in range(4)]
        statuses.append(issue_token("siti@example.id", code=code()).status_code)
        statuses += [issue_token("siti@example.id", code=self.wrong(code)).status_code for _ in range(4)]

        assert statuses == [401] * 4 + [201] + [401] * 4
        assert ApiToken.objects.count() == 1
