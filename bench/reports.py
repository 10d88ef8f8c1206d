"""Benchmark: render a semester report with 50, 200 and 1,000 generated events.

For each size: the whole report (gather the figures, render the template, draw the
charts, WeasyPrint) against WeasyPrint alone on the same HTML (the floor); pages; peak
resident memory of the process (ru_maxrss). Goal: report time at most
1.3 x the floor, and growth no worse than linear in the number of events.

`python -m bench reports` (or `make bench`). Uses a throwaway SQLite database.
"""

import gc
import io
import resource
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

SIZES = (50, 200, 1000)


REPEATS = {50: 3, 200: 2, 1000: 1}  # best of n: the machine is shared, so take the minimum


def _measure(events: int) -> dict:
    from flask_migrate import upgrade

    from app.extensions import db
    from app.partners.models import Project
    from app.pdf import html_to_pdf
    from app.reports.render import report_html
    from app.reports.services import build_report
    from tests.conftest import make_app
    from tests.reports.generated import generate

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", CHECK_SCHEMA=False)
        with app.app_context(), app.test_request_context():
            upgrade()
            project_id = generate(events=events, seed=events).id
            best = {"total": float("inf"), "gather": 0.0, "html": 0.0, "floor": float("inf")}
            for _ in range(REPEATS.get(events, 1)):
                # The whole report, as the CLI and the web do it, phase by phase.
                db.session.expire_all()
                gc.collect()
                t0 = time.perf_counter()
                report = build_report(db.session.get(Project, project_id), 2)
                t1 = time.perf_counter()
                html = report_html(report)
                t2 = time.perf_counter()
                pdf = html_to_pdf(html)
                t3 = time.perf_counter()
                if t3 - t0 < best["total"]:
                    best.update(total=t3 - t0, gather=t1 - t0, html=t2 - t1)
                # The floor: WeasyPrint alone on the same HTML.
                gc.collect()
                t4 = time.perf_counter()
                html_to_pdf(html)
                best["floor"] = min(best["floor"], time.perf_counter() - t4)
            # Peak resident memory of the process so far (sizes run in increasing order).
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            db.session.remove()
    return {
        "events": events,
        "pages": pages,
        **best,
        "ratio": best["total"] / best["floor"],
        "peak_mb": peak / 1024 / 1024,
        "kb": len(pdf) // 1024,
    }


def main() -> None:
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    import os

    sizes = [int(n) for n in os.environ.get("BENCH_REPORT_SIZES", "").split(",") if n] or SIZES
    rows = [_measure(n) for n in sizes]
    print("\nSemester report (bench/reports.py; best of the runs in REPEATS)")
    print(
        "| events | pages | report (s) | of which figures + template + charts (s) | "
        "WeasyPrint alone (s) | report / floor | s per 100 events | peak RSS (MB) | PDF (KB) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['events']} | {r['pages']} | {r['total']:.2f} | "
            f"{r['gather']:.2f} + {r['html']:.2f} | {r['floor']:.2f} | {r['ratio']:.2f} | "
            f"{r['total'] / r['events'] * 100:.2f} | {r['peak_mb']:.0f} | {r['kb']} |"
        )


if __name__ == "__main__":
    main()
