"""Which entries an answer may come from, given the conversation's facets.

The ranker weighs facets; these rules are walls. A claim specific to one drug or patient
group is never shown for another: not when the question names the other one, and not when
the conversation carries it ("What is the ceritinib dose?" then "and for a 6-year-old?" is
not answered with crizotinib's children's dose).
"""

from __future__ import annotations

from typing import Iterable, List, Optional, Sequence

from knowledge.context import FACETS, Context
from knowledge.schema import Entry, Topic

# Facets that are walls even when carried from earlier questions: a drug's dose or a
# patient group's dose is wrong for another. The tumour's facets (gene, site) are walls
# only when the question names them, since an entry general to them still applies.
CARRIED_WALLS = ("drug", "population")


def wall_facets(context: Context) -> List[str]:
    """The facets an entry must not contradict: those the question names, plus the
    carried drug and patient group."""
    return [name for name in FACETS if name in context.named_now or name in CARRIED_WALLS]


def clashes(entry: Entry, context: Context) -> List[str]:
    """The wall facets this entry is specific to another value of."""
    found = []
    for name in wall_facets(context):
        covered, wanted = getattr(entry.facets, name), context.facet(name)
        if covered and wanted and wanted not in covered:
            found.append(name)
    return found


def unmatched(entries: Iterable[Entry], context: Context, topic: Topic) -> List[str]:
    """Wall facets that no allowed entry on the topic is specific to: the answer then
    says it is general ("no specific dosing information about ceritinib in children")."""
    allowed = [e for e in entries if e.topic == topic and not clashes(e, context)]
    return [
        name
        for name in wall_facets(context)
        if name != "biomarker_status"
        and context.facet(name)
        and not any(context.facet(name) in getattr(e.facets, name) for e in allowed)
    ]


def missing_topic(entries: Sequence[Entry], context: Context, asked: Optional[Topic]) -> Optional[str]:
    """The facet that walls off every entry of the asked topic specific to one, when no
    entry of that topic is allowed: "the side effects of alectinib" when the knowledge
    base holds side effects of crizotinib only. None when the topic can be answered."""
    if asked is None:
        on_topic = []
    else:
        on_topic = [e for e in entries if e.topic == asked]
    if not on_topic or any(not clashes(e, context) for e in on_topic):
        return None
    return clashes(on_topic[0], context)[0]
