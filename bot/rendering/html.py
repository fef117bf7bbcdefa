"""HTML fragments for the web chat widget, rendered with Jinja2 autoescaping.

The widget inserts these fragments as they are; every piece of text from the user, the
knowledge base or the bot goes through autoescape, and links are only http(s)
addresses (knowledge.links.safe_link, checked again here: payloads can come back from the
tracker store).
"""

from __future__ import annotations

import json

from jinja2 import Environment, select_autoescape

from bot.rendering.common import FEEDBACK_VOTES, BotMessage, audience_switch, feedback_record
from knowledge.links import safe_link
from knowledge.render_text import review_lines
from knowledge.templates import MORE_LABEL

_ENV = Environment(autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)

_ANSWER = _ENV.from_string("""
<div class="imt-answer" data-topic="{{ a.topic }}" data-audience="{{ a.audience }}">
{% if lead %}<p class="imt-lead">{{ lead }}</p>{% endif %}
{% for line in a.intro %}<p class="imt-intro">{{ line }}</p>{% endfor %}
{% for section in a.sections %}
<section class="imt-section"><h3>{{ section.heading }}</h3><ul>
{% for claim in section.claims %}<li class="imt-claim imt-{{ claim.certainty }}">{{ claim.text }}
{% for n in claim.citations %} {% if links.get(n) %}<a class="imt-cite" href="{{ links[n] }}" target="_blank" rel="noopener noreferrer" aria-label="Source {{ n }}">[{{ n }}]</a>{% else %}<span class="imt-cite">[{{ n }}]</span>{% endif %}{% endfor %}</li>
{% endfor %}</ul></section>
{% endfor %}
{% if a.citations %}<details class="imt-sources" open><summary>Sources</summary><ol>
{% for c in a.citations %}<li value="{{ c.n }}">{% if links.get(c.n) %}<a href="{{ links[c.n] }}" target="_blank" rel="noopener noreferrer">{{ c.label }}</a>{% else %}{{ c.label }}{% endif %}</li>{% endfor %}
</ol></details>{% endif %}
{% for line in reviews %}<p class="imt-review">{{ line }}</p>{% endfor %}
<p class="imt-disclaimer" role="note">{{ a.disclaimer }}</p>
{% if a.suggestions %}<div class="imt-suggestions" aria-label="More questions I can answer"><span class="imt-more">{{ more_label }}</span>
{% for s in a.suggestions %}<button type="button" class="imt-chip" data-ask="{{ s }}">{{ s }}</button>{% endfor %}
</div>{% endif %}
<div class="imt-actions">
<button type="button" class="imt-audience" data-ask="{{ switch[1] }}">{{ switch[0] }}</button>
<span class="imt-feedback" data-feedback="{{ feedback }}">
{% for vote, icon in votes.items() %}<button type="button" class="imt-vote" data-vote="{{ vote }}" aria-label="{{ 'Helpful' if vote == 'up' else 'Not helpful' }}">{{ icon }}</button>{% endfor %}
</span></div>
</div>
""")

_PLAIN = _ENV.from_string("""
<div class="imt-plain">
{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>{% endfor %}
{% if references %}<ol>{% for r in references %}<li value="{{ r.n }}">{{ r.full }}{% if r.link %} <a href="{{ r.link }}" target="_blank" rel="noopener noreferrer">link</a>{% endif %}</li>{% endfor %}</ol>{% endif %}
{% if buttons %}<div class="imt-suggestions">{% for b in buttons %}<button type="button" class="imt-chip" data-ask="{{ b.payload }}">{{ b.title }}</button>{% endfor %}</div>{% endif %}
</div>
""")


_TRIAGE = _ENV.from_string("""
<div class="imt-triage imt-triage-{{ t.level }}" role="alert" data-category="{{ t.category }}">
<p class="imt-triage-heading"><strong>{{ t.heading }}</strong></p>
<p>{{ text }}</p>
</div>
""")


def render_html(message: BotMessage) -> str:
    if message.triage is not None:
        return _TRIAGE.render(t=message.triage, text=message.text).strip()
    if message.answer is not None:
        answer = message.answer
        return _ANSWER.render(
            a=answer,
            lead=message.lead,
            reviews=review_lines(answer),
            more_label=MORE_LABEL,
            switch=audience_switch(answer),
            links={c.n: safe_link(c.link) for c in answer.citations},
            votes=FEEDBACK_VOTES,
            feedback=json.dumps(feedback_record(answer)),
        ).strip()
    text = message.text
    if message.references:  # the list is rendered from the payload, not the text
        text = text.split("\n", 1)[0]
    paragraphs = [p for p in text.split("\n") if p.strip()]
    references = [{**r, "link": safe_link(r.get("link"))} for r in message.references]
    return _PLAIN.render(paragraphs=paragraphs, references=references, buttons=message.buttons).strip()


def render_user_html(text: str) -> str:
    return _ENV.from_string('<p class="imt-user-text">{{ text }}</p>').render(text=text)
