"""The knowledge base's entry questions as topic examples (bot/tools/build_topic_examples.py)."""

from bot.tools.build_topic_examples import OUTPUT, build, intent_of, topic_examples
from knowledge.loader import load_knowledge_base


def test_the_generated_examples_are_up_to_date():
    assert OUTPUT.read_text(encoding="utf-8") == build(), "run python -m bot.tools.build_topic_examples"


def test_each_question_is_under_one_intent_and_excluded_texts_stay_out():
    kb = load_knowledge_base()
    some_question = kb.entries[0].questions[0]
    examples = topic_examples(kb, excluded={some_question.strip().lower()})
    texts = [t.lower() for ts in examples.values() for t in ts]
    assert len(texts) == len(set(texts))
    assert some_question.strip().lower() not in texts


def test_the_labelling_guide_decides_where_an_entry_and_it_disagree():
    entries = {e.id: e for e in load_knowledge_base().entries}
    monitoring, interactions = entries["dosing-crizotinib-monitoring"], entries["dosing-crizotinib-interactions"]
    assert intent_of(monitoring, "how often are LFTs checked?") == "ask_side_effects"
    assert intent_of(interactions, "grapefruit ok?") == "ask_side_effects"
    # An amount is dosing whatever entry answers it.
    assert intent_of(interactions, "what dose with a CYP3A inhibitor?") == "ask_dosing"
    assert intent_of(entries["prognosis-survival"], "5-year survival?") == "ask_prognosis"


def test_a_generated_file_is_written_then_checked(tmp_path, capsys):
    from bot.tools.generated_file import write_or_check

    path = tmp_path / "generated.yml"
    assert write_or_check(path, "a: 1\n", check=True, command="make it") == 1
    assert "make it" in capsys.readouterr().out
    assert write_or_check(path, "a: 1\n", check=False, command="make it") == 0
    assert write_or_check(path, "a: 1\n", check=True, command="make it") == 0
    assert write_or_check(path, "a: 2\n", check=True, command="make it") == 1
