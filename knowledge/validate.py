"""`python -m knowledge.validate`: load the knowledge base and print a one-line summary."""

import sys

from knowledge.coverage import coverage
from knowledge.loader import load_knowledge_base


def main() -> int:
    try:
        kb = load_knowledge_base()
    except Exception as error:
        print(f"knowledge base INVALID: {error}", file=sys.stderr)
        return 1
    report = coverage(kb)
    print(
        f"knowledge base OK: {report['references']} references, {report['entries']} entries, "
        f"{report['claims']} claims; per topic {report['claims_per_topic']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
