"""`python -m knowledge.validate`: load the knowledge base and print a one-line summary."""
import sys
from collections import Counter

from knowledge.loader import load_knowledge_base


def main() -> int:
    try:
        kb = load_knowledge_base()
    except Exception as error:
        print(f"knowledge base INVALID: {error}", file=sys.stderr)
        return 1
    claims = [c for e in kb.entries for c in e.claims]
    per_topic = Counter(e.topic.value for e in kb.entries for _ in e.claims)
    print(f"knowledge base OK: {len(kb.references)} references, {len(kb.entries)} entries, "
          f"{len(claims)} claims; per topic {dict(per_topic)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
