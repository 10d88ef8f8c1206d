"""Benchmarks (`make bench`): figures go to docs/PERFORMANCE.md, never into timed tests."""

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"


def write_section(section: str, body: str) -> None:
    """Put `body` (which starts with the `section` heading) in docs/PERFORMANCE.md, in place
    of that section's last figures, or at the end the first time."""
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    if section + "\n" in text:
        before, rest = text.split(section + "\n", 1)
        after = rest.split("\n## ", 1)
        tail = ("\n## " + after[1]) if len(after) > 1 else ""
        text = before + body + tail
    else:
        text = text.rstrip("\n") + "\n\n" + body
    DOC.write_text(text)
