"""Problems after delivery: report with photos within 7 days, the producer's answer, the officer's refund decision."""
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from catalog.images import ImageTypeNotAllowed
from orders.exceptions import (
    OrderActionForbidden,
    OrderNotFound,
    OrdersInvalid,
    ProblemNotAllowed,
    ProblemStatusInvalid,
    RefundInvalid,
)
from orders.models import Order, OrderEvent, OrderProblem, OrderProblemPhoto, OrderRefund
from orders.services import (
    order_accept,
    order_mark_delivered,
    order_pack,
    order_problem_answer,
    order_problem_decide,
    order_problem_report,
    order_refund_mark_done,
    order_ship,
)
from orders.states import Party
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db


def photo(size=(64, 48)) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(data, format="PNG")
    data.seek(0)
    return data


def delivered(days_ago: float = 1):
    order, product, people = placed_order()
    producer = people[Party.PRODUCER]
    order_accept(order=order, actor=producer)
    order_pack(order=order, actor=producer)
    order_ship(order=order, actor=producer)
    order_mark_delivered(order=order, actor=producer)
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - timedelta(days=days_ago))
    order.refresh_from_db()
    return order, people


def test_report_answer_and_full_refund(django_capture_on_commit_callbacks):
    order, people = delivered()
    buyer, producer, officer = people[Party.BUYER], people[Party.PRODUCER], people[Party.OFFICER]

    with django_capture_on_commit_callbacks(execute=True):
        problem = order_problem_report(order=order, actor=buyer, kind="damaged", description="Dua bungkus sobek",
                                       photos=[photo(), photo((20, 20))])
    answered = order_problem_answer(problem=problem, actor=producer, answer="Maaf, kami ganti minggu depan")
    with django_capture_on_commit_callbacks(execute=True):
        decided = order_problem_decide(problem=problem, officer=officer, decision="full_refund",
                                       note="Foto jelas menunjukkan kerusakan")

    assert (answered.status, answered.answered_by) == ("answered", producer)
    assert (decided.status, decided.decision, decided.refund_amount, decided.decided_by) == (
        "decided", "full_refund", 40000, officer)
    stored = list(OrderProblemPhoto.objects.filter(problem=problem).order_by("pk"))
    assert [(p.width, p.height) for p in stored] == [(64, 48), (20, 20)]
    assert all(p.image.name.startswith("problems/") and p.image.name.endswith((".webp", ".jpg")) for p in stored)
    assert list(OrderRefund.objects.values_list("order", "problem", "reason", "amount", "status")) == [
        (order.pk, problem.pk, "problem", 40000, "requested")]
    assert list(OrderEvent.objects.filter(order=order).exclude(kind="status").values_list("kind", "actor")) == [
        ("payment", None), ("problem_reported", buyer.pk), ("problem_answered", producer.pk),
        ("refund_decided", officer.pk)]
    reported = [m for m in mail.outbox if m.subject == f"Problem reported with order {order.number}"]
    owner = order.producer.organisation.memberships.get(role="owner").user
    assert sorted(m.to[0] for m in reported) == sorted([owner.email, producer.email])
    decided_mail = [m.to[0] for m in mail.outbox if m.subject == f"Decision on the problem with order {order.number}"]
    assert sorted(decided_mail) == sorted([buyer.email, owner.email, producer.email])
    assert "Dua bungkus sobek" in reported[0].body


def test_partial_refunds_add_up_to_at_most_the_total():
    order, people = delivered()
    buyer, officer = people[Party.BUYER], people[Party.OFFICER]
    first = order_problem_report(order=order, actor=buyer, kind="missing", description="Kurang 1")
    second = order_problem_report(order=order, actor=buyer, kind="wrong", description="Salah rasa")

    for amount in (0, 40000, 40001, -5, 1.5, None):
        with pytest.raises(RefundInvalid):
            order_problem_decide(problem=first, officer=officer, decision="partial_refund", note="x",
                                 refund_amount=amount)
    order_problem_decide(problem=first, officer=officer, decision="partial_refund", note="Satu hilang",
                         refund_amount=10000)
    full = order_problem_decide(problem=second, officer=officer, decision="full_refund", note="Sisanya")

    assert full.refund_amount == 30000
    assert sorted(OrderRefund.objects.values_list("amount", flat=True)) == [10000, 30000]
    with pytest.raises(ProblemStatusInvalid):
        order_problem_decide(problem=first, officer=officer, decision="no_refund", note="lagi")


