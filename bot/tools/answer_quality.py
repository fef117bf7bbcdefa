"""Answer-quality suite: questions -> required facts, through the real REST API.

    .venv/bin/python -m bot.tools.answer_quality tests/answer_quality/cases.yml --url http://127.0.0.1:5005

Per case it checks that the answer contains every required fact, carries citations and
carries the disclaimer; per topic it reports the shares.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Set

import requests
import yaml

from bot.tools.reports import save_report
from knowledge.loader import get_knowledge_base
from knowledge.schema import Audience

PATIENT_SWITCH = "I'm a patient, please use plain language"


def load_cases(path: Path) -> List[Dict[str, Any]]:
    cases: List[Dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    return cases


# A server with its default rate limits (IMT_RATE_PER_ADDRESS) answers a fast suite with
# 429; the suite waits as told, a bounded number of times, rather than failing.
MAX_RATE_LIMITED_RETRIES = 5
MAX_RETRY_AFTER_S = 60


def send_message(session: requests.Session, url: str, sender: str, text: str) -> List[Dict]:
    for _ in range(MAX_RATE_LIMITED_RETRIES):
        response = session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
        if response.status_code != 429:
            break
        time.sleep(min(float(response.headers.get("Retry-After") or 1), MAX_RETRY_AFTER_S))
    response.raise_for_status()
    return response.json()


def topics_stating(case: Dict[str, Any]) -> Set[str]:
    """The case's topic, and that of any entry stating every required fact: the same claim
    can live under two topics (the approval date under overview and treatment), and the
    answer's topic is that of the entry that answered."""
    audience = Audience(case.get("audience") or Audience.clinician.value)
    patterns = [re.compile(fact, re.IGNORECASE) for fact in case["required"]]
    topics = {case["topic"]}
    for entry in get_knowledge_base().entries:
        texts = [claim.text_for(audience) for claim in entry.claims]
        if all(any(p.search(t) for t in texts) for p in patterns):
            topics.add(entry.topic.value)
    return topics


def answer_topics(answer: Dict[str, Any]) -> Set[str]:
    """The topic asked (the payload's) and those of the entries whose claims answered: a
    treatment question about the bladder is answered from the bladder's overview entry."""
    kb = get_knowledge_base()
    entries = [kb.entry_of_claim[c] for c in answer.get("claim_ids") or [] if c in kb.entry_of_claim]
    return {str(answer["topic"]), *(e.topic.value for e in entries)}


def run_case(session: requests.Session, url: str, case: Dict) -> Dict:
    sender = f"quality-{case['id']}-{uuid.uuid4().hex[:6]}"
    if case.get("audience") == "patient":
        send_message(session, url, sender, PATIENT_SWITCH)
    for earlier in case.get("context") or []:
        send_message(session, url, sender, earlier)
    replies = send_message(session, url, sender, case["question"])
    # The answer may follow a safety reply ("contact your care team today"): find its message.
    answer_reply: Dict[str, Any] = next((r for r in replies if (r.get("custom") or {}).get("type") == "imt_answer"), {})
    answer: Dict[str, Any] = answer_reply.get("custom") or {}
    text = answer["answer"] if answer else " ".join(r.get("text") or "" for r in replies)
    missing = [fact for fact in case["required"] if not re.search(fact, text, re.IGNORECASE)]
    return {
        "id": case["id"],
        "topic": case["topic"],
        "facts_ok": not missing and bool(answer) and bool(answer_topics(answer) & topics_stating(case)),
        "cited": bool(answer and answer["citations"]),
        "disclaimer": bool(answer and answer["disclaimer"] and answer["disclaimer"] in answer_reply.get("text", "")),
        "got_topic": answer.get("topic"),
        "missing": missing,
    }


def passed(result: Dict[str, Any]) -> bool:
    return bool(result["facts_ok"] and result["cited"] and result["disclaimer"])


# Cases are separate conversations, so a few run at once: the server's time goes to NLU
# and ranking, the client's to waiting on the action server's round trip.
CONCURRENT_CASES = 4


def run_cases(url: str, cases: List[Dict[str, Any]], workers: int = CONCURRENT_CASES) -> List[Dict[str, Any]]:
    """Every case's result, in the order of the cases."""
    local = threading.local()

    def run(case: Dict[str, Any]) -> Dict[str, Any]:
        if not hasattr(local, "session"):  # a requests.Session per thread: it is not thread-safe
            local.session = requests.Session()
        return run_case(local.session, url, case)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, cases))


def summarize(results: List[Dict[str, Any]]) -> Dict[str, Any]:
    per_topic: Dict[str, Dict] = defaultdict(lambda: {"cases": 0, "facts_ok": 0, "cited": 0, "disclaimer": 0})
    for result in results:
        row = per_topic[result["topic"]]
        row["cases"] += 1
        for key in ("facts_ok", "cited", "disclaimer"):
            row[key] += int(result[key])
    shares = {
        topic: {"cases": row["cases"], **{key: row[key] / row["cases"] for key in ("facts_ok", "cited", "disclaimer")}}
        for topic, row in sorted(per_topic.items())
    }
    return {
        "per_topic": shares,
        "failures": [r for r in results if not passed(r)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the answer-quality suite against a running server.")
    parser.add_argument("cases", type=Path, help="the cases file, e.g. tests/answer_quality/cases.yml")
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    report = summarize(run_cases(args.url, load_cases(args.cases)))
    print(f"{'topic':<14}{'cases':>6}{'facts':>8}{'cited':>8}{'disclaimer':>12}")
    for topic, row in report["per_topic"].items():
        print(f"{topic:<14}{row['cases']:>6}{row['facts_ok']:>8.0%}{row['cited']:>8.0%}{row['disclaimer']:>12.0%}")
    for failure in report["failures"]:
        print(f"  FAIL {failure['id']}: topic {failure['got_topic']} missing {failure['missing']}")
    if args.out:
        save_report(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
