"""What one digest costs with each summarizer: the seed digest's prompt and answer sizes, and
the price of a Bedrock model for them (issue 6). Not run by ``make test``.

    .venv/bin/python bench/summarizer_cost.py

Token counts are estimated at 4 characters a token (English text; each model's tokenizer
differs by some tens of percent). Prices are assumptions, see PRICES.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsprism.summarize._prompt import build_prompt
from tests.seed_digest import seed_digest

CHARS_PER_TOKEN = 4
# US$ per million tokens (input, output), on-demand in us-east-1, as published on
# https://aws.amazon.com/bedrock/pricing/, an assumption made on 2026-11-28: check them first.
PRICES = {
    "Amazon Nova Lite (amazon.nova-lite-v1:0)": (0.06, 0.24),
    "Claude 3 Haiku (anthropic.claude-3-haiku-20240307-v1:0)": (0.25, 1.25),
}
DIGESTS_PER_MONTH = 5 * 30  # the five bundled topics, daily


def main() -> None:
    digest = seed_digest()
    prompt = build_prompt(digest.classified, 5)
    seed = digest.highlights
    answer = json.dumps({
        "overall": [{"text": b.text, "sources": [1, 11]} for b in seed.overall],
        "perspectives": {pid: [{"text": b.text, "sources": [1]} for b in bullets]
                         for pid, bullets in seed.perspectives.items()}})
    input_chars = len(prompt.system) + len(prompt.user)
    input_tokens, output_tokens = input_chars / CHARS_PER_TOKEN, len(answer) / CHARS_PER_TOKEN
    print(f"seed digest: {len(digest.classified.articles)} articles")
    print(f"prompt: {input_chars} characters ~ {input_tokens:.0f} input tokens")
    print(f"answer: {len(answer)} characters ~ {output_tokens:.0f} output tokens")
    print("extractive: $0 (no model call)")
    for model, (per_input, per_output) in PRICES.items():
        cost = (input_tokens * per_input + output_tokens * per_output) / 1e6
        print(f"{model}: ${cost:.5f} per digest, ${cost * DIGESTS_PER_MONTH:.3f} per month "
              f"for {DIGESTS_PER_MONTH} digests (x2 when an invalid answer is asked again)")


if __name__ == "__main__":
    main()
