"""Coverage report: claims per topic, facet, evidence kind and status; uncited references.

python -m knowledge.coverage [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any, Dict, Set

from knowledge.loader import load_knowledge_base
from knowledge.schema import KnowledgeBase


def coverage(kb: KnowledgeBase) -> Dict[str, Any]:
    per: Dict[str, Counter[str]] = {name: Counter() for name in ("topic", "facet", "evidence", "certainty", "status")}
    cited: Set[str] = set()
    noted = 0
    for entry in kb.entries:
        for claim in entry.claims:
            noted += bool(claim.source_note)
            per["topic"][entry.topic.value] += 1
            per["evidence"][claim.evidence.value] += 1
            per["certainty"][claim.certainty.value] += 1
            per["status"][entry.review.status.value] += 1
            cited.update(claim.cites)
            facets = [f"{name}={value}" for name, values in entry.facets.dict().items() for value in values]
            for facet in facets or ["general"]:
                per["facet"][facet] += 1
    return {
        "claims": sum(per["topic"].values()),
        "entries": len(kb.entries),
        "references": len(kb.references),
        "claims_with_source_note": noted,
        **{f"claims_per_{name}": dict(sorted(counter.items())) for name, counter in per.items()},
        "references_never_cited": sorted(set(kb.references) - cited),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Knowledge-base coverage report.")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    report = coverage(load_knowledge_base())
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{report['claims']} claims in {report['entries']} entries; {report['references']} references")
    print(f"{report['claims_with_source_note']} claims with a source note")
    for key, values in report.items():
        if key.startswith("claims_per_"):
            print(f"\n{key.replace('_', ' ')}:")
            for name, count in values.items():
                print(f"  {name:<28} {count}")
    never = report["references_never_cited"]
    print(f"\nreferences never cited: {', '.join(never) if never else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
