"""The layout's promises: a light action server, one home for each vocabulary and reply,
and no runtime module that reads the test tree."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

from knowledge.safety import load_safety_taxonomy
from knowledge.schema import Audience, Topic
from knowledge.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RULES = yaml.safe_load((ROOT / "stories" / "rules.yml").read_text(encoding="utf-8"))["rules"]
RUNTIME_PACKAGES = ["actions", "knowledge", "nlu", "bot/channels", "bot/slack", "bot/rendering", "bot/stores"]


def test_action_server_imports_neither_spacy_nor_tensorflow_nor_rasa():
    probe = (
        "import sys, actions.actions; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'tensorflow', 'rasa', 'bot', 'nlu'}))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _slot_values(name):
    return set(DOMAIN["slots"][name]["values"])


def test_domain_slot_values_agree_with_the_vocabulary():
    vocabulary = load_vocabulary()
    assert _slot_values("topic") == set(vocabulary.topics) == {t.value for t in Topic}
    assert _slot_values("audience") == set(vocabulary.audiences) == {a.value for a in Audience}
    assert _slot_values("population") == vocabulary.values("population")
    assert _slot_values("biomarker_status") == vocabulary.values("biomarker_status")
    entities = {next(iter(e)) if isinstance(e, dict) else e for e in DOMAIN["entities"]}
    assert entities == {"drug", "biomarker", "gene", "body_site", "population", "triage_category", "other_condition"}


def test_every_triage_category_has_its_slot_value_reply_and_rule():
    assert "red_flag" in DOMAIN["intents"] and "triage_category" in DOMAIN["entities"]
    assert _slot_values("triage_category") == {c.id for c in load_safety_taxonomy().categories}
    responses = DOMAIN["responses"]
    rule_steps = [[next(iter(step.values())) for step in rule["steps"]] for rule in RULES]
    for category in load_safety_taxonomy().categories:
        variations = responses[category.response]
        assert variations, category.id
        for variation in variations:
            assert variation["custom"] == {"type": "imt_triage", "level": category.level.value, "category": category.id}
            assert "assess" in variation["text"], "every triage reply says the assistant cannot assess"
        follow_up = ["action_answer"] if category.level.value == "urgent" else []
        expected = ["red_flag", [{"triage_category": category.id}], category.response, *follow_up]
        assert expected in rule_steps, category.id


def test_triage_replies_name_the_drug_when_one_was_mentioned():
    for category in load_safety_taxonomy().categories:
        texts = [v["text"] for v in DOMAIN["responses"][category.response] if not v.get("condition")]
        assert any("{triage_drug}" in t for t in texts), category.id


def test_crisis_reply_gives_the_crisis_lines():
    text = " ".join(v["text"] for v in DOMAIN["responses"]["utter_triage_self_harm"])
    assert "988" in text and "116 123" in text and "emergency number" in text


def test_poisoning_reply_gives_poison_control():
    assert all("1-800-222-1222" in v["text"] for v in DOMAIN["responses"]["utter_triage_overdose_poisoning"])


def test_every_response_the_actions_send_is_in_the_domain():
    from actions.actions import RESPONSES

    source = (ROOT / "actions" / "actions.py").read_text(encoding="utf-8")
    named = set(re.findall(r'"(utter_[a-z_]+)"', source))
    assert named <= RESPONSES <= set(DOMAIN["responses"])


def test_no_runtime_module_reads_the_test_tree():
    for package in RUNTIME_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"""["'/]tests["'/]""", text), f"{path} refers to the test tree"


def test_the_replies_channels_send_on_their_own_are_domain_responses():
    from knowledge.loader import CHANNEL_RESPONSES, fixed_reply

    for name in CHANNEL_RESPONSES:
        assert fixed_reply(name) == DOMAIN["responses"][name][0]["text"]


def test_the_files_handed_out_first_exist():
    """tests/scheduling.py names the slowest files; a renamed one would silently go last."""
    from tests.scheduling import SLOWEST_FILES

    missing = [path for path in SLOWEST_FILES if not (ROOT / path).is_file()]
    assert not missing and len(set(SLOWEST_FILES)) == len(SLOWEST_FILES), missing
