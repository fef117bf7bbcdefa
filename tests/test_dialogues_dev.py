"""Context carrying on the development dialogues, tuned on; tests/understanding/ is the
held-out measure. Both parts were written by writers who read no project file.

- tests/dialogues/dev.yml: measured through the stack on 2026-11-30, carried-entity
  accuracy 0.75 before the work on it and 0.96 after; answer-topic accuracy 0.72, then
  0.75, and 0.87 after session 6 (the answer's topic is the one asked, statements before
  any question are noted, a detail completes the question it follows, the classifier's
  unsure messages follow up the conversation).
- tests/dialogues/dev2.yml (session 6): first measured after the first two of those changes
  at topic 0.82 and carried 0.84; 0.86 and 0.87 at the end of the session.

- tests/dialogues/dev3.yml (session 11, 2026-12-02, 45 dialogues, 222 turns): topic 0.90 and
  carried 0.957 after its conversational turns were given the topic none, as the conventions
  say (the writer had given them the topic before); its duration-of-therapy follow-ups ("how
  long does the course last?") go to prognosis: the generated examples and a dozen
  hand-written ones now file them under treatment, and the classifier still reads most of
  them as prognosis ("last" is the word of a response's duration).

- tests/dialogues/dev4.yml (session 16, 2026-12-03, 65 dialogues, 273 turns): topic 0.897,
  carried 0.962 fresh; 0.923 and 0.989 after the scope cues and vocabulary (IMT's own drug
  asked about with a condition's treatment, comparisons in more words), "how long will she be
  on it?" and stopping a drug read as treatment.

- tests/dialogues/dev5.yml (session 17, 2026-12-03, 65 dialogues, 337 turns): topic 0.843,
  carried 0.926 fresh; 0.869 and 0.957 after a relative's age read without "years old" ("my
  father is 78"), adverse effects and other drugs named alone kept in scope ("hypertension?",
  "omeprazole?"), and "how is it diagnosed" / "management?" read by the guide's boundaries;
  with CI's fresh training of the same data, 0.843 and 0.959 (0.819 with the session's
  runtime changes taken out). Session 18: the model trained here is CI's (nlu/training_inputs.py)
  and the guide's boundaries for what is done next, how a drug is taken and whether it is
  used took it to 0.852 and 0.959.

The floors are the final figures less a little slack.
"""

from pathlib import Path

import pytest

from bot.tools.evaluate_dialogues import load_dialogues, run_dialogue, summarize

DIALOGUES = Path(__file__).resolve().parent / "dialogues"
FLOORS = {
    # A parent's "my son" read as a child (twelfth session): carried 0.945 -> 0.978 in dev.yml,
    # 0.867 -> 0.920 in dev2.yml.
    "dev.yml": {"carried_entity_accuracy": 0.96, "topic_accuracy": 0.84},
    "dev2.yml": {"carried_entity_accuracy": 0.90, "topic_accuracy": 0.83},
    "dev3.yml": {"carried_entity_accuracy": 0.93, "topic_accuracy": 0.87},
    "dev4.yml": {"carried_entity_accuracy": 0.97, "topic_accuracy": 0.90},
    "dev5.yml": {"carried_entity_accuracy": 0.95, "topic_accuracy": 0.85},
}


@pytest.mark.parametrize("part", sorted(FLOORS))
def test_development_dialogues_keep_their_context(stack, part):
    dialogues = load_dialogues(DIALOGUES / part)
    rows = [row for d in dialogues for row in run_dialogue(stack.rasa_url, d, stack.api_token)]
    report = summarize(rows)
    print(f"\ndevelopment dialogues {part}:", {k: v for k, v in report.items() if k != "topic_confusions"})
    for name, floor in FLOORS[part].items():
        assert report[name] >= floor, f"{part}: {name} {report[name]:.3f} < {floor}"