def test_no_refund_decision_writes_no_refund():
    order, people = delivered()
    problem = order_problem_report(order=order, actor=people[Party.BUYER], kind="wrong", description="Warna beda")

    decided = order_problem_decide(problem=problem, officer=people[Party.OFFICER], decision="no_refund",
                                   note="Sesuai foto katalog")

    assert (decided.status, decided.refund_amount, OrderRefund.objects.count()) == ("decided", 0, 0)


def test_reports_are_refused_before_delivery_and_after_seven_days():
    late, people = delivered(days_ago=7.01)
    not_yet, _product, not_yet_people = placed_order()

    with pytest.raises(ProblemNotAllowed):
        order_problem_report(order=late, actor=people[Party.BUYER], kind="damaged", description="Pecah")
    with pytest.raises(ProblemNotAllowed):
        order_problem_report(order=not_yet, actor=not_yet_people[Party.BUYER], kind="damaged", description="x")

    assert OrderProblem.objects.count() == 0


def test_bad_reports_change_nothing():
    order, people = delivered()
    buyer = people[Party.BUYER]

    with pytest.raises(OrdersInvalid):
        order_problem_report(order=order, actor=buyer, kind="late", description="Terlambat")
    with pytest.raises(OrdersInvalid):
        order_problem_report(order=order, actor=buyer, kind="damaged", description="   ")
    with pytest.raises(OrdersInvalid):
        order_problem_report(order=order, actor=buyer, kind="damaged", description="x", photos=[photo()] * 6)
    with pytest.raises(ImageTypeNotAllowed):
        order_problem_report(order=order, actor=buyer, kind="damaged", description="x",
                             photos=[io.BytesIO(b"<html>not a photo</html>")])
    with pytest.raises(OrderActionForbidden):
        order_problem_report(order=order, actor=people[Party.PRODUCER], kind="damaged", description="x")
    with pytest.raises(OrderNotFound):
        order_problem_report(order=order, actor=people["stranger"], kind="damaged", description="x")

    assert (OrderProblem.objects.count(), OrderProblemPhoto.objects.count(),
            OrderEvent.objects.filter(kind="problem_reported").count()) == (0, 0, 0)


def test_only_the_producer_answers_and_only_officers_decide():
    order, people = delivered()
    problem = order_problem_report(order=order, actor=people[Party.BUYER], kind="damaged", description="Pecah")

    with pytest.raises(OrderActionForbidden):
        order_problem_answer(problem=problem, actor=people[Party.BUYER], answer="saya sendiri")
    with pytest.raises(OrderNotFound):
        order_problem_answer(problem=problem, actor=people["other producer"], answer="bukan saya")
    with pytest.raises(OrderActionForbidden):
        order_problem_decide(problem=problem, officer=people[Party.PRODUCER], decision="no_refund", note="x")

    problem.refresh_from_db()
    assert (problem.status, problem.answer, OrderRefund.objects.count()) == ("open", "", 0)


def test_refund_done_is_recorded_once():
    order, people = delivered()
    problem = order_problem_report(order=order, actor=people[Party.BUYER], kind="missing", description="Hilang")
    order_problem_decide(problem=problem, officer=people[Party.OFFICER], decision="full_refund", note="ok")
    refund = OrderRefund.objects.get()

    order_refund_mark_done(refund=refund, reference="re_1")
    order_refund_mark_done(refund=refund, reference="re_1")
    with pytest.raises(RefundInvalid):
        order_refund_mark_done(refund=refund, reference="re_2")

    refund.refresh_from_db()
    assert (refund.status, refund.reference) == ("done", "re_1")
    assert OrderEvent.objects.filter(kind="refund_done").count() == 1
