"""The composer's connective templates: disclaimers, headings, context lines.

Answers are assembled only from knowledge-base claims plus the templates here; the
grounding test checks every sentence of an answer against both. Every other fixed
reply (greetings, safety, rephrase, audience switch) is a domain response in domain.yml.
"""

from knowledge.schema import Audience, Topic

DISCLAIMERS = {
    Audience.clinician: (
        "This information is intended for healthcare professionals and is educational only. "
        "Clinical decisions should rest on clinical judgment, the current product label and "
        "independently verified primary literature."
    ),
    Audience.patient: (
        "This is general educational information, not medical advice. Please talk with your "
        "care team about your own situation. If you have severe or sudden symptoms, call your "
        "local emergency number."
    ),
}

TOPIC_LABELS = {
    Topic.overview: "general",
    Topic.diagnosis: "diagnosis",
    Topic.treatment: "treatment",
    Topic.dosing: "dosing",
    Topic.side_effects: "side-effect",
    Topic.prognosis: "prognosis",
}

FACET_LABELS = {
    "pediatric": "children",
    "adult": "adults",
    "pregnancy": "pregnancy",
    "elderly": "older adults",
    "head_and_neck": "head and neck",
}

GUIDELINES_HEADING = "From the Guidelines"
RESEARCH_HEADING = "From the Research"

CONTEXT_TEMPLATE = "Answering for: {context}."
NO_SPECIFIC_TEMPLATE = (
    "I have no specific {topic} information about {value} in my curated knowledge base, so here is what I do have."
)
NOTHING_FOUND_TEMPLATE = "I have no {topic} information about {value} in my curated knowledge base, and I won't guess."
# After NOTHING_FOUND_TEMPLATE, before the entries offered instead.
RELATED_QUESTIONS = "These are related questions I can answer:"
NOTHING_AT_ALL = "I have nothing on that in my curated knowledge base, and I won't guess."
CLOSEST_QUESTIONS = (
    "I'm not sure my curated knowledge base answers exactly that, and I won't guess. "
    "These are the closest questions I can answer:"
)
# Approved-only mode (IMT_APPROVED_ONLY=1), when no approved entry answers the question.
NOT_REVIEWED_NEAREST = (
    "Nothing in my knowledge base that a clinician has reviewed answers that yet, and here I answer only "
    "from reviewed information, so I won't guess. The nearest reviewed topic is {topic}; "
    "these are the closest reviewed questions I can answer:"
)
NOTHING_REVIEWED_YET = (
    "No part of my knowledge base has been reviewed by a clinician yet, and here I answer only from "
    "reviewed information, so I can't answer that. Please ask your care team."
)
TOPIC_NAMES = {
    Topic.overview: "IMT in general",
    Topic.diagnosis: "diagnosis",
    Topic.treatment: "treatment",
    Topic.dosing: "dosing",
    Topic.side_effects: "side effects",
    Topic.prognosis: "outlook (prognosis)",
}
DOSING_POPULATION_UNCLEAR = (
    "You did not say which patient group you mean, so this is the labelled dose for {population}; "
    "the other groups are under More."
)
# Before each follow-up question offered after an answer (the next-best entries).
MORE_LABEL = "More:"
# Opens an answer whose question asserts something the evidence contradicts.
CORRECTION_HEADING = "That isn't quite right:"
PATIENT_DOSING_NOTE = "Your care team sets the dose; please don't change it on your own."

# The review state of each entry an answer used (knowledge/render_text.py: review_lines).
REVIEWED_BY = "Reviewed by {reviewer} on {date}"
REVIEW_DUE = "review due"
NOT_YET_REVIEWED = "Not yet reviewed by a clinician"
CHANGED_SINCE_REVIEW = "Not yet reviewed by a clinician since it changed (reviewed by {reviewer} on {date})"
CHANGES_REQUESTED = "Not yet approved: a clinician asked for changes on {date}"
# Payloads stored before per-entry review states were sent (read back from the tracker store).
REVIEW_LINE = "Review status: {status} · last reviewed {date}"
REVIEW_STATUS_LABELS = {
    "draft": "draft",
    "under_review": "under review",
    "changes_requested": "changes requested",
    "approved": "approved",
}
