"""connect.queries.CompiledQuery: the ORM's SQL compiled once gives the ORM's
rows for every value, on SQLite and on PostgreSQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connect.chat import selectors
from connect.circles.models import Membership
from connect.queries import CompiledQuery
from connect.safety.models import ModerationWarning, Mute, Suspension
from tests.factories import MembershipFactory, OnboardedUserFactory


def _rows_agree_in_every_state():
    membership = MembershipFactory()
    user, circle = membership.user, membership.circle
    outsider = OnboardedUserFactory()
    now = timezone.now()

    def both(user_id, circle_id, at):
        orm = selectors._access_row(user_id, circle_id, at).first()
        compiled = selectors._ACCESS_ROW.first(user_id=user_id, circle_id=circle_id, now=at)
        return orm, compiled

    states = []
    states.append(both(user.pk, circle.pk, now))  # a plain member
    states.append(both(outsider.pk, circle.pk, now))  # not a member: no row
    mute = Mute.objects.create(
        circle=circle, user=user, ends_at=now + timedelta(hours=1), reason="x"
    )
    states.append(both(user.pk, circle.pk, now))  # muted
    states.append(both(user.pk, circle.pk, mute.ends_at))  # the mute's last instant has passed
    states.append(both(user.pk, circle.pk, mute.ends_at - timedelta(microseconds=1)))
    ModerationWarning.objects.create(user=user, action_id=1, text="Be kind.")
    states.append(both(user.pk, circle.pk, now))  # warned too
    suspension = Suspension.objects.create(
        user=user, starts_at=now + timedelta(minutes=5), reason="x"
    )
    states.append(both(user.pk, circle.pk, now))  # suspended from later on: not yet
    states.append(both(user.pk, circle.pk, suspension.starts_at))  # from its first instant
    user.profile.adult_confirmed_at = None
    user.profile.save(update_fields=["adult_confirmed_at"])
    states.append(both(user.pk, circle.pk, now))
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LEFT)
    states.append(both(user.pk, circle.pk, now))  # left: no row

    for orm, compiled in states:
        assert compiled == orm
    rows = [compiled for _, compiled in states]
    # The states really differ (the comparison above is not all Nones).
    assert rows[0][:3] == (False, False, False) and rows[0][3] is not None
    assert rows[1] is None and rows[-1] is None
    assert rows[2][2] is True and rows[3][2] is False and rows[4][2] is True
    assert rows[5][1] is True
    assert rows[6][0] is False and rows[7][0] is True
    assert rows[8][3] is None


@pytest.mark.django_db
def test_compiled_rows_match_the_orm_on_sqlite():
    _rows_agree_in_every_state()


@pytest.mark.postgres
@pytest.mark.django_db
def test_compiled_rows_match_the_orm_on_postgresql():
    _rows_agree_in_every_state()


@pytest.mark.django_db
def test_a_value_the_query_does_not_use_is_refused():
    unused = CompiledQuery(
        lambda user_id, circle_id: Membership.objects.filter(user_id=user_id).values_list("id"),
        {"user_id": "int", "circle_id": "int"},
    )
    with pytest.raises(ValueError, match="circle_id"):
        unused.first(user_id=1, circle_id=2)
    with pytest.raises(TypeError):
        selectors._ACCESS_ROW.first(user_id=1, circle_id=2)
