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


def _measure(events: int) -> dict:
    from flask_migrate import upgrade

    from app.reports.render import html_to_pdf, render_pdf, report_html
    from app.reports.services import build_report
    from tests.conftest import make_app
    from tests.reports.generated import generate

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", CHECK_SCHEMA=False)
        with app.app_context(), app.test_request_context():
            upgrade()
            project = generate(events=events, seed=events)
            project_id = project.id
            from app.extensions import db
            from app.partners.models import Project

            def whole() -> bytes:
                db.session.expire_all()
                return render_pdf(build_report(db.session.get(Project, project_id), 2))

            if events == SIZES[0]:
                whole()  # warm once: fonts, templates, imports
            gc.collect()
            start = time.perf_counter()
            pdf = whole()
            total = time.perf_counter() - start

            html = report_html(build_report(db.session.get(Project, project_id), 2))
            gc.collect()
            start = time.perf_counter()
            html_to_pdf(html)
            floor = time.perf_counter() - start

            # Peak resident memory of the process so far (sizes run in increasing order).
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            db.session.remove()
    return {
        "events": events,
        "pages": pages,
        "total": total,
        "floor": floor,
        "ratio": total / floor,
        "peak_mb": peak / 1024 / 1024,
        "kb": len(pdf) // 1024,
    }


def main() -> None:
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    rows = [_measure(n) for n in SIZES]
    print("\nSemester report (bench/reports.py)")
    print(
        "| events | pages | report (s) | WeasyPrint alone (s) | report / floor | "
        "s per 100 events | peak RSS (MB) | PDF (KB) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['events']} | {r['pages']} | {r['total']:.2f} | {r['floor']:.2f} | "
            f"{r['ratio']:.2f} | {r['total'] / r['events'] * 100:.2f} | {r['peak_mb']:.0f} | "
            f"{r['kb']} |"
        )


if __name__ == "__main__":
    main()
