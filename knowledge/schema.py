"""One pydantic schema for the knowledge base, from the YAML files to the answer payload.

The YAML files in knowledge/data are parsed into these models at load time; the
answer composer builds an AnswerPayload from the same Claim/Reference objects, and
every channel renders that payload instead of re-deriving anything.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from functools import cached_property
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field, root_validator, validator
from pydantic.fields import ModelField

from knowledge.links import check_link
from knowledge.signoff_content import hash_content
from knowledge.vocabulary import load_vocabulary

# --- controlled vocabularies ------------------------------------------------


class Topic(str, Enum):
    overview = "overview"
    diagnosis = "diagnosis"
    treatment = "treatment"
    dosing = "dosing"
    side_effects = "side_effects"
    prognosis = "prognosis"


class Audience(str, Enum):
    clinician = "clinician"
    patient = "patient"


class EvidenceKind(str, Enum):
    """Where a claim comes from; the first three are shown under "From the Guidelines"."""

    label = "label"  # regulatory label / approval (FDA, EMA)
    guideline = "guideline"  # NCCN and other practice guidelines
    classification = "classification"  # WHO classification of tumours
    trial = "trial"  # prospective clinical trials
    series = "series"  # retrospective case series, registries, cohorts
    review = "review"  # narrative or systematic reviews, expert digests
    case_report = "case_report"


GUIDELINE_KINDS = {EvidenceKind.label, EvidenceKind.guideline, EvidenceKind.classification}


class Certainty(str, Enum):
    """How firm the evidence is; anything but 'established' must be worded as such."""

    established = "established"
    limited = "limited"  # small series / case reports / expert practice
    uncertain = "uncertain"  # [M]/[U] items in the evidence notes, or conflicting sources


class ReviewStatus(str, Enum):
    draft = "draft"
    under_review = "under_review"
    changes_requested = "changes_requested"  # set only from the sign-off log (knowledge/approvals.py)
    approved = "approved"  # set only from the sign-off log, never written in an entry's YAML


# What a curator may write in an entry's `review`; clinicians' decisions come from the
# sign-off log, with the hash of what they saw.
CURATOR_STATUSES = {ReviewStatus.draft, ReviewStatus.under_review}


# Facet values come from the one vocabulary file (knowledge/vocabulary.yml).
_VOCABULARY = load_vocabulary()

# A keyword shared by more entries of a topic than this ("dose") tells them apart poorly.

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def _check_members(values: List[str], what: str) -> List[str]:
    allowed = _VOCABULARY.values(what)
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValueError(f"unknown {what}: {unknown}; allowed: {sorted(allowed)}")
    return values


# --- references --------------------------------------------------------------

_IDENTIFIER_FORMATS = {
    "pmid": (r"\d{6,9}", "6-9 digits"),
    "doi": (r"10\.\d{4,9}/\S+", "a DOI starting with 10.NNNN/"),
    "url": (r"https?://\S+", "an http(s) URL"),
}


class Reference(BaseModel):
    id: str  # "R1" ... as numbered in the evidence notes
    authors: str
    title: str
    source: str  # journal or publisher
    year: int = Field(..., ge=1900, le=2100)
    pmid: Optional[str] = None
    doi: Optional[str] = None
    url: Optional[str] = None
    note: Optional[str] = None  # e.g. which identifiers were confirmed and how

    class Config:
        extra = "forbid"

    @validator("id")
    def _ref_id(cls, v: str) -> str:
        if not re.fullmatch(r"R\d+[a-z]?", v):
            raise ValueError(f"reference id must look like R12 or R31a, got {v!r}")
        return v

    @validator("pmid", "doi", "url")
    def _identifier_format(cls, v: Optional[str], field: ModelField) -> Optional[str]:
        pattern, expected = _IDENTIFIER_FORMATS[field.name]
        if v is not None and not re.fullmatch(pattern, v):
            raise ValueError(f"{field.name} must be {expected}, got {v!r}")
        return v

    @root_validator(skip_on_failure=True)
    def _has_identifier(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if not (values.get("pmid") or values.get("doi") or values.get("url")):
            raise ValueError(f"reference {values.get('id')} needs at least one of pmid, doi, url")
        return values

    @property
    def link(self) -> str:
        """The best single link for a reader: DOI, then PubMed, then the URL."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url or ""

    @property
    def label(self) -> str:
        """Short label for citation lists: 'Schöffski et al., Lancet Respir Med 2018'."""
        if self.authors.lower().startswith("authors not recorded"):
            words = self.title.split()
            return f"{' '.join(words[:6])}{'…' if len(words) > 6 else ''}, {self.source} {self.year}"
        first = self.authors.split(",")[0].strip()
        many = "," in self.authors or " et al" in self.authors
        who = f"{first.replace(' et al.', '').replace(' et al', '')} et al." if many else first
        if self.source.startswith(who):  # "Pfizer, Pfizer (US prescribing information)"
            return f"{self.source} {self.year}"
        return f"{who}, {self.source} {self.year}"

    @property
    def full(self) -> str:
        ids = [f"PMID {self.pmid}" if self.pmid else "", f"DOI {self.doi}" if self.doi else "", self.url or ""]
        ids_text = "; ".join(i for i in ids if i)
        return f"{self.authors}. {self.title}. {self.source}, {self.year}. {ids_text}"


