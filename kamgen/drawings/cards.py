"""What a person's box on the relationship map shows: name, title, role,
stance, influence and its trend, coverage and whether they left, known
before layout so that every box fits its labels; and the box's tooltip.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kamgen.drawings.geometry import PAD, TITLE_CAP
from kamgen.drawings.svg import one_line, text_width
from kamgen.drawings.svg import plain as svg_text
from kamgen.labels import Labels
from kamgen.schema import BuyingRole, Stakeholder, Trend

ROLE_CODES: dict[str, str] = {
    BuyingRole.ECONOMIC_BUYER: "EB",
    BuyingRole.USER_BUYER: "UB",
    BuyingRole.TECHNICAL_BUYER: "TB",
    BuyingRole.COACH: "C",
    BuyingRole.CHAMPION: "CH",
    BuyingRole.INFLUENCER: "I",
}
UNKNOWN_ROLE = "?"
# Influence trend, drawn after the badges; the words are in the box's title.
TREND_ARROWS: dict[str, str] = {Trend.RISING: "↑", Trend.STEADY: "→", Trend.FALLING: "↓"}

NAME_SIZE = 13.0
TITLE_SIZE = 11.0
BADGE_SIZE = 10.0
ROLE_SIZE = 9.0
ROLE_R = 10.0
KNOWN_R = 7.0
NAME_X = PAD + 2 * ROLE_R + 6
TITLE_Y = 42.0  # baseline, between the name row and the badge row
COVER_X = PAD + 2 * KNOWN_R + 5
SEP = 8.0

# ---------------------------------------------------------------- text


def initials(name: str) -> str:
    """LW for Li Wei; 陳 for 陳家欣 (a Chinese surname is one character)."""
    base = re.sub(r"\(.*?\)", " ", one_line(name)).strip() or one_line(name)
    firsts = [next((c for c in word if c.isalnum()), "") for word in base.split()]
    return "".join(firsts)[:3].upper()


# ---------------------------------------------------------------- cards


@dataclass(frozen=True)
class Card:
    """What one box shows, known before layout so that boxes fit their labels."""

    id: str
    name: str
    title: str
    stance: str
    influence: str
    role: str
    known: bool
    cover: str
    left: str
    trend: str = ""  # an arrow from TREND_ARROWS, or nothing
    trend_words: str = ""  # what the arrow says, for assistive technology

    @property
    def trend_width(self) -> float:
        """Room the arrow takes at the end of the badge row, its gap included."""
        return SEP + text_width(self.trend, BADGE_SIZE) if self.trend else 0.0

    def need(self) -> float:
        name = NAME_X + text_width(self.name, NAME_SIZE) + PAD
        title = min(2 * PAD + text_width(self.title, TITLE_SIZE), TITLE_CAP)
        badges = COVER_X + text_width(self.cover, BADGE_SIZE) + PAD + self.trend_width
        if self.left:
            badges += SEP + text_width(self.left, BADGE_SIZE)
        return max(name, title, badges)


def trend_arrow(trend: Trend | None) -> str:
    """The arrow for an influence trend; nothing when none is recorded."""
    return TREND_ARROWS.get(trend, "") if trend else ""


def trend_words(person: Stakeholder, labels: Labels) -> str:
    """The arrow in words: "Influence trend: Rising"."""
    if not person.influence_trend:
        return ""
    return f"{labels.label('influence_trend')}: {labels.enum('trend', person.influence_trend)}"


def card(person: Stakeholder, labels: Labels, team_names: Mapping[str, str]) -> Card:
    cover = " ".join(
        initials(team_names.get(c.member) or c.member.replace("-", " ")) for c in person.coverage
    )
    return Card(
        id=person.id,
        name=one_line(person.name),
        title=one_line(person.title or person.department or ""),
        stance=person.stance.value if person.stance else "unknown",
        influence=person.influence.value if person.influence else "unknown",
        role=ROLE_CODES.get(person.role or "", UNKNOWN_ROLE),
        known=person.known_in_person,
        cover=cover,
        left=one_line(labels.label("left_company")) if person.left_on else "",
        trend=trend_arrow(person.influence_trend),
        trend_words=one_line(trend_words(person, labels)),
    )


def tooltip(person: Stakeholder, labels: Labels, team_names: Mapping[str, str]) -> str:
    """The full story of a box, escaped, one fact a line: truncated labels stay readable on hover."""
    name = person.name + (f" ({', '.join(person.aliases)})" if person.aliases else "")
    lines = [name]
    if person.title or person.department:
        lines.append(" · ".join(t for t in (person.title, person.department) if t))
    lines.append(
        f"{labels.label('role')}: {labels.enum('role', person.role)} · "
        f"{labels.label('stance')}: {labels.enum('stance', person.stance)} · "
        f"{labels.label('influence')}: {labels.enum('level', person.influence)}"
        + (
            f" {trend_arrow(person.influence_trend)} ({labels.enum('trend', person.influence_trend)})"
            if person.influence_trend
            else ""
        )
    )
    if person.joined_on:
        lines.append(f"{labels.label('joined_on')}: {person.joined_on.isoformat()}")
    cover = ", ".join(
        f"{team_names.get(c.member, c.member)} ({labels.enum('coverage', c.level)})" for c in person.coverage
    )
    known = labels.label("yes" if person.known_in_person else "no")
    lines.append(
        f"{labels.label('known_in_person')}: {known} · "
        f"{labels.label('coverage')}: {cover or labels.label('none')}"
    )
    if person.left_on:
        lines.append(f"{labels.label('left_company')} ({person.left_on.isoformat()})")
    return "&#10;".join(svg_text(line) for line in lines)
