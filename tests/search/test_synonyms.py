"""Officers keep the synonym groups (services and admin); queries use them."""
from __future__ import annotations

import pytest
from django.core.cache import cache

from market.core.errors import PermissionDenied, ValidationFailed
from search import language
from search.models import Synonym
from search.services import synonym_create, synonym_delete, synonym_update
from tests.factories import OfficerFactory, UserFactory
from tests.fixtures import force_login_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return OfficerFactory()


def test_the_migration_seeds_everyday_and_regional_synonyms():
    groups = [row.terms for row in Synonym.objects.order_by("pk")]

    assert ["kopi", "coffee"] in groups
    assert ["hp", "handphone", "ponsel", "telepon genggam"] in groups
    assert ["singkong", "ketela pohon", "ubi kayu", "telo", "cassava"] in groups


def test_create_normalises_the_terms(officer, django_capture_on_commit_callbacks):
    Synonym.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        synonym = synonym_create(terms=[" Ubi-Jalar ", "ubi jalar", "Ketela Rambat", "dan"], officer=officer,
                                 note="Nama daerah")

    assert (synonym.terms, synonym.note, synonym.updated_by) == (["ubi jalar", "ketela rambat"], "Nama daerah",
                                                                 officer)
    assert language.synonym_groups() == [["ubi jalar", "ketela rambat"]]


@pytest.mark.parametrize("terms", [["kopi"], ["kopi", "KOPI"], ["yang", "dan"], [], ["kopi", "k" * 101]])
def test_a_group_needs_two_different_terms(officer, terms):
    before = Synonym.objects.count()

    with pytest.raises(ValidationFailed) as exc:
        synonym_create(terms=terms, officer=officer)

    assert list(exc.value.fields) == ["terms"]
    assert Synonym.objects.count() == before


def test_only_officers_keep_synonyms():
    before = Synonym.objects.count()

    with pytest.raises(PermissionDenied):
        synonym_create(terms=["a1", "b1"], officer=UserFactory())

    assert Synonym.objects.count() == before


def test_update_and_delete_forget_the_cached_groups(officer, django_capture_on_commit_callbacks):
    Synonym.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        synonym = synonym_create(terms=["kopi", "coffee"], officer=officer)
    assert language.synonym_groups() == [["kopi", "coffee"]]

    with django_capture_on_commit_callbacks(execute=True):
        synonym_update(synonym=synonym, terms=["kopi", "coffee", "kahwa"], officer=officer)
    assert language.synonym_groups() == [["kopi", "coffee", "kahwa"]]

    with django_capture_on_commit_callbacks(execute=True):
        synonym_delete(synonym=synonym, officer=officer)
    assert language.synonym_groups() == []


def test_the_groups_are_cached(officer, django_assert_num_queries):
    cache.clear()
    language.synonym_groups()

    with django_assert_num_queries(1):  # the cache read (the database cache) only
        language.synonym_groups()


@pytest.fixture
def admin_client_officer(client, officer, totp_for):
    from django.contrib.auth.models import Permission

    totp_for(officer)  # officers must have two-factor authentication
    officer.user_permissions.add(*Permission.objects.filter(content_type__app_label="search",
                                                            codename__endswith="_synonym"))
    force_login_mfa(client, officer)
    client.cookies["ki_language"] = "en"
    return client


def test_officers_edit_groups_in_the_admin(admin_client_officer, officer):
    Synonym.objects.all().delete()
    client = admin_client_officer

    response = client.post("/admin/search/synonym/add/", {"terms_text": "Cabai, cabe, lombok", "note": "Jawa"})

    assert response.status_code == 302
    assert list(Synonym.objects.values_list("terms", "note", "updated_by")) == [
        (["cabai", "cabe", "lombok"], "Jawa", officer.pk)]

    synonym = Synonym.objects.get()
    response = client.post(f"/admin/search/synonym/{synonym.pk}/change/", {"terms_text": "cabai, cabe", "note": ""})

    assert response.status_code == 302
    synonym.refresh_from_db()
    assert (synonym.terms, synonym.note) == (["cabai", "cabe"], "")


def test_the_admin_shows_a_bad_group_next_to_the_field(admin_client_officer):
    Synonym.objects.all().delete()
    client = admin_client_officer

    response = client.post("/admin/search/synonym/add/", {"terms_text": "cabai", "note": ""})

    assert response.status_code == 200
    assert "Give at least two different words or phrases" in response.content.decode()
    assert Synonym.objects.count() == 0