# --- claims and entries ---------------------------------------------------------


class Claim(BaseModel):
    id: str
    clinician: str = Field(..., min_length=10)
    patient: str = Field(..., min_length=10)
    cites: List[str] = Field(..., min_items=1)
    evidence: EvidenceKind
    certainty: Certainty = Certainty.established
    # What the cited reference says, so a reviewer can check the claim without opening it.
    source_note: Optional[str] = Field(None, min_length=20)

    class Config:
        extra = "forbid"

    @validator("id")
    def _claim_id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"claim id must be lowercase slug, got {v!r}")
        return v

    def text_for(self, audience: Audience) -> str:
        return self.clinician if audience == Audience.clinician else self.patient

    @property
    def is_guideline(self) -> bool:
        return self.evidence in GUIDELINE_KINDS


class Facets(BaseModel):
    """What an entry is specifically about; an empty list means 'not specific'."""

    drug: List[str] = []
    biomarker: List[str] = []
    biomarker_status: List[str] = []
    population: List[str] = []
    body_site: List[str] = []

    class Config:
        extra = "forbid"

    @validator("drug", "biomarker", "biomarker_status", "population", "body_site")
    def _known_values(cls, values: List[str], field: ModelField) -> List[str]:
        return _check_members(values, field.name)


class Decision(str, Enum):
    approved = "approved"
    changes_requested = "changes_requested"


