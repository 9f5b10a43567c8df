"""kamgen's drawings: the relationship map, the goal timeline and the
portfolio charts, laid out in Python and drawn as inline SVG with one SVG
writer (:mod:`.svg`) and one stylesheet (:mod:`.style`). No JavaScript, no
diagram service: the drawings print and work offline.

Drawings take their numbers from :mod:`kamgen.analytics`; they never work
out what is open, overdue or on which horizon themselves.

- :mod:`.svg`: text width, escaping, elements, the <svg> root
- :mod:`.style`: colours and the CSS rules of every drawing
- :mod:`.geometry`: boxes, lines and the map's layout quality
- :mod:`.cards`: what a person's box shows
- :mod:`.ordering`: layers, their order (fewest crossings), rows and columns
- :mod:`.routing`: formal lines in lanes between the boxes
- :mod:`.informal`: informal lines, kept out from under the boxes
- :mod:`.legend`: the map's legend
- :mod:`.relmap`: the map's layout; :mod:`.relmap_svg`: the map drawn
- :mod:`.timeline`: the timeline's layout; :mod:`.timeline_svg`: the timeline drawn
- :mod:`.charts`: bar and scatter charts of analytics results
- :mod:`.matrix`: the portfolio matrix (attractiveness against our position)
"""

from __future__ import annotations

from kamgen.drawings import charts
from kamgen.drawings.matrix import portfolio_matrix
from kamgen.drawings.relmap_svg import render_map
from kamgen.drawings.timeline_svg import render_timeline

__all__ = ["charts", "portfolio_matrix", "render_map", "render_timeline"]
