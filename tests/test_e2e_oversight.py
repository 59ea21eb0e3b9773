"""The registrar's oversight pages in Chromium (issue 13, "What must be shown"), at 1366 × 768
and on a 390 × 844 phone: a monitoring figure clicked opens exactly the journals it counts, and
the import preview of the project's own sample lists its journals and refuses nothing. On the
phone neither page scrolls sideways (their tables scroll inside their own box)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import SCREENS, chromium, fits_sideways, live_server, screen, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.rendering]

SAMPLE = Path(__file__).resolve().parent.parent / "docservice" / "samples" / "sample-dataset.json"


def journals_behind(page) -> tuple[int, int]:
    """The "Journals found: N" figure of the list, and its rows counted over all its pages."""
    found = int(re.search(r"\d+", page.locator("[data-found]").inner_text()).group(0))
    rows = page.locator("tr[data-journal]").count()
    while page.locator('a[rel="next"]').count():
        with page.expect_navigation():
            page.locator('a[rel="next"]').first.click()
        rows += page.locator("tr[data-journal]").count()
    return found, rows


@pytest.mark.parametrize("size", SCREENS)
def test_a_monitoring_figure_opens_as_many_journals_as_it_says(chromium, live_server, size):
    width, height, phone = size
    base, _, _ = live_server
    with screen(chromium, width, height, phone=phone) as page:
        sign_in(page, base, "or.inspector", lang="ru")
        page.goto(f"{base}/registrar/monitoring")
        fits_sideways(page, width)
        locked_column = 6  # Department, Journals, Open, Due soon, Closed, Locked at the deadline
        figures = page.locator(f"tr[data-department] td:nth-child({locked_column}) a")
        link = next(a for a in figures.all() if int(a.inner_text()) > 0)  # the demo has locked journals
        figure = int(link.inner_text())
        link.scroll_into_view_if_needed()
        with page.expect_navigation():
            link.click()
        assert "state=locked" in page.url
        fits_sideways(page, width)
        states = {s.strip() for s in page.locator("tr[data-journal] .ov-state").all_inner_texts()}
        found, rows = journals_behind(page)
        assert (found, rows) == (figure, figure)
        assert len(states) == 1, states  # every row in the one state the figure counts


def journal_title(sample: dict, journal: dict) -> str:
    """A journal's discipline as the registrar reads it (ru): an integrated discipline's block
    or a module's part after its name."""
    item = next(c for c in sample["curriculum"] if c["code"] == journal["curriculum_item"])
    parts = {p["code"]: p["name"]["ru"] for p in item.get("blocks", []) + item.get("parts", [])}
    return f'{item["name"]["ru"]}: {parts[journal["part"]]}' if journal["part"] else item["name"]["ru"]


@pytest.mark.parametrize("size", SCREENS)
def test_the_import_preview_of_the_sample_lists_its_journals_and_refuses_nothing(chromium, live_server, size):
    width, height, phone = size
    base, _, _ = live_server
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    expected = sorted((journal_title(sample, j), j["group"]) for j in sample["journals"])
    with screen(chromium, width, height, phone=phone) as page:
        sign_in(page, base, "or.inspector", lang="ru")
        page.goto(f"{base}/registrar/import")
        fits_sideways(page, width)
        page.set_input_files("input[type=file][name=file]", str(SAMPLE))
        with page.expect_navigation():
            page.locator("form.ov-upload button.primary").click()
        assert page.locator(".flash.error").count() == 0, page.locator(".flash.error").all_inner_texts()  # no refusal
        assert "Пока ничего не сохранено." in page.inner_text("main")  # a dry run: a preview, then a choice
        assert page.locator(".ov-steps button.primary").inner_text() == "Импортировать"
        rows = page.locator("table.ov-import-journals tbody tr")
        listed = sorted((re.sub(r"\s*\(.*\)$", "", r.locator("td").nth(0).inner_text().strip()),
                         r.locator("td").nth(1).inner_text().strip()) for r in rows.all())
        assert listed == expected
        fits_sideways(page, width)
