from datetime import date

import pytest

from catalog.exceptions import CatalogInvalid, OfficerRequired
from catalog.models import CoachingSession
from catalog.selectors import coaching_attendance_counts, coaching_session_list
from catalog.services import coaching_session_record
from tests.catalog.factories import OfficerFactory, ProducerFactory, UserFactory, VillageProfileFactory, village

pytestmark = pytest.mark.django_db


def test_sessions_and_attendance_counts(django_assert_num_queries):
    profile = VillageProfileFactory(stage="coaching")
    officer = OfficerFactory()
    ani, budi, citra = (ProducerFactory(name=n) for n in ("Ani", "Budi", "Citra"))
    coaching_session_record(profile=profile, officer=officer, held_on=date(2026, 1, 5), stage="coaching",
                            topic="Manajemen industri", trainer="Dinas Perindustrian", attendees=[ani, budi, ani])
    coaching_session_record(profile=profile, officer=officer, held_on=date(2026, 2, 5), stage="coaching",
                            topic="Pembukuan", trainer="Koperasi", attendees=[budi])

    with django_assert_num_queries(1):
        counts = [(p.name, p.sessions_attended) for p in coaching_attendance_counts(profile=profile)]
    with django_assert_num_queries(2):
        sessions = [(s.topic, sorted(p.name for p in s.attendees.all())) for s in coaching_session_list(profile=profile)]

    assert counts == [("Budi", 2), ("Ani", 1), ("Citra", 0)]
    assert sessions == [("Pembukuan", ["Budi"]), ("Manajemen industri", ["Ani", "Budi"])]


def test_attendees_must_live_in_the_village_and_only_officers_record():
    profile = VillageProfileFactory()
    outsider = ProducerFactory(name="Jauh", village=village("35.09.02.2001", "Cakru"))

    with pytest.raises(CatalogInvalid) as excinfo:
        coaching_session_record(profile=profile, officer=OfficerFactory(), held_on=date(2026, 1, 5), stage="x",
                                topic=" ", trainer="T", attendees=[outsider])
    with pytest.raises(OfficerRequired):
        coaching_session_record(profile=profile, officer=UserFactory(), held_on=date(2026, 1, 5), stage="coaching",
                                topic="T", trainer="T")

    assert excinfo.value.fields == {"stage": ["Unknown programme stage."], "topic": ["This field is required."],
                                    "attendees": ["Not producers of this village: Jauh."]}
    assert CoachingSession.objects.count() == 0