class SignOff(BaseModel):
    """One clinician decision on one entry, as `python -m knowledge.review` records it."""

    decision: Decision
    reviewer: str = Field(..., min_length=3)  # "Name, role"
    at: dt.datetime
    content_hash: str = Field(..., regex=r"^sha256:[0-9a-f]{64}$")
    note: Optional[str] = None  # what to change, for a request for changes
    # What was approved (knowledge/signoff_content.py), kept so that a later change can be
    # shown to the next reviewer as a diff, not only detected.
    content: Optional[Dict[str, Any]] = None

    class Config:
        extra = "forbid"

    @root_validator(skip_on_failure=True)
    def _complete_and_untouched(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if values["decision"] == Decision.approved and values.get("content") is None:
            raise ValueError("an approval must keep the content it approved")
        if values["decision"] == Decision.changes_requested and not (values.get("note") or "").strip():
            raise ValueError("a request for changes must say what to change (note)")
        content = values.get("content")
        # A hand-edited snapshot would let a diff hide what the reviewer really saw.
        if content is not None and hash_content(content) != values["content_hash"]:
            raise ValueError("the recorded content does not match its hash (edited by hand?)")
        return values


class Review(BaseModel):
    """An entry's review state. In the YAML, the curator's status (draft or under review);
    after loading, the state the sign-off log gives it (knowledge/approvals.py)."""

    status: ReviewStatus
    reviewer: Optional[str] = None
    last_reviewed: dt.date
    note: Optional[str] = None  # what the reviewer asked to change
    # The last approval, whether or not the content still matches it.
    last_approval: Optional[SignOff] = None
    changed_since_approval: bool = False

    class Config:
        extra = "forbid"

    @root_validator(skip_on_failure=True)
    def _approved_needs_reviewer(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if values["status"] == ReviewStatus.approved and not values.get("reviewer"):
            raise ValueError("an approved entry must name its reviewer")
        return values


class Misconception(BaseModel):
    """A false belief an entry corrects: when a question asserts it, the answer opens
    with the correcting claims."""

    belief: str = Field(..., min_length=10)
    # Ways people assert the belief inside a question ("so it's gone for good, right?").
    statements: List[str] = Field(..., min_items=3)
    corrected_by: List[str] = Field(..., min_items=1)  # claim ids of the same entry

    class Config:
        extra = "forbid"


MIN_QUESTIONS = 8


class Entry(BaseModel):
    id: str
    topic: Topic
    title: str
    facets: Facets = Facets()
    # Words or phrases the entry is about ("missed", "grapefruit", "bilirubin"), indexed
    # by the ranker beside the title, questions and claims.
    keywords: List[str] = []
    # The questions this entry answers, as patients, parents and clinicians ask them; the
    # ranker indexes them and compares each question with them.
    questions: List[str] = Field(..., min_items=MIN_QUESTIONS)
    # The question offered as a "More:" suggestion when this entry is a runner-up.
    ask: str = Field(..., min_length=10)
    # The topic its questions are classified as, where nlu/README.md files them under another
    # than the entry's own ("how often are LFTs checked?" answers from a dosing entry but is
    # a side-effects question): the NLU learns them so, and the ranker reads that topic's
    # confidence for this entry.
    asked_as: Optional[Topic] = None
    misconceptions: List[Misconception] = []
    review: Review
    claims: List[Claim] = Field(..., min_items=1)

    class Config:
        extra = "forbid"

    @property
    def intent_topic(self) -> Topic:
        """The topic intent its questions are classified as."""
        return self.asked_as or self.topic

    @validator("id")
    def _entry_id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"entry id must be lowercase slug, got {v!r}")
        return v

    @validator("questions")
    def _distinct_questions(cls, questions: List[str]) -> List[str]:
        seen = set()
        for question in questions:
            key = question.strip().lower()
            if len(key) < 3 or key in seen:
                raise ValueError(f"empty or repeated question {question!r}")
            seen.add(key)
        return questions

    @root_validator(skip_on_failure=True)
    def _corrections_are_own_claims(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        own = {claim.id for claim in values["claims"]}
        for misconception in values["misconceptions"]:
            foreign = [c for c in misconception.corrected_by if c not in own]
            if foreign:
                raise ValueError(f"misconception {misconception.belief!r} cites claims of another entry: {foreign}")
        return values


class KnowledgeBase(BaseModel):
    references: Dict[str, Reference]
    entries: List[Entry]

    class Config:
        # Indexes derived once from the entries, on first use, so requests never recompute them.
        keep_untouched = (cached_property,)

    @root_validator(skip_on_failure=True)
    def _integrity(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        refs: Dict[str, Reference] = values["references"]
        for key, ref in refs.items():
            if key != ref.id:
                raise ValueError(f"reference key {key} does not match its id {ref.id}")
        seen_entries, seen_claims = set(), set()
        for entry in values["entries"]:
            if entry.id in seen_entries:
                raise ValueError(f"duplicate entry id {entry.id}")
            seen_entries.add(entry.id)
            for claim in entry.claims:
                if claim.id in seen_claims:
                    raise ValueError(f"duplicate claim id {claim.id}")
                seen_claims.add(claim.id)
                dangling = [c for c in claim.cites if c not in refs]
                if dangling:
                    raise ValueError(f"claim {claim.id} cites unknown reference(s) {dangling}")
        return values

    @cached_property
    def entry_of_claim(self) -> Dict[str, Entry]:
        return {claim.id: entry for entry in self.entries for claim in entry.claims}

    @cached_property
    def claims_by_id(self) -> Dict[str, Claim]:
        return {claim.id: claim for entry in self.entries for claim in entry.claims}

    def claim_by_id(self, claim_id: str) -> Optional[Claim]:
        return self.claims_by_id.get(claim_id)


# --- answer payload (what actions send and channels render) -------------------------


class Citation(BaseModel):
    n: int
    ref_id: str
    label: str
    full: str
    pmid: Optional[str] = None
    doi: Optional[str] = None
    url: Optional[str] = None
    link: str

    @validator("link")
    def _http_link(cls, v: str) -> str:
        return check_link(v)

    @validator("url")
    def _http_url(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else check_link(v)


class AnswerClaim(BaseModel):
    id: str
    text: str
    citations: List[int]
    certainty: Certainty


class AnswerSection(BaseModel):
    heading: str  # "From the Guidelines" / "From the Research"
    claims: List[AnswerClaim]


class AnswerEntities(BaseModel):
    drug: Optional[str] = None
    biomarker: Optional[str] = None
    biomarker_status: Optional[str] = None
    population: Optional[str] = None
    body_site: Optional[str] = None


class AnswerReview(BaseModel):
    """The review state of one entry an answer used, as every channel shows it."""

    entry_id: str
    title: str
    status: ReviewStatus
    reviewer: Optional[str] = None  # who approved (or asked for changes)
    reviewed_on: Optional[dt.date] = None
    review_due: bool = False  # approved longer ago than the review period
    changed_since_approval: bool = False

    class Config:
        use_enum_values = True


class AnswerPayload(BaseModel):
    type: str = "imt_answer"
    topic: Topic
    audience: Audience
    answer: str  # the answer body with [n] markers, no sources or disclaimer
    intro: List[str] = []  # fixed connective sentences (context in force, caveats)
    sections: List[AnswerSection]
    entities: AnswerEntities
    citations: List[Citation]
    disclaimer: str
    suggestions: List[str]
    review_status: Optional[ReviewStatus] = None  # None when no entry was used
    last_reviewed: Optional[dt.date] = None
    reviews: List[AnswerReview] = []  # one per entry used, in the answer's order
    claim_ids: List[str]

    class Config:
        use_enum_values = True


class SourcesPayload(BaseModel):
    """The full references behind the last answer ("where does that come from?")."""

    type: str = "imt_sources"
    references: List[Citation]
