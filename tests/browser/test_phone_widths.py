"""No page scrolls sideways on a phone (390 and 360 CSS pixels wide): long
tables and grids scroll inside their own box, everything else wraps."""

import pytest
from django.test import Client

from connect.meetups.models import Occurrence
from connect.moderation.models import Report
from tests.core.world import build_world
from tests.factories import OnboardedUserFactory
from tests.seed import moderators_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _context(browser, live_server, user, width, csp_watch):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 800})
    csp_watch(context)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_no_page_scrolls_sideways_on_a_phone(browser, live_server, csp_watch):
    world = build_world()
    moderator = OnboardedUserFactory(onboarded__display_name="Mo")
    moderator.groups.add(moderators_group())
    circle = world.circle
    occurrence = Occurrence.objects.filter(circle=circle).first()
    report = Report.objects.filter(target_type=Report.TargetType.MESSAGE).first()
    pages = {
        world.person: [
            "/dashboard/",
            "/circles/",
            "/circles/mine/",
            f"/circles/{circle.pk}/",
            f"/chat/{circle.pk}/",
            f"/meetups/{occurrence.pk}/",
            "/notifications/",
            "/me/profile/",
            "/me/profile/edit/when/",
            "/safety/",
            "/help/",
        ],
        world.facilitator: [f"/safety/circles/{circle.pk}/", f"/meetups/circle/{circle.pk}/"],
        moderator: [
            "/safety/queue/",
            f"/safety/queue/message/{report.target_id}/",
            "/safety/audit/",
        ],
    }
    wide = []
    for width in (390, 360):
        anonymous = browser.new_context(viewport={"width": width, "height": 800})
        csp_watch(anonymous)
        page = anonymous.new_page()
        for path in ["/", "/accounts/login/", "/accounts/signup/", "/guidelines/"]:
            page.goto(live_server.url + path)
            if page.evaluate(WIDE) > 0:
                wide.append(f"{width}px {path} (+{page.evaluate(WIDE)}px)")
        anonymous.close()
        for user, paths in pages.items():
            context = _context(browser, live_server, user, width, csp_watch)
            page = context.new_page()
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response.status == 200, path
                extra = page.evaluate(WIDE)
                if extra > 0:
                    wide.append(f"{width}px {path} (+{extra}px)")
            context.close()
    assert not wide, "pages wider than the phone: " + ", ".join(wide)
