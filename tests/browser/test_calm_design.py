"""The stylesheet in a real browser: dark when the system is dark, light when
it is light, and a visible focus ring on the first Tab (the skip link)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BACKGROUND = "getComputedStyle(document.body).backgroundColor"
INK = "getComputedStyle(document.body).color"


def test_colours_follow_the_system_and_focus_shows(browser, live_server, csp_watch):
    seen = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        csp_watch(context)
        page = context.new_page()
        page.goto(live_server.url + "/")
        seen[scheme] = (page.evaluate(BACKGROUND), page.evaluate(INK))
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.className, s.outlineStyle, s.outlineWidth]; })()"
        )
        assert focused == ["skip-link", "solid", "3px"]
        context.close()
    assert seen["light"] == ("rgb(255, 255, 255)", "rgb(27, 27, 31)")
    assert seen["dark"] == ("rgb(21, 24, 28)", "rgb(232, 234, 237)")
