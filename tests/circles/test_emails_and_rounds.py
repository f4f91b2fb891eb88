"""Invitation emails through the outbox, round records, one transaction per round, privacy."""

import smtplib
from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Profile
from connect.circles import privacy, rounds, services
from connect.circles.models import Circle, Invitation, JoinRequest, MatchRound, Membership
from connect.notifications.models import OutboxEmail
from connect.notifications.selectors import notification_preference_for
from connect.notifications.tasks import TransientEmailError, outbox_requeue, outbox_send
from tests.circles.helpers import active_circle, make_seekers

pytestmark = pytest.mark.django_db


def _invitation(hooks, **profile):
    circle = active_circle(members=4, capacity=6)
    person = make_seekers(1, **profile)[0]
    invs = services.invitations_create(circle, [person.pk], kind=Invitation.Kind.TOP_UP)
    return invs[0]


def _email(inv) -> OutboxEmail:
    return OutboxEmail.objects.get(source="invitation", source_id=inv.pk)


def send_invitation_email(inv_pk: int) -> str:
    return outbox_send(OutboxEmail.objects.get(source="invitation", source_id=inv_pk).pk)


def test_a_retried_task_never_sends_twice(hooks):
    inv = _invitation(hooks)
    assert send_invitation_email(inv.pk) == "sent"
    assert send_invitation_email(inv.pk) == "skipped"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<invitation-{inv.pk}@127.0.0.1>"
    email = _email(inv)
    assert email.status == OutboxEmail.Status.SENT and email.sent_at


