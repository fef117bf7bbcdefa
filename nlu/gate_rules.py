"""Rule-based checks that run before the statistical NLU decides anything: safety
triage (nlu/triage.py), unusable input and requests to make a treatment decision.

No Rasa imports, so the checks are unit tested directly.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Optional

from knowledge.settings import get_settings
from knowledge.vocabulary import load_vocabulary
from nlu.triage import TriageVerdict, get_detector
from nlu.triage_model import TriageModel, combine

# --- input hygiene ---------------------------------------------------------------


class _TextOnly(HTMLParser):
    """Keeps the text of an HTML fragment and drops tags, scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def strip_html(text: str) -> str:
    if "<" not in text and "&" not in text:
        return text
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return " ".join("".join(parser.parts).split())


def _unreadable_share(text: str) -> float:
    """Share of characters that are control codes or decoding replacements."""
    if not text:
        return 0.0
    bad = sum(
        1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) in {"Cc", "Cs", "Co"} and ch not in "\n\t\r")
    )
    return bad / len(text)


# Small stop-word lists: enough to tell an English question from a Spanish, French,
# German, Italian, Portuguese or Dutch one. Drug and gene names are neutral.
_ENGLISH = set(
    [
        "the",
        "a",
        "an",
        "is",
        "are",
        "was",
        "what",
        "which",
        "who",
        "how",
        "when",
        "where",
        "why",
        "does",
        "do",
        "did",
        "can",
        "could",
        "should",
        "would",
        "of",
        "for",
        "to",
        "in",
        "on",
        "with",
        "and",
        "or",
        "my",
        "your",
        "it",
        "its",
        "this",
        "that",
        "there",
        "about",
        "after",
        "before",
        "i",
        "me",
        "you",
        "be",
        "been",
        "have",
        "has",
        "had",
        "not",
        "no",
        "yes",
        "any",
        "some",
        "if",
        "dose",
        "treat",
        "treatment",
        # Words of both: "incidence per million", "as aggressive as reported" are English.
        "as",
        "per",
        "come",
        "comment",
        "con",
        "die",
        "met",
        "pour",
        "son",
    ]
)
_FOREIGN = (
    set(
        [
            # Italian, now that "per" counts as English.
            "qual",
            "quale",
            "cosa",
            "della",
            "sono",
            "bambini",
            "farmaco",
            "quanto",
            "el",
            "la",
            "los",
            "las",
            "es",
            "son",
            "que",
            "qué",
            "cómo",
            "como",
            "por",
            "para",
            "con",
            "una",
            "del",
            "y",
            "pero",
            "tratamiento",
            "dosis",
            "le",
            "les",
            "des",
            "est",
            "une",
            "dans",
            "pour",
            "avec",
            "quoi",
            "quel",
            "quelle",
            "comment",
            "mais",
            "traitement",
            "der",
            "die",
            "das",
            "ist",
            "sind",
            "und",
            "wie",
            "was",
            "welche",
            "mit",
            "für",
            "nicht",
            "ein",
            "eine",
            "behandlung",
            "il",
            "lo",
            "gli",
            "sono",
            "che",
            "per",
            "con",
            "una",
            "della",
            "cosa",
            "come",
            "trattamento",
            "o",
            "os",
            "as",
            "é",
            "são",
            "não",
            "uma",
            "com",
            "qual",
            "tratamento",
            "het",
            "een",
            "en",
            "zijn",
            "wat",
            "hoe",
            "met",
            "voor",
            "niet",
            "behandeling",
        ]
    )
    - _ENGLISH
)


def looks_non_english(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    non_latin = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith("LATIN"))
    if non_latin / len(letters) > 0.3:
        return True
    # Single letters and capitalised shorthand are not words of a language: "5y OS" is
    # five-year overall survival, not Spanish "y" and Portuguese "os".
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1 and not w.isupper()]
    foreign = sum(1 for w in words if w in _FOREIGN)
    english = sum(1 for w in words if w in _ENGLISH)
    return foreign >= 2 and foreign > english


# --- treatment decisions ---------------------------------------------------------------

