"""The `flaskref` command: one-shot lookups, `show`, `topics`, `check`, `index`, and the TUI.

The one-shot path must start fast and never imports Textual: the TUI is imported only when
it opens. Commands are dispatched on the first word by hand, because a query is free text and
argparse sub-commands would swallow it: a command word whose other words do not fit the
command (`flaskref show me how sessions work`, `flaskref index out of range`) is a query.

Everything printed for a person goes through `sanitize()`: entries, pastes and file names may
carry terminal escape sequences. `--json` is written as UTF-8 whatever the locale.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import SimpleNamespace

from flaskref import streams
from flaskref.dispatch import route
from flaskref.sanitize import sanitize
from flaskref.streams import UsageError, say

EXIT_FOUND, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2

EPILOG = """\
commands:
  flaskref QUERY...            look up an error line, a topic or a question
  flaskref -                   read a whole traceback from standard input (or pipe it)
  flaskref show ID             print one entry in full
  flaskref topics              list the topics and how many entries each has
  flaskref check [DIR...]      validate KB files (default: the KB in use)
  flaskref index --rebuild     rebuild the cached search index
  flaskref scan [PATH...]      find the KB's mistakes in a project's source (see scan --help)
  flaskref search QUERY...     the same as `flaskref QUERY...` (to search for a command's name)
  flaskref                     on a terminal: open the interactive reference (TUI)

Options such as --kb may come before the command (`flaskref --kb DIR topics`). A command word
followed by words that do not fit it is searched (`flaskref show me how sessions work`).
A long paste is read from its end: the last 5,000 lines or 256 K characters.

exit status: 0 found, 1 nothing (confident) found, 2 usage or bad input, or an I/O error.

examples:
  flaskref "working outside application context"
  python app.py 2>&1 | flaskref -
  flaskref --json -n 3 "url_for absolute url"
"""


def _parser_class():
    """argparse, imported only when a command line needs it (see `_plain_query`)."""
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str):  # argparse's own exits with 2 too, but says less
            self.print_usage(sys.stderr)
            message = sanitize(message)  # it quotes the arguments it did not understand
            self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\nTry '{self.prog} --help'.\n")

    return _Parser


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 50:
        raise argparse.ArgumentTypeError(f"expected 1 to 50, got {value}")
    return value


#: What `_plain_query` reads without argparse: options that take no value, and those that do.
_FLAGS = {"--json": "json", "--tui": "tui"}
_VALUED = {"-n": "n", "--topic": "topic", "--kb": "kb"}


def _plain_query(args: list[str]) -> SimpleNamespace | None:
    """The options of a plain lookup, read without building the argparse parser.

    Building the parser costs about as much as a warm lookup's search. Only a command line
    argparse would read the same way is taken: known options spelt out in full, then the
    query words (none starting with `-`, or a lone `-`); anything else (`--help`, `--kb=DIR`,
    an abbreviation, an option after the words, a bad `-n`) goes to argparse, which also
    gives the usage errors.
    """
    opts = SimpleNamespace(query=[], n=3, json=False, topic=None, tui=False, kb=[])
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        arg = args[i]
        if arg in _FLAGS:
            setattr(opts, _FLAGS[arg], True)
            i += 1
        elif arg in _VALUED and i + 1 < len(args) and not args[i + 1].startswith("-"):
            value = args[i + 1]
            if arg == "-n":
                if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 50):
                    return None
                opts.n = int(value)
            elif arg == "--kb":
                opts.kb.append(value)
            else:
                opts.topic = value
            i += 2
        else:
            return None
    words = args[i:]
    if words != ["-"] and any(w.startswith("-") for w in words):
        return None
    opts.query = words
    return opts


def _common(parser) -> None:
    parser.add_argument(
        "--kb",
        action="append",
        metavar="DIR",
        default=[],
        help="an extra folder of entries (repeatable; also $FLASKREF_KB); it wins an id clash",
    )


def _query_parser():
    import argparse

    p = _parser_class()(
        prog="flaskref",
        description="Offline Flask troubleshooting: paste a traceback or a topic, get the fix.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", nargs="*", help="words, an error line, or - to read standard input")
    p.add_argument(
        "-n",
        type=_positive,
        default=3,
        metavar="N",
        help="results to show (default 3: the best in full, then titles)",
    )
    p.add_argument("--json", action="store_true", help="print JSON for scripts and editors")
    p.add_argument("--topic", metavar="T", help="search one topic only (see `flaskref topics`)")
    p.add_argument(
        "--tui", action="store_true", help="open the interactive reference with the query filled in"
    )
    p.add_argument("--version", action="version", version=_version())
    _common(p)
    return p


def _version() -> str:
    from flaskref import __version__

    return f"flaskref {__version__}"


def _engine(kb: list[str], rebuild: bool = False):
    from flaskref import paths
    from flaskref.search import Engine

    engine = Engine(paths.kb_dirs(kb), rebuild=rebuild)
    for problem in engine.problems:
        say(f"warning: {problem}")
    return engine


def run() -> int:
    """The console script and `python -m flaskref`: `main()`, then a normal exit.

    The collector's youngest generation is collected every 50,000 allocations instead of
    700: a lookup makes tens of thousands of objects (modules, the store's header, records)
    that all live until it exits, and each young collection would walk them again (a few
    per cent of a lookup); long runs (the TUI, scan, builds) still collect. Then
    `gc.freeze()`: the interpreter's collections at shutdown would otherwise walk every
    object the lookup created; frozen objects are skipped, and the process is ending anyway.
    `main()` stays free of both for tests.
    """
    import gc

    gc.set_threshold(50_000, 20, 20)
    code = main()
    gc.freeze()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command line; returns the exit status (see EPILOG)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None:  # started with its standard output closed (`flaskref x >&-`)
        say("error: standard output is closed")
        return EXIT_USAGE
    streams.tolerate_encoding()
    try:
        try:
            name, rest = route(args)
            code = _lookup(rest) if name == "search" else _command(name, rest)
        except SystemExit as exc:  # argparse: --help, --version and usage errors
            code = exc.code if isinstance(exc.code, int) else EXIT_FOUND
        sys.stdout.flush()  # a full disk shows here, not as a traceback at exit
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (`| head`) went away: not an error of ours, and nothing to say.
        streams.detach_stdout()
        return EXIT_FOUND
    except UsageError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    except OSError as exc:
        streams.detach_stdout()
        say(f"error: cannot write the output: {exc.strerror or exc}")
        return EXIT_USAGE


# -- lookups -----------------------------------------------------------------------------


def _lookup(args: list[str]) -> int:
    opts = _plain_query(args)
    if opts is None:
        opts = _query_parser().parse_args(args)
    from flaskref.entry import TOPICS
    from flaskref.query import MAX_CHARS, MAX_LINES, cap_paste

    if opts.topic and opts.topic not in TOPICS:
        _query_parser().error(f"unknown topic {opts.topic!r}; choose from: {', '.join(TOPICS)}")
    words = opts.query
    if words == ["-"] or (not words and not streams.stdin_is_tty()):
        text = streams.read_stdin(MAX_CHARS)
    elif "-" in words:
        _query_parser().error("'-' (read standard input) cannot be mixed with query words")
    else:
        text = streams.argv_text(words)
    if opts.tui or (not words and streams.stdin_is_tty() and sys.stdout.isatty()):
        return _open_tui(text, opts.kb)
    if not text.strip():
        if opts.json:
            print('{"query": "", "results": []}')
        else:
            say("nothing to look up: give a query, or pipe a traceback into `flaskref -`")
        return EXIT_USAGE
    text, capped = cap_paste(text)
    if capped:
        say(
            f"note: the input is long; only its last {MAX_LINES:,} lines "
            f"({MAX_CHARS // 1024} K characters) were read"
        )

    engine = _engine(opts.kb)
    try:
        results = engine.search(text, limit=opts.n, topic=opts.topic)
    finally:
        engine.close()
    confident = bool(results) and results[0].confident
    from flaskref import render

    if opts.json:
        streams.write_json(render.to_json(text, results))
        return EXIT_FOUND if confident else EXIT_NOT_FOUND
    out = sys.stdout
    if not confident:
        from flaskref.query import parse

        render.print_nearest(parse(text).summary(), results, out, streams.width(out))
        return EXIT_NOT_FOUND
    render.print_results(results, out, color=streams.use_color(out), width=streams.width(out))
    return EXIT_FOUND


def _open_tui(text: str, kb: list[str]) -> int:
    from flaskref.tui.app import run  # Textual is imported here and only here

    return run(text, kb)


# -- commands ----------------------------------------------------------------------------


def _command(name: str, args: list[str]) -> int:
    if name == "scan":
        from flaskref.scan.command import main as scan

        return scan(args)
    p = _parser_class()(prog=f"flaskref {name}")
    _common(p)
    if name == "show":
        p.add_argument("id", help="an entry id, as shown after each result")
        opts = p.parse_args(args)
        return _show(opts.id, opts.kb)
    if name == "topics":
        p.add_argument("--json", action="store_true")
        opts = p.parse_args(args)
        return _topics(opts.json, opts.kb)
    if name == "check":
        p.add_argument(
            "dirs",
            nargs="*",
            metavar="DIR",
            help="folders or files to check (default: the KB in use)",
        )
        opts = p.parse_args(args)
        return _check(opts.dirs, opts.kb)
    if name == "index":
        p.add_argument("--rebuild", action="store_true", help="rebuild the cached index now")
        opts = p.parse_args(args)
        engine = _engine(opts.kb, rebuild=opts.rebuild)
        try:
            print(sanitize(f"{len(engine.entries())} entries indexed at {engine.location}"))
        finally:
            engine.close()
        return EXIT_FOUND
    raise AssertionError(name)


def _show(entry_id: str, kb: list[str]) -> int:
    engine = _engine(kb)
    try:
        entry = engine.entry(entry_id)
        if entry is None:
            import difflib

            ids = [e.id for e in engine.entries()]
            near = difflib.get_close_matches(entry_id, ids, n=3, cutoff=0.5)
            hint = (
                f" Did you mean: {', '.join(near)}?" if near else " `flaskref topics` lists them."
            )
            say(f"no entry '{entry_id}'.{hint}")
            return EXIT_NOT_FOUND
        from flaskref import render

        render.print_entry(
            entry, sys.stdout, color=streams.use_color(sys.stdout), width=streams.width(sys.stdout)
        )
        return EXIT_FOUND
    finally:
        engine.close()


def _topics(as_json: bool, kb: list[str]) -> int:
    from flaskref.entry import TOPICS

    engine = _engine(kb)
    try:
        counts = {t: 0 for t in TOPICS}
        for e in engine.entries():
            counts[e.topic] = counts.get(e.topic, 0) + 1
    finally:
        engine.close()
    if as_json:
        import json

        streams.write_json(json.dumps(counts, indent=2))
    else:
        for topic, count in counts.items():
            print(f"{topic:<18} {count:>3}  {TOPICS.get(topic, '')}")
        print(f"{'total':<18} {sum(counts.values()):>3}")
    return EXIT_FOUND


def _check(targets: list[str], kb: list[str]) -> int:
    import os

    from flaskref import kb as kbmod
    from flaskref import paths

    dirs = list(targets) if targets else paths.kb_dirs(kb)
    missing = [d for d in dirs if not os.path.exists(d)]
    if missing and targets:
        say(f"check: no such file or folder: {missing[0]}")
        return EXIT_USAGE
    # A file named on the command line is checked as one entry (a FIFO too: it is refused).
    files = [d for d in dirs if os.path.exists(d) and not os.path.isdir(d)]
    folders = [d for d in dirs if d not in files]
    loaded = kbmod.load(folders)
    problems = list(loaded.problems)
    if files:
        from flaskref.entry import parse_file

        for f in files:
            problems.extend(parse_file(f)[1])
    for problem in problems:
        print(sanitize(str(problem)))
    n = len(loaded.entries) + len(files)
    if problems:
        say(f"{len(problems)} problem(s) in {n} entries")
        return EXIT_NOT_FOUND
    print(f"{n} entries, no problems")
    return EXIT_FOUND