def test_quiet_hours_defer_then_release(hooks, settings):
    inv = _invitation(hooks, timezone="Asia/Tokyo")
    pref = notification_preference_for(inv.user)
    now_tokyo = timezone.now().astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    pref.quiet_start = (now_tokyo - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    pref.quiet_end = (now_tokyo + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    pref.save()
    assert send_invitation_email(inv.pk) == "deferred"
    assert mail.outbox == []
    email = _email(inv)
    assert email.status == OutboxEmail.Status.DEFERRED
    assert email.not_before > timezone.now()
    pref.quiet_start = pref.quiet_end = None
    pref.save()
    OutboxEmail.objects.filter(pk=email.pk).update(not_before=timezone.now())
    assert outbox_requeue() == 1  # eager: sends now
    assert len(mail.outbox) == 1


def test_people_who_turned_off_invitation_emails_get_none(hooks):
    inv = _invitation(hooks)
    pref = notification_preference_for(inv.user)
    pref.email_kinds = ["circle"]
    pref.save()
    assert send_invitation_email(inv.pk) == "not-wanted"
    assert mail.outbox == []


def test_transient_errors_roll_back_and_retry_permanent_ones_fail(hooks, monkeypatch):
    from connect.notifications import tasks

    inv = _invitation(hooks)

    def down(message):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(tasks, "message_send", down)
    with pytest.raises(TransientEmailError):
        outbox_send.run(_email(inv).pk)
    assert _email(inv).status == OutboxEmail.Status.OWED  # the "sent" write rolled back

    def refused(message):
        raise smtplib.SMTPRecipientsRefused({inv.user.email: (550, b"no such user")})

    monkeypatch.setattr(tasks, "message_send", refused)
    assert outbox_send.run(_email(inv).pk) == "failed"
    email = _email(inv)
    assert email.status == OutboxEmail.Status.FAILED and "no such user" in email.error


def test_expired_or_answered_invitations_are_not_emailed(hooks):
    inv = _invitation(hooks)
    Invitation.objects.filter(pk=inv.pk).update(status=Invitation.Status.DECLINED)
    assert send_invitation_email(inv.pk) == "not-wanted"
    assert mail.outbox == []
    assert _email(inv).status == OutboxEmail.Status.DROPPED


def test_a_round_that_fails_midway_writes_nothing(monkeypatch, hooks):
    make_seekers(12)  # two circles' worth
    real = rounds.circle_create_from_proposal
    calls = []

    def fail_on_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(rounds, "circle_create_from_proposal", fail_on_second)
    with hooks(execute=True), pytest.raises(RuntimeError):
        rounds.run_round()
    assert len(calls) == 2  # the first circle was written, then rolled back
    assert not Circle.objects.exists()
    assert not Invitation.objects.exists()
    assert not Membership.objects.exists()
    assert mail.outbox == []  # no email for a rolled-back invitation
    failed = MatchRound.objects.get()
    assert failed.status == MatchRound.Status.FAILED and "disk full" in failed.error
    assert not Profile.objects.filter(waiting_rounds__gt=0).exists()


def test_round_record_and_waiting_counters(hooks):
    lonely = make_seekers(1, topics={"grief": 3}, timezone="Pacific/Auckland", mode="virtual")[0]
    make_seekers(5)
    with hooks(execute=True):
        record = rounds.run_round()
    record.refresh_from_db()
    assert record.seekers == 6 and record.placed == 5 and record.circles_proposed == 1
    assert record.quality > 0 and record.bound >= record.quality * 0.999
    assert 0 < record.quality_ratio <= 1.0001 and record.seconds > 0
    # Kept for the community-health page: the placeable and the engine's reasons, counted.
    assert record.placeable == 5
    assert sum(record.unplaced_reasons.values()) == 1
    assert all(isinstance(reason, str) for reason in record.unplaced_reasons)
    lonely.profile.refresh_from_db()
    assert lonely.profile.waiting_rounds == 1
    # Invited people are not seekers again while their invitation is pending.
    with hooks(execute=True):
        again = rounds.run_round()
    assert again.seekers == 1


def test_people_in_a_circle_of_the_same_topics_are_not_seekers():
    circle = active_circle(members=4)
    circle.topics.set(circle.topics.model.objects.filter(slug="loneliness"))
    member = circle.memberships.first().user
    from accounts.selectors import week_start_utc

    ids = [s.id for s in rounds.gather_seekers(week_start_utc(timezone.now().date()))]
    assert member.pk not in ids


def test_blocks_and_past_partners_reach_the_engine(hooks):
    from accounts.selectors import week_start_utc
    from connect.safety.models import Block

    a, b, c = make_seekers(3)
    Block.objects.create(blocker=a, blocked=b)
    old = active_circle(members=4, status=Circle.Status.CLOSED)
    Circle.objects.filter(pk=old.pk).update(activated_at=timezone.now())
    Membership.objects.create(circle=old, user=c, status=Membership.Status.LEFT)
    partner = old.memberships.exclude(user=c).first().user
    partner.profile.is_looking = True
    partner.profile.save()
    rows = {s.id: s for s in rounds.gather_seekers(week_start_utc(timezone.now().date()))}
    assert b.pk in rows[a.pk].blocked and a.pk in rows[b.pk].blocked
    assert partner.pk in rows[c.pk].past_partners


def test_privacy_export_and_erase(hooks):
    circle = active_circle(members=4, capacity=6)
    person = circle.memberships.get(role="facilitator").user
    other = active_circle(members=4, capacity=6)
    services.invitations_create(other, [person.pk], kind=Invitation.Kind.TOP_UP)
    third = active_circle(members=4, capacity=6)
    services.join_request_create(person, third.pk, "my private note")

    data = privacy.export_personal_data(person)
    assert data["memberships"][0]["role"] == "facilitator"
    assert data["invitations"][0]["status"] == "pending"
    assert data["join_requests"][0]["note"] == "my private note"

    privacy.erase_personal_data(person)
    circle.refresh_from_db()
    assert circle.member_count == 3
    assert circle.memberships.filter(status="active", role="facilitator").count() == 1
    assert not Invitation.objects.filter(user=person, status="pending").exists()
    req = JoinRequest.objects.get(user=person)
    assert req.status == "withdrawn" and req.note == ""


def test_quiet_hours_are_in_the_persons_zone():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from connect.notifications.quiet_hours import quiet_until

    # 23:30 in New York during quiet hours 22:00–07:00 → until 07:00 local (12:00 UTC).
    now = datetime(2026, 11, 21, 4, 30, tzinfo=ZoneInfo("UTC"))
    until = quiet_until(now, "America/New_York", time(22), time(7))
    assert until == datetime(2026, 11, 21, 12, 0, tzinfo=ZoneInfo("UTC"))