_DECISION_VERBS = (
    r"stop|quit|skip|pause|reduce|lower|cut|increase|raise|double|halve|change|switch|start|"
    r"continue|keep\s+taking|take|have|get|do|refuse|decline|delay|postpone|come\s+off|go\s+off"
)
_DECISION_RE = re.compile(
    r"\b(?:should|shall|can|could|may|must|do)\s+(?:i|we|my\s+\w+|he|she)\s+(?:\w+\s+){0,1}?(?:"
    + _DECISION_VERBS
    + r")\b"
    r"|\bis\s+it\s+(?:ok|okay|safe|fine|alright)\s+(?:for\s+(?:me|him|her|us)\s+)?(?:if\s+i\s+|to\s+)(?:"
    + _DECISION_VERBS
    + r")\b"
    r"|\b(?:what|which)\s+(?:should|would)\s+(?:i|we)\s+(?:do|choose|pick|take)\b"
    r"|\b(?:do\s+you\s+think|would\s+you\s+recommend)\s+(?:that\s+)?(?:i|we|my\s+\w+)\b"
    r"|\b(?:decide|choose)\s+for\s+(?:me|us)\b"
    r"|\bi(?:'m|\s+am)\s+(?:going\s+to|thinking\s+of|planning\s+to)\s+(?:" + _DECISION_VERBS + r")\b"
    r"|\bi\s+(?:want|wanna)\s+to\s+(?:stop|quit|skip|reduce|lower|double|increase|change|switch|come\s+off)\b",
    re.IGNORECASE,
)
# "can I take it with food?" is a general dosing question, not a treatment decision.
_GENERAL_HOW_TO = re.compile(
    r"\b(?:with|without)\s+food\b|\bat\s+night\b|\bin\s+the\s+morning\b"
    r"|\bif\s+(?:i|we|you|he|she)\s+(?:miss|missed|forget|forgot|vomit|vomited|throw\s+up|threw\s+up)\b",
    re.IGNORECASE,
)
# How the drug is taken (with a meal or a drink, at what time, a late dose) and "how do I
# ..." ask how, not whether: answered from the label, unless the message also asks to stop,
# switch or change the treatment ("should he switch to alectinib after dinner tonight").
_HOW_IT_IS_TAKEN = re.compile(
    r"\b(?:with|without|after|before)\s+(?:(?:a|some|his|her|my|their)\s+)?(?:(?:glass|cup|drink|bit)\s+of\s+)?"
    r"(?:food|meals?|milk|juice|water|breakfast|lunch|dinner|supper|snacks?|yogh?urt|apple\s*sauce|eating)\b"
    r"|\bat\s+bedtime\b|\bbefore\s+bed\b|\bin\s+the\s+evening\b"
    r"|\b(?:i|we|you|he|she|they)(?:'re|'m|\s+are|\s+am|\s+is|\s+was|\s+were)\s+(?:\d+\s+)?(?:\w+\s+)?late\b"
    r"|\b(?:late|missed|forgotten|vomited)\s+(?:a\s+)?doses?\b"
    r"|\b(?:forgot|forget|missed|skipped)\s+(?:(?:this|last|tonight'?s|today'?s|yesterday'?s|his|her|my|the|a)\s+)?"
    r"(?:(?:morning|evening|night|bedtime|lunchtime)(?:'?s)?\s+)?(?:dose|tablet|capsule|pill)s?\b"
    # "can he have grapefruit juice while on xalkori?": whether two things go together.
    r"|\b(?:while|whilst|when)\s+(?:(?:he|she|i|we|you|they)(?:'s|\s+is|\s+am|'m|\s+are|'re)?\s+)?(?:on|taking|using)\b"
    r"|^\W*how\s+(?:do|can|could)\s+(?:i|we)\b"
    # Session 13 (a seventeenth and eighteenth writer's questions): the same time each day, a
    # dose brought back up, a food or drink with the drug.
    r"|\bat\s+the\s+same\s+time\b"
    r"|\b(?:vomit(?:s|ed|ing)?|throws?\s+up|threw\s+up|thrown\s+up|sick\s+up)\b"
    r"|\b(?:have|eat|drink)\s+(?:\w+\s+){0,3}?(?:grapefruit|alcohol|wine|beer|coffee|caffeine|st\.?\s*john'?s\s+wort)\b"
    # Session 14 (a nineteenth and twentieth writer's questions): the clock times of the two
    # doses, and a child who cannot swallow.
    r"|\bat\s+\d{1,2}(?::\d{2})?\s*(?:am|pm|o'?clock)\b|\b\d{1,2}\s+hours\s+apart\b|\bexactly\s+12\s+hours\b"
    r"|\b(?:can'?t|cannot|can\s+not|unable\s+to|won'?t)\s+swallow\b",
    re.IGNORECASE,
)
# Not a treatment decision whatever verb it uses: an amount asked for ("how much Xalkori should
# he get", "how much do we cut the crizotinib with itraconazole") is the label's dose, and
# stopping the scans is when surveillance ends (prognosis).
_NOT_A_DECISION = re.compile(
    r"\bhow\s+(?:much(?!\s+(?:longer|more\s+time|time))|many\s+(?:mg|milligrams?|capsules?|tablets?|pills?))\b"
    r"|\bstop\s+(?:the\s+|his\s+|her\s+|my\s+)?(?:scans?|imaging|follow[-\s]?ups?|surveillance|check[-\s]?ups?|monitoring|mris?|cts?)\b"
    # Session 14: a reference asked for ("can I get the pubmed link"), catching the disease
    # ("could my other kids get it"), and what might have been ("could she have caught it").
    r"|\b(?:get|have|see|read)\s+(?:the\s+|a\s+|that\s+)?(?:pubmed|link|links|reference|references|source|sources"
    r"|paper|papers|copy|article|citation|citations)\b"
    r"|\b(?:could|can|will|might|would)\s+(?:my|our|his|her)\s+(?:other\s+)?\w+\s+(?:get|catch|inherit|develop)\s+"
    r"(?:it|this|imt|one|the\s+same)\b(?!\s+(?:removed|out|done|checked|scanned|tested|biopsied|operated))"
    r"|\b(?:could|would|might|should|may)\s+(?:i|we|he|she|they|my\s+\w+)\s+have\s+(?:caught|been|had|got|gotten|done"
    r"|picked|inherited|prevented|noticed|known|spotted|passed|given|caused)\b",
    re.IGNORECASE,
)
_CHANGES_TREATMENT = re.compile(
    r"\b(?:stop|quit|pause|reduce|lower|cut|increase|raise|double|halve|change|switch|start|refuse|decline|delay|"
    r"postpone)\b|\b(?:come|go)\s+off\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1)
def _with_a_drug() -> re.Pattern[str]:
    """ "can she take it with the Xalkori?": whether two medicines go together."""
    names = sorted(
        {str(n) for forms in load_vocabulary().surface_forms("drug").values() for n in forms}, key=len, reverse=True
    )
    return re.compile(
        r"\b(?:with|alongside|and)\s+(?:the\s+|his\s+|her\s+|my\s+|their\s+)?(?:"
        + "|".join(map(re.escape, names))
        + r")\b",
        re.IGNORECASE,
    )


def is_personal_decision(text: str) -> bool:
    if not _DECISION_RE.search(text) or _GENERAL_HOW_TO.search(text) or _NOT_A_DECISION.search(text):
        return False
    how_it_is_taken = _HOW_IT_IS_TAKEN.search(text) or _with_a_drug().search(text)
    return not (how_it_is_taken and not _CHANGES_TREATMENT.search(text))


# A message that only acknowledges an answer ("ok", "got it", "makes sense") asks nothing.
# The classifier saw "ok" mostly before a follow-up ("ok, and for children?") and may answer
# it as one; it is thanks. "yes" and "no" are left to the classifier: they answer questions.
_ACKNOWLEDGEMENT = re.compile(
    r"^\W*(?:(?:ok(?:ay|ey)?|k+|alright|all right|got it|gotcha|i see|understood|noted|makes sense"
    r"|fair enough|cool|great|perfect|thanks|thank you|thx|ty|ah|oh)\W*)+$",
    re.IGNORECASE,
)


def is_acknowledgement(text: str) -> bool:
    return bool(_ACKNOWLEDGEMENT.match(text))


# --- verdict -------------------------------------------------------------------------


def triage(text: str, model: Optional[TriageModel] = None) -> Optional[TriageVerdict]:
    """The rules' verdict, with the trained classifier's second opinion when there is one."""
    detector = get_detector()
    verdict, harmless = detector.assess(text)
    if model is None:
        return verdict
    normalized = detector.normalize(text)
    probabilities = model.probabilities(normalized)
    return combine(verdict, probabilities, detector.taxonomy, len(normalized.split()), harmless)


# Triage reads at most this much of a message (an emergency buried in a very long one
# still counts); the rest of the gate works on the capped text.
TRIAGE_READ_CHARS = 20000


@dataclass(frozen=True)
class GateVerdict:
    """What the gate decided. `kind` is None when the message can go to the NLU."""

    # "triage" | "empty" | "no_text" | "too_long" | "unreadable" | "other_language" | "personal_decision"
    # | "acknowledgement"
    kind: Optional[str]
    cleaned_text: str
    original_length: int
    triage: Optional[TriageVerdict] = None


def check_message(raw: object, max_chars: Optional[int] = None, model: Optional[TriageModel] = None) -> GateVerdict:
    """Classify a raw user message; the cleaned text is what the NLU should see.

    Safety triage comes first: an emergency gets its reply whatever else the message is
    (too long, a decision request, partly in another language). `model` is the trained
    second opinion; without it the rules decide alone."""
    limit = max_chars or get_settings().max_message_chars
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    original_length = len(text)
    if _unreadable_share(text) > 0.1:
        return GateVerdict("unreadable", "unreadable", original_length)
    cleaned = strip_html(text[:TRIAGE_READ_CHARS])
    cleaned = "".join(ch for ch in cleaned if unicodedata.category(ch) != "Cc" or ch in "\n\t")
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        kind = "no_text" if text.strip() else "empty"  # e.g. only <script>…</script>
        return GateVerdict(kind, kind, original_length)
    if not any(ch.isalpha() for ch in cleaned):
        return GateVerdict("no_text", cleaned, original_length)  # "12345", "???"
    verdict = triage(cleaned, model)
    capped = cleaned[:limit]
    if verdict is not None:
        return GateVerdict("triage", capped, original_length, verdict)
    if original_length > limit:
        return GateVerdict("too_long", capped, original_length)
    if looks_non_english(cleaned):
        return GateVerdict("other_language", cleaned, original_length)
    if is_personal_decision(cleaned):
        return GateVerdict("personal_decision", cleaned, original_length)
    if is_acknowledgement(cleaned):
        return GateVerdict("acknowledgement", cleaned, original_length)
    return GateVerdict(None, cleaned, original_length)
