"""Who sees what: contacts and documents for verified investors only, documents after the confidentiality terms
with every access logged, one's own interests only, producers only what officers shared with them."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from catalog.models import Survey
from investors.models import DocumentAccess, OpportunityDocument
from investors.services import interest_share
from tests.catalog.factories import owner_of
from tests.factories import OfficerFactory, UserFactory
from tests.fixtures import force_login_mfa
from tests.investors.helpers import (
    add_pdf,
    express,
    make_investor,
    make_opportunity,
    make_producer,
    make_village,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def village_with_survey():
    profile = make_village()
    Survey.objects.create(profile=profile, surveyed_on="2026-06-01", officer=OfficerFactory(), workforce_total=120,
                          workforce_women=70, workforce_youth=30, existing_businesses=9, road="fair",
                          electricity="good", internet="poor", water="good", problems="Harga ijon tengkulak.",
                          needs="Mesin sangrai.", raw_materials="Kopi petik merah dari 40 petani.")
    producer = make_producer(profile)
    return profile, producer


def test_unverified_investor_sees_no_contacts_no_confidential_survey_and_no_documents(client, village_with_survey):
    # given
    profile, producer = village_with_survey
    opportunity = make_opportunity(profile)
    add_pdf(opportunity)
    client.force_login(make_investor(status="submitted", terms=True))
    # when
    village_page = client.get(reverse("frontend:investor-village", args=[profile.village_id]))
    opportunity_page = client.get(reverse("frontend:investor-opportunity", args=[opportunity.pk]))
    # then
    body = village_page.content.decode()
    assert village_page.status_code == 200
    assert producer.whatsapp not in body and "Harga ijon" not in body and 'id="contacts-hidden"' in body
    assert "Mesin sangrai." in body  # needs are public (the public village page shows them too)
    assert opportunity.title in body
    page = opportunity_page.content.decode()
    assert 'id="documents-hidden"' in page
    assert reverse("frontend:investor-document", args=[opportunity.documents.get().pk]) not in page


def test_verified_investor_sees_contacts_and_the_confidential_survey(client, village_with_survey):
    profile, producer = village_with_survey
    client.force_login(make_investor())
    body = client.get(reverse("frontend:investor-village", args=[profile.village_id])).content.decode()
    assert producer.whatsapp in body and "Harga ijon tengkulak." in body and "Kopi petik merah" in body


def test_anonymous_visitors_see_no_opportunity(client, village_with_survey):
    profile, _producer = village_with_survey
    opportunity = make_opportunity(profile)
    assert opportunity.title not in client.get(reverse("frontend:investor-village",
                                                        args=[profile.village_id])).content.decode()
    assert client.get(reverse("frontend:investor-opportunity", args=[opportunity.pk])).status_code == 404
    assert opportunity.title not in client.get(reverse("frontend:investor-opportunities")).content.decode()


def test_documents_open_for_verified_investors_after_the_terms_and_every_access_is_logged(client, private_root):
    # given
    opportunity = make_opportunity(make_village())
    document = add_pdf(opportunity)
    url = reverse("frontend:investor-document", args=[document.pk])
    verified = make_investor()
    client.force_login(verified)
    # when the terms are not accepted yet, then the investor is sent to them and nothing is served
    response = client.get(url)
    assert response.status_code == 302 and reverse("frontend:investor-terms") in response["Location"]
    # when accepted, then view and download are served and logged
    client.post(reverse("frontend:investor-terms"), {"version": "2026-12"})
    viewed = client.get(url)
    downloaded = client.get(url + "?download=1")
    assert viewed.status_code == 200 and b"".join(viewed.streaming_content).startswith(b"%PDF-")
    assert "attachment" in downloaded["Content-Disposition"] and viewed["Cache-Control"] == "private, no-store"
    assert list(DocumentAccess.objects.filter(document=document).order_by("pk").values_list("user_id", "action",
                                                                                              "terms_version")) == [
        (verified.pk, "view", "2026-12"), (verified.pk, "download", "2026-12")]
    # and the file is in private storage, not below MEDIA_ROOT (no public /media/ address)
    stored = OpportunityDocument.objects.get(pk=document.pk).file.name
    assert (private_root / stored).is_file()
    assert not (settings.MEDIA_ROOT and (__import__("pathlib").Path(settings.MEDIA_ROOT) / stored).exists())


@pytest.mark.parametrize("who", ["unverified", "consumer", "producer"])
def test_documents_are_refused_to_everyone_else_and_nothing_is_logged(client, who):
    opportunity = make_opportunity(make_village())
    document = add_pdf(opportunity)
    user = {"unverified": lambda: make_investor(status="submitted", terms=True),
            "consumer": lambda: UserFactory(),
            "producer": lambda: owner_of(make_producer(make_village()))}[who]()
    client.force_login(user)
    response = client.get(reverse("frontend:investor-document", args=[document.pk]))
    assert response.status_code in (403, 404)
    assert DocumentAccess.objects.count() == 0


def test_an_officer_opens_documents_and_it_is_logged_too(client, officer):
    document = add_pdf(make_opportunity(make_village()))
    force_login_mfa(client, officer)
    assert client.get(reverse("frontend:investor-document", args=[document.pk])).status_code == 200
    assert DocumentAccess.objects.get().user_id == officer.pk


def test_an_investor_never_sees_another_investors_interest(client, api_client):
    opportunity = make_opportunity(make_village())
    mine, theirs = make_investor(), make_investor()
    interest = express(theirs, opportunity)
    client.force_login(mine)
    assert client.get(reverse("frontend:investor-interest", args=[interest.pk])).status_code == 404
    assert "Kami tertarik" not in client.get(reverse("frontend:investor-interests")).content.decode()
    api_client.force_authenticate(mine)
    assert api_client.get(reverse("v1:investors:interest-detail", args=[interest.pk])).status_code == 404
    assert api_client.get(reverse("v1:investors:interest-list")).json()["results"] == []


def test_producers_see_only_what_officers_shared_with_them(client):
    # given two producers of one village and one elsewhere, with an interest in each producer's opportunity
    profile = make_village()
    ours, neighbour = make_producer(profile), make_producer(profile)
    elsewhere = make_producer(make_village("35.09.02.2001", "Sukorejo", district_code="35.09.02"))
    investor = make_investor()
    officer = OfficerFactory()
    shared = express(investor, make_opportunity(profile, producer=ours))
    not_shared = express(make_investor(), make_opportunity(profile, producer=ours))
    neighbours = express(make_investor(), make_opportunity(profile, producer=neighbour))
    interest_share(interest=shared, officer=officer, note="Investor koperasi, tertarik pinjaman alat sangrai.")
    interest_share(interest=neighbours, officer=officer, note="Untuk tetangga saja.")
    # when
    client.force_login(owner_of(ours))
    page = client.get(reverse("frontend:producer-investor-interests")).content.decode()
    home = client.get(reverse("frontend:producer-home")).content.decode()
    client.force_login(owner_of(elsewhere))
    other_page = client.get(reverse("frontend:producer-investor-interests")).content.decode()
    # then
    assert f'data-interest="{shared.pk}"' in page and "alat sangrai" in page
    assert f'data-interest="{not_shared.pk}"' not in page and "Untuk tetangga" not in page
    assert investor.email not in page  # the investor's identity stays with the officers
    assert "alat sangrai" in home
    assert "data-interest=" not in other_page
