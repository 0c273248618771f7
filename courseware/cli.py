"""Command line: build, check, serve, new. Exit 0 on success, 1 on content errors, 2 on usage errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import progress
from .pipeline import Options, build

EPILOG = """commands:
  build   (default) build the trainee site, facilitator site, PDFs and LMS packages into output/
  check   validate every source file and report problems; writes nothing
  serve   build the site, serve it on 127.0.0.1 and rebuild and reload the page on every edit
  new module NAME          create modules/NN-NAME/ with a documented module.yaml and a first lesson
  new lesson MODULE NAME   create a documented lesson in MODULE (its id or folder) and list it

Builds are incremental: only what changed is rendered again (see courseware/cache.py); --clean
ignores the previous build.

exit status: 0 success, 1 content errors, 2 usage errors
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="Build the Advocacy with ASEAN course from modules/.",
                                epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", nargs="?", default="build", choices=["build", "check", "serve", "new"],
                   help="what to do")
    p.add_argument("names", nargs="*", metavar="NAME", help="for 'new': module NAME, or lesson MODULE NAME")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--html-only", action="store_true", help="build only the HTML sites")
    what.add_argument("--pdf-only", action="store_true", help="build only the PDFs")
    what.add_argument("--lms-only", action="store_true", help="build only the LMS packages in output/lms/ (SCORM 1.2 "
                      "and 2004, IMS Common Cartridge), which a full build also makes")
    p.add_argument("--module", metavar="ID", help="lay out only this module's handouts (its id or folder name); "
                   "the sites are built whole, since they link across modules")
    p.add_argument("--no-readers", action="store_true", help="do not make the Kiwix ZIM files and EPUB books of "
                   "share/ (a full build makes them from the trainee site)")
    p.add_argument("--clean", action="store_true", help="discard the previous output and build everything afresh")
    p.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                   help="project root (default: the folder of build.py)")
    p.add_argument("--output", type=Path, help="output folder (default: ROOT/output)")
    p.add_argument("--jobs", type=int, metavar="N", help="PDFs laid out in parallel (default: one per core)")
    p.add_argument("--participants", type=Path, metavar="FILE.csv",
                   help="also fill one certificate per participant, from a CSV file with a 'name' column (and "
                        "optionally 'organisation' and 'country'), into output/pdf/certificates-<edition>-named.pdf, "
                        "and an attendance sheet with their names, output/pdf/attendance-<edition>-named.pdf. Keep the file "
                        "outside the repository: the names are personal data and are never written to the "
                        "repository, to output/html or to the build caches")
    p.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    p.add_argument("--port", type=int, default=8000, help="for 'serve': the port on 127.0.0.1 (0: any free port)")
    p.add_argument("--title", help="for 'new': the title (default: made from NAME)")
    return p


def main(argv=None) -> int:
    p = parser()
    args = p.parse_args(argv)
    root = args.root.resolve()
    if args.names and args.command != "new":
        p.error(f"unexpected argument(s) for '{args.command}': {' '.join(args.names)}")
    if not (root / "modules").is_dir():
        print(f"build.py: error: no modules/ folder in {root}", file=sys.stderr)
        return 2
    if args.command == "new":
        from .scaffold import main as scaffold_main
        return scaffold_main(root, args.names, args.title)
    if args.module and not _module_exists(root, args.module):
        print(f"build.py: error: no module '{args.module}' in modules/", file=sys.stderr)
        return 2
    if args.participants and (args.html_only or args.lms_only or args.command not in ("build", "check")):
        print("build.py: error: --participants needs a build that makes PDFs", file=sys.stderr)
        return 2
    if args.participants and not args.participants.is_file():
        print(f"build.py: error: participants file not found: {args.participants}", file=sys.stderr)
        return 2
    options = Options(html=not (args.pdf_only or args.lms_only), pdf=not (args.html_only or args.lms_only),
                      lms=not (args.html_only or args.pdf_only), module=args.module, clean=args.clean,
                      check_only=args.command == "check", workers=args.jobs, participants=args.participants,
                      readers=not args.no_readers)
    if args.command == "serve":
        from .serve import serve
        return serve(root, options, args.output.resolve() if args.output else None, port=args.port,
                     debug=args.debug)
    options.progress = progress.for_stream(sys.stdout)
    _stop_cleanly_on_sigterm()
    try:
        result = build(root, options, args.output.resolve() if args.output else None)
    except KeyboardInterrupt:  # Ctrl+C or SIGTERM: the PDF workers and temporary files went with the stack
        print("build.py: stopped; output/ is as the last successful build left it", file=sys.stderr)
        return 130
    except Exception:  # an engine bug, not a content problem
        if args.debug:
            raise
        import traceback
        last = traceback.format_exc().strip().splitlines()[-1]
        print(f"build.py: internal error: {last}\n(run again with --debug for the full traceback)", file=sys.stderr)
        return 3
    finally:
        options.progress.close()
    report = result.report
    ok_word = "check passed" if args.command == "check" else "build succeeded"
    for line in report.format(ok_word).splitlines():
        print(line, file=sys.stderr if report.problems and not line.startswith(("check", "build")) else sys.stdout)
    if report.errors:
        return 1
    if args.command == "build" and result.up_to_date:
        print(f"output/ is up to date: nothing the build reads changed since the last build "
              f"({result.seconds:.2f} s; --clean builds everything again)")
    elif args.command == "build":
        print(progress.summary(result.files, result.seconds, len(report.warnings), result.stats))
        total = sum(len(d) for d in result.files.values())
        print(f"wrote {len(result.files)} files ({total / 1e6:.1f} MB) to "
              f"{(args.output or root / 'output')} in {result.seconds:.1f} s")
        if result.weights is not None:  # the page-weight report (the full table is in output/page-weight.txt)
            for line in result.weights.summary():
                print(line)
        made = {name.partition("/")[0] for name in result.files}
        if "lms" in made:  # imported only when there is something to sum up (libzim takes a while to load)
            from . import lms
            for line in lms.summary(result.files):
                print(line)
        if "share" in made:
            from . import zim
            for line in zim.readers_summary(result.files):  # share/*.zim and share/epub/ (issue 12)
                print(line)
    return 0


def _stop_cleanly_on_sigterm() -> None:
    """Treat SIGTERM (a killed CI job, `kill`) like Ctrl+C, so that the build unwinds: the PDF workers are
    terminated and the temporary folders removed, instead of the process vanishing and leaving them behind."""
    import signal
    import threading
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.default_int_handler)


def _module_exists(root: Path, name: str) -> bool:
    import yaml
    for d in (root / "modules").iterdir():
        if d.is_dir() and d.name == name:
            return True
        f = d / "module.yaml"
        if f.is_file():
            try:
                data = yaml.safe_load(f.read_text(encoding="utf-8"))
            except yaml.YAMLError:
                continue
            if isinstance(data, dict) and data.get("id") == name:
                return True
    return False
