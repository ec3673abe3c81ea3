"""`flaskref scan`: find the mistakes the KB explains in a project's source, before they bite.

The source is read, never imported or run: Python files through `ast` (one walk per file for
every rule), and the files that start the app (Procfile, Dockerfile, `*.ini`, `*.toml`) as text.

    files.py      which files, what kind, which module name
    visitor.py    the one walk; context.py: scopes, bindings, guards; names.py: what names mean
    rules/        the checkers, by subject; each reports under the rule ids in model.RULES
    starters.py   Procfile/Dockerfile/ini/toml commands
    project.py    findings that need several files (cycles, endpoints, starters)
    runner.py     the whole scan; options.py: [tool.flaskref] and --select/--ignore
    output.py, sarif.py   text, JSON and SARIF 2.1.0
    command.py    the `flaskref scan` command line
"""
