#!/usr/bin/env python3
"""Writes a man page: the hand-written TEMPLATE with @VERSION@ and @COMMANDS@ filled in.

usage: gen-man.py PROGRAM TEMPLATE VERSION OUT[.gz]

@COMMANDS@ becomes one subsection per subcommand of PROGRAM, at every depth, made from its
--help (CLI11's format): the description, the usage line, the positionals and the options with
their descriptions. The page thus lists whatever the binary it ships with accepts.
tests/integration/cli_docs_test.sh checks that every subcommand shows up (here and in the bash
completion). helptree() is also used by that test, through `gen-man.py --list PROGRAM`.
"""
import gzip
import re
import subprocess
import sys

# An option or positional entry of CLI11's help: the names, then what make_option_opts prints.
ENTRY = re.compile(r"^  (\S+)((?: [A-Z][A-Z0-9_:]*(?:=\S*)?)?(?: \.\.\.)?(?: x \d+)?(?: REQUIRED)?"
                   r"(?: \(Env:\S+\))?(?: Needs:(?: -\S+)+)?(?: Excludes:(?: -\S+)+)?)(?:\s+(.*))?$")


def run_help(program, path):
    out = subprocess.run([program, *path, "--help"], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    return out.stdout


def parse_help(text):
    """-> dict(description, usage, sections={name: [(head, detail, desc)]})."""
    lines = text.splitlines()
    desc, usage, sections, current, name, i = [], "", {}, None, "", 0
    while i < len(lines) and not lines[i].startswith("Usage:"):
        desc.append(lines[i].strip())
        i += 1
    if i < len(lines):
        usage = lines[i][len("Usage:"):].strip()
        i += 1
    for line in lines[i:]:
        if not line.strip():
            continue
        if re.match(r"^[A-Za-z][^:]*:$", line):
            name = line[:-1]
            current = sections.setdefault(name, [])
        elif current is None:
            continue
        elif re.match(r"^  \S", line):
            m = ENTRY.match(line)
            if name != "Subcommands" and m:
                current.append([m.group(1), m.group(2).strip(), (m.group(3) or "").strip()])
            else:
                sub, _, rest = line.strip().partition(" ")
                current.append([sub, "", rest.strip()])
        elif current:
            current[-1][2] = (current[-1][2] + " " + line.strip()).strip()
    return {"description": " ".join(d for d in desc if d), "usage": usage, "sections": sections}


def helptree(program, path=()):
    """Yields (path, parsed help) for the program and every subcommand, depth first."""
    parsed = parse_help(run_help(program, list(path)))
    yield path, parsed
    for name, _, _ in parsed["sections"].get("Subcommands", []):
        yield from helptree(program, (*path, name))


def roff(text):
    # \: after "|" lets a long list of values (a|b|c) break there.
    text = text.replace("\\", "\\e").replace("-", "\\-").replace("|", "|\\:")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def entry_roff(head, detail, desc):
    names = ", ".join(f"\\fB{roff(n)}\\fR" for n in head.split(","))
    # The value's type (TEXT, INT, ...) in italics, then its default, Env:, Needs:, Excludes:.
    detail = re.sub(r"^([A-Z][A-Z0-9_:]*)", r"\\fI\1\\fR", roff(detail)) if detail else ""
    return f".TP\n{names}{' ' + detail if detail else ''}\n{roff(desc) if desc else ''}\n"


def commands_roff(program):
    name = program.rsplit("/", 1)[-1]
    out = []
    for path, parsed in helptree(program):
        if not path:
            continue
        out.append(f'.SS "{name} {" ".join(path)}"\n')
        if parsed["description"]:
            out.append(roff(parsed["description"]) + "\n")
        # "Usage: /path/to/program sub command [OPTIONS] ...": what follows the command.
        rest = " ".join(parsed["usage"].split()[1 + len(path):])
        out.append(f".PP\n\\fB{roff(name + ' ' + ' '.join(path))}\\fR {roff(rest)}\n")
        for section in ("Positionals", "Options"):
            entries = [e for e in parsed["sections"].get(section, []) if e[0] != "-h,--help"]
            if entries:
                out.append(f".PP\n{section}:\n")
                out.extend(entry_roff(*e) for e in entries)
        subs = parsed["sections"].get("Subcommands", [])
        if subs:
            out.append(".PP\nSubcommands: " +
                       ", ".join(f"\\fB{roff(s[0])}\\fR" for s in subs) + ".\n")
    return "".join(out)


def main():
    if sys.argv[1] == "--list":
        for path, _ in helptree(sys.argv[2]):
            if path:
                print(" ".join(path))
        return
    program, template, version, out = sys.argv[1:5]
    with open(template, encoding="utf-8") as f:
        page = f.read()
    page = page.replace("@VERSION@", version).replace("@COMMANDS@", commands_roff(program))
    data = page.encode("utf-8")
    if out.endswith(".gz"):
        with open(out, "wb") as f:
            # mtime 0: the same binary gives the same bytes.
            with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as z:
                z.write(data)
    else:
        with open(out, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
