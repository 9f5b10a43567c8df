"""The goal timeline: geometry from layout_timeline, markup from render_timeline."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

import markdown
import pytest

from kamgen import analytics
from kamgen.analytics.pages import OPEN_ACTIONS
from kamgen.drawings import render_timeline
from kamgen.drawings.timeline import Mark, TimelineLayout, layout_timeline
from kamgen.labels import Labels
from kamgen.model import AccountRecord
from kamgen.pipeline import load
from kamgen.project import Project
from kamgen.schema import Account, Horizon, Language
from tests.conftest import ROOT

TODAY = date(2026, 11, 26)
SVG = "{http://www.w3.org/2000/svg}"
EN = Labels(Language.EN)
HOSTILE = "<script>alert('x')</script> & [click](javascript:alert(1)) *em* `code`"


def goal(
    gid: str, horizon: str, target: date | None, statement: str, status: str = "confirmed"
) -> dict[str, Any]:
    return {"id": gid, "statement": statement, "horizon": horizon, "target": target, "status": status}


def action(aid: str, **fields: Any) -> dict[str, Any]:
    return {"id": aid, "title": f"Action {aid}", "kind": "meeting", "owner": "li-wei", **fields}


def account(goals: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> AccountRecord:
    data = {"name": "Acme", "owner": "li-wei", "tier": "key", "goals": goals, "actions": actions or []}
    return AccountRecord("acme", "accounts/acme.yaml", Account.model_validate(data))


# Twelve goals: several in one lane share a target month, some are CJK, two
# have no date, one is hostile; plus actions in every situation.
GOALS = [
    goal("past-open", "now", date(2026, 10, 15), "Cut unit cost by eight percent this year"),
    goal("past-achieved", "now", date(2026, 9, 30), "Ship the spring catalogue", "achieved"),
    goal("past-dropped", "3-months", date(2026, 10, 1), "Open a Wuhan office", "dropped"),
    goal("may-1", "6-months", date(2027, 5, 1), "提高高端產品線的市場佔有率至百分之二十"),
    goal("may-2", "6-months", date(2027, 5, 10), "降低保固索賠率一半"),
    goal("may-3", "6-months", date(2027, 5, 15), "Qualify two new hinge suppliers for the premium range"),
    goal("may-4", "6-months", date(2027, 5, 20), "新產品設計審查"),
    goal("may-5", "6-months", date(2027, 5, 31), "Halve lead time on custom wardrobes"),
    goal(
        "showroom", "12-months", date(2027, 11, 30), "Open a Shenzhen showroom for architects and developers"
    ),
    goal("premium", "long-term", date(2029, 6, 30), "Launch a premium kitchen line under its own brand"),
    goal("undated-long", "long-term", None, "成為華南最大的櫥櫃品牌"),
    goal("hostile", "12-months", None, HOSTILE),
]
ACTIONS = [
    action("workshop", goal="premium", due=date(2027, 2, 1), horizon="now"),
    action("late", goal="past-open", due=date(2026, 11, 1), status="planned"),
    action("done-late", goal="past-open", due=date(2026, 10, 1), status="done"),
    action("own-horizon", horizon="3-months", due=date(2026, 12, 15)),
    action("nowhere", due=date(2026, 12, 1), title="Not on the timeline"),
    action("undated", goal="may-1"),
    action("hostile-action", goal="showroom", due=date(2027, 6, 1), title=HOSTILE),
]


@pytest.fixture(scope="module")
def big() -> AccountRecord:
    return account(GOALS, ACTIONS)


@pytest.fixture(scope="module")
def layout(big: AccountRecord) -> TimelineLayout:
    return layout_timeline(big, TODAY)


@pytest.fixture(scope="module")
def svg(big: AccountRecord) -> str:
    return str(render_timeline(big, EN, TODAY))


def by_id(layout: TimelineLayout) -> dict[str, Mark]:
    return {m.id: m for m in layout.marks}


def element(svg: str, mark_id: str) -> ET.Element:
    root = ET.fromstring(svg)
    found = [e for e in root.iter() if e.get("data-id") == mark_id]
    assert len(found) == 1, mark_id
    return found[0]


def classes(svg: str, mark_id: str) -> set[str]:
    return set(element(svg, mark_id).get("class", "").split())


def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


# ---------------------------------------------------------------- geometry


def test_lanes_follow_horizon_order_without_gaps(layout: TimelineLayout) -> None:
    assert list(layout.lanes) == [h.value for h in Horizon]
    bands = list(layout.lanes.values())
    for (_, bottom), (top, _) in itertools.pairwise(bands):
        assert bottom == top
    assert all(top < bottom for top, bottom in bands)
    assert bands[-1][1] < layout.height


def test_marks_sit_in_the_lane_of_their_horizon(layout: TimelineLayout) -> None:
    horizons = {g["id"]: g["horizon"] for g in GOALS}
    marks = by_id(layout)
    for gid, horizon in horizons.items():
        assert marks[gid].lane == horizon
    for m in layout.marks:
        top, bottom = layout.lanes[m.lane]
        _, y, _, h = m.label_box
        assert top < m.y < bottom, m.id
        assert top <= y and y + h <= bottom, m.id


def test_later_target_is_further_right(layout: TimelineLayout) -> None:
    dated = sorted((m for m in layout.marks if m.kind == "goal" and m.when), key=lambda m: m.when or TODAY)
    assert len(dated) == 10
    for a, b in itertools.pairwise(dated):
        assert a.x < b.x, (a.id, b.id)


def test_today_lies_between_a_past_and_a_future_goal(layout: TimelineLayout) -> None:
    marks = by_id(layout)
    assert marks["past-open"].x < layout.today_x < marks["showroom"].x
    assert layout.start < TODAY < layout.end


def test_today_is_the_parameter(big: AccountRecord) -> None:
    early = layout_timeline(big, date(2026, 12, 1))
    late = layout_timeline(big, date(2027, 3, 1))
    assert early.today_x < late.today_x


def test_range_covers_every_date_with_a_margin(layout: TimelineLayout) -> None:
    assert layout.start < date(2026, 9, 30)
    assert layout.end > date(2029, 6, 30)
    assert all(layout.plot_left < m.x < layout.plot_right for m in layout.marks if m.dated)


def test_no_two_label_boxes_overlap(layout: TimelineLayout) -> None:
    for a, b in itertools.combinations(layout.marks, 2):
        assert not overlap(a.label_box, b.label_box), (a.id, b.id)


def test_crowded_lane_grows_into_sub_rows(layout: TimelineLayout) -> None:
    rows = {m.row for m in layout.marks if m.lane == "6-months" and m.kind == "goal"}
    assert len(rows) >= 3
    heights = {lane: bottom - top for lane, (top, bottom) in layout.lanes.items()}
    assert heights["6-months"] > heights["now"]


def test_label_boxes_stay_inside_the_width(layout: TimelineLayout) -> None:
    for m in layout.marks:
        x, _, w, _ = m.label_box
        assert x >= 0 and x + w <= layout.width, m.id


def test_undated_goals_go_to_the_no_date_column(layout: TimelineLayout, svg: str) -> None:
    assert layout.nodate_left is not None
    for gid in ("undated-long", "hostile"):
        m = by_id(layout)[gid]
        assert not m.dated and m.x > layout.nodate_left
        assert "kg-undated" in classes(svg, gid)


def test_extreme_dates_do_not_crash() -> None:
    acc = account(
        [goal("old", "now", date(1, 1, 1), "Old"), goal("far", "long-term", date(9999, 12, 31), "Far")]
    )
    layout = layout_timeline(acc, TODAY)
    assert layout.start == date(1, 1, 1) and layout.end == date.max
    for m in layout.marks:
        x, _, w, _ = m.label_box
        assert x >= 0 and x + w <= layout.width
    ET.fromstring(str(render_timeline(acc, EN, TODAY)))


# ---------------------------------------------------------------- markup


def test_svg_root_and_well_formed(svg: str) -> None:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("class") == "kg-timeline"
    # Its goals are links: a named group with a description, not an image (whose children are hidden).
    assert root.get("role") == "group" and root.get("aria-label") == "Goal timeline"
    assert (root.findtext(f"{SVG}desc") or "").startswith("Goals placed by horizon")
    assert root.get("style") == "max-width:100%;height:auto"
    assert root.get("viewBox", "").startswith("0 0 800 ") and root.get("width") == "800"
    assert root.find(f"{SVG}style") is not None


def test_no_blank_lines_and_style_never_starts_a_line(svg: str) -> None:
    # A blank line ends Markdown's raw HTML block; a line starting with <style
    # would be lifted out of the SVG.
    assert all(line.strip() for line in svg.split("\n"))
    assert not any(line.startswith("<style") for line in svg.split("\n"))


def test_style_has_scoped_light_and_dark_rules(svg: str) -> None:
    style = ET.fromstring(svg).find(f"{SVG}style")
    assert style is not None and style.text
    rules = [r for r in style.text.split("}") if r]
    assert all(r.startswith((".kg-timeline", '[data-md-color-scheme="slate"] .kg-timeline')) for r in rules)
    assert "var(--md-default-fg-color," in style.text


def test_overdue_achieved_and_dropped_classes(svg: str) -> None:
    assert "kg-overdue" in classes(svg, "past-open")
    assert {"kg-achieved"} <= classes(svg, "past-achieved")
    assert "kg-overdue" not in classes(svg, "past-achieved")
    assert "kg-overdue" not in classes(svg, "past-dropped")
    assert "kg-dropped" in classes(svg, "past-dropped")
    assert "kg-overdue" not in classes(svg, "showroom")
    assert ET.fromstring(svg).find(f".//{SVG}path[@class='kg-check']") is not None


def test_goal_marks_link_to_their_row(svg: str) -> None:
    for g in GOALS:
        link = element(svg, g["id"])
        assert link.tag == f"{SVG}a"
        assert link.get("href") == f"#goal-{g['id']}"
        assert "kg-goal" in (link.get("class") or "")


def test_goal_title_carries_the_full_statement(svg: str) -> None:
    title = element(svg, "may-3").find(f"{SVG}title")
    assert title is not None and title.text
    assert title.text.startswith("Qualify two new hinge suppliers for the premium range — Target: 2027-05-15")


def test_action_with_its_own_horizon_is_in_that_lane(layout: TimelineLayout, svg: str) -> None:
    # Its own horizon, not its long-term goal's: the time page counts it there.
    workshop = by_id(layout)["workshop"]
    assert workshop.lane == "now" and workshop.kind == "action"
    assert "kg-action" in classes(svg, "workshop")
    title = element(svg, "workshop").find(f"{SVG}title")
    assert title is not None
    assert title.text == "Action workshop — Meeting — Due: 2027-02-01 — Planned"


def test_action_without_a_horizon_is_in_its_goals_lane(layout: TimelineLayout) -> None:
    assert by_id(layout)["hostile-action"].lane == "12-months"
    assert by_id(layout)["undated"].lane == "6-months"


def test_action_without_goal_uses_its_horizon(layout: TimelineLayout) -> None:
    assert by_id(layout)["own-horizon"].lane == "3-months"


def test_action_with_neither_goal_nor_horizon_is_absent(layout: TimelineLayout, svg: str) -> None:
    assert "nowhere" not in by_id(layout)
    assert "nowhere" not in svg and "Not on the timeline" not in svg


def test_overdue_action_only_while_open(svg: str) -> None:
    assert "kg-overdue" in classes(svg, "late")
    assert "kg-overdue" not in classes(svg, "done-late")
    assert "kg-done" in classes(svg, "done-late")


def test_hostile_text_is_escaped(svg: str) -> None:
    assert "<script" not in svg.lower()
    texts = "".join(ET.fromstring(svg).itertext())
    assert HOSTILE in texts
    title = element(svg, "hostile-action").find(f"{SVG}title")
    assert title is not None and title.text and title.text.startswith(HOSTILE)


def test_hostile_text_stays_inert_in_markdown(svg: str) -> None:
    # The timeline is a file of its own, escaped for XML only; put in a page
    # as a raw HTML block, Markdown still finds no link, emphasis or code.
    html = markdown.markdown(
        f'# Page\n\n<div markdown="0">\n{svg}\n</div>\n\nafter',
        extensions=["tables", "attr_list", "md_in_html"],
    )
    assert '"javascript:' not in html and "<em>" not in html and "<code>" not in html
    assert svg in html
    assert "<script" not in html.lower()


def test_legend_and_today_marker(svg: str) -> None:
    root = ET.fromstring(svg)
    legend = root.find(f".//{SVG}g[@class='kg-legend']")
    assert legend is not None
    legend_text = " ".join(legend.itertext())
    for word in ("Legend", "Achieved", "Action", "Today"):
        assert word in legend_text
    today = root.find(f".//{SVG}text[@class='kg-today-label']")
    assert today is not None and today.text == "Today"
    assert root.find(f"{SVG}line[@class='kg-today']") is not None


def test_control_characters_and_blank_lines_are_removed() -> None:
    data = account([goal("odd", "now", date(2026, 12, 1), "placeholder")]).data
    # The schema refuses control characters; the drawing copes with them anyway.
    odd = data.goals[0].model_copy(update={"statement": "first\x01 line\n\n\nsecond\r\n\tthird"})
    acc = AccountRecord("acme", "accounts/acme.yaml", data.model_copy(update={"goals": [odd]}))
    out = str(render_timeline(acc, EN, TODAY))
    assert all(line.strip() for line in out.split("\n"))
    title = element(out, "odd").find(f"{SVG}title")
    assert title is not None and title.text and title.text.startswith("first line second third —")


# ---------------------------------------------------------------- edge cases


def test_empty_account_gives_a_small_svg() -> None:
    out = str(render_timeline(account([]), EN, TODAY))
    root = ET.fromstring(out)
    assert "kg-empty" in (root.get("class") or "")
    assert "No goals or actions to show yet" in "".join(root.itertext())
    assert layout_timeline(account([]), TODAY).marks == ()


def test_only_unplaceable_actions_counts_as_empty() -> None:
    out = str(render_timeline(account([], [action("loose", due=date(2027, 1, 1))]), EN, TODAY))
    assert "kg-empty" in out and "loose" not in out


def test_traditional_chinese_labels(big: AccountRecord) -> None:
    out = str(render_timeline(big, Labels(Language.ZH_HANT), TODAY))
    root = ET.fromstring(out)
    texts = list(root.itertext())
    assert "長期" in texts and "今天" in texts
    assert root.get("aria-label") == "目標時間軸"


def test_sample_account_renders() -> None:
    result = load(Project(ROOT))
    assert result.portfolio is not None
    record = result.portfolio.account("guangzhou-yaju-furniture")
    acc = record.data
    layout = layout_timeline(record, TODAY)
    marks = by_id(layout)
    assert marks["warranty-claims"].overdue and not marks["cut-unit-cost"].overdue
    assert {marks[a].lane for a in ("design-workshop", "gm-visit")} == {"long-term"}
    assert marks["prototype-pilot"].lane == "6-months"  # its own horizon, as the time page counts it
    for a, b in itertools.combinations(layout.marks, 2):
        assert not overlap(a.label_box, b.label_box)
    for labels in (EN, Labels(Language.ZH_HANT)):
        root = ET.fromstring(str(render_timeline(record, labels, TODAY)))
        links = {e.get("href") for e in root.iter(f"{SVG}a")}
        assert links == {f"#goal-{g.id}" for g in acc.goals}


# ---------------------------------------------------------------- agreement with analytics


def lane_hours(layout: TimelineLayout, record: AccountRecord) -> dict[str, float]:
    """Open effort hours per lane, as the timeline draws them."""
    actions = {a.id: a for a in record.data.actions}
    hours = dict.fromkeys((h.value for h in Horizon), 0.0)
    for m in layout.marks:
        if m.kind == "action" and actions[m.id].status in OPEN_ACTIONS:
            hours[m.lane] += actions[m.id].effort_hours or 0.0
    return hours


def assert_agrees_with_time_page(record: AccountRecord) -> None:
    layout = layout_timeline(record, TODAY)
    lanes = {m.id: m.lane for m in layout.marks if m.kind == "action"}
    for a in record.data.actions:
        horizon = analytics.action_horizon(record, a)
        assert lanes.get(a.id) == (horizon.value if horizon else None), (record.id, a.id)
        assert by_id(layout).get(a.id, None) is None or by_id(layout)[a.id].overdue == (
            analytics.is_overdue_action(a, TODAY)
        )
    counted = analytics.account_effort(record)
    assert lane_hours(layout, record) == {h.value: counted[h.value] for h in Horizon}


def test_every_sample_action_sits_where_the_time_page_counts_it() -> None:
    result = load(Project(ROOT))
    assert result.portfolio is not None
    assert len(result.portfolio.accounts) == 4
    for record in result.portfolio.accounts:
        assert_agrees_with_time_page(record)


def test_actions_with_their_own_horizon_fill_their_lanes() -> None:
    # Goals far out, actions paying off sooner: the lanes the report counts
    # hours in are the lanes the actions are drawn in, never empty.
    goals = [goal("big", "long-term", date(2029, 1, 1), "Big"), goal("mid", "6-months", None, "Mid")]
    actions = [
        action("a-now", goal="big", horizon="now", effort_hours=6, due=date(2026, 12, 1)),
        action("a-3m", goal="big", horizon="3-months", effort_hours=16, due=date(2027, 1, 10)),
        action("a-12m", goal="mid", horizon="12-months", effort_hours=24),
        action("a-goal", goal="mid", effort_hours=5, due=date(2027, 3, 1)),
    ]
    record = account(goals, actions)
    assert_agrees_with_time_page(record)
    layout = layout_timeline(record, TODAY)
    hours = lane_hours(layout, record)
    assert (hours["now"], hours["3-months"], hours["12-months"], hours["6-months"]) == (6, 16, 24, 5)
