"""Fixed wording: disclaimers, connective templates and safety replies.

Answers are assembled only from knowledge-base claims plus the templates here; the
grounding test checks every sentence of an answer against both.
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
    "I have no specific {topic} information about {value} in my curated knowledge base, "
    "so here is what I do have."
)
NOTHING_FOUND_TEMPLATE = (
    "I have no {topic} information about {value} in my curated knowledge base, and I won't guess."
)
NOTHING_AT_ALL = "I have nothing on that in my curated knowledge base, and I won't guess."
DOSING_POPULATION_UNCLEAR = (
    "You did not say which patient group you mean, so here are the labelled doses for each group."
)
PATIENT_DOSING_NOTE = "Your care team sets the dose; please don't change it on your own."
ALTERNATIVES_TEMPLATE = "You can ask about it under {topics}."

REVIEW_LINE = "Review status: {status} · last reviewed {date}"
REVIEW_STATUS_LABELS = {"draft": "draft", "under_review": "under review", "approved": "approved"}

EMERGENCY = (
    "What you describe can be an emergency. Please call your local emergency number now "
    "(911 in the US, 112 in Europe, 999 in the UK) or go to the nearest emergency department. "
    "If you are on treatment such as crizotinib, tell them which medicines you take. "
    "I am an information assistant and can't assess symptoms."
)

CARE_TEAM = (
    "That is a decision for you and your care team, who know your situation, so I can't "
    "make it for you. Please don't stop, skip or change a treatment without talking to them first. "
    "Here are the general facts that may help you prepare for that conversation."
)

UNUSABLE_INPUT = {
    "empty": "Your message was empty. Please type a question about inflammatory myofibroblastic tumor (IMT), for example: What is the dose of crizotinib for children?",
    "no_text": "Your message had no words I can read (only markup, numbers or symbols). Please type your question about inflammatory myofibroblastic tumor (IMT) in plain words.",
    "too_long": "Your message is very long ({length} characters). Please ask one question at a time, in under {limit} characters.",
    "unreadable": "I couldn't read that message: it looks like binary data or control characters. Please type your question as plain text.",
    "other_language": "Sorry, I can only answer in English for now. Please ask your question about inflammatory myofibroblastic tumor (IMT) in English.",
    None: "I couldn't make sense of that message. Please ask a question about inflammatory myofibroblastic tumor (IMT) in plain words.",
}

REPHRASE = (
    "Sorry, I'm not sure what you mean. Could you rephrase? I can answer questions about "
    "these topics:"
)
MAIN_TOPIC_BUTTONS = [
    ("Overview", "What is IMT?"),
    ("Diagnosis", "How is IMT diagnosed?"),
    ("Treatment", "How is IMT treated?"),
    ("Dosing", "What is the dose of crizotinib?"),
    ("Side effects", "What are the side effects of crizotinib?"),
    ("Prognosis", "What is the prognosis of IMT?"),
]

NO_SOURCES_YET = "I haven't given an answer with sources yet in this conversation. Ask me a question about IMT first."
SOURCES_INTRO = "The full references for my last answer:"

AUDIENCE_SET = {
    Audience.clinician: "Got it: I'll use clinical language from now on.",
    Audience.patient: "Got it: I'll use plain language from now on.",
}
