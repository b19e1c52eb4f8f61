"""Checks the XML and Python files of a release, read as a tar from stdin.

Prints one JSON object per problem: {"path", "line", "column", "message", "kind"}.
Nothing in the release is executed, extracted or resolved: XML entity
declarations are refused (no external file or DTD is ever read) and Python
sources are only compiled.
"""
import json
import sys
import tarfile
import warnings
import xml.parsers.expat


class Refused(Exception):
    def __init__(self, message, line, column):
        super().__init__(message)
        self.line = line
        self.column = column


def report(path, line, column, message, kind):
    sys.stdout.write(json.dumps({"path": path, "line": line, "column": column, "message": message, "kind": kind}) + "\n")


def check_xml(path, data):
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse_entity(name, *_):
        # Expat reports a declaration where it ends; point at where it starts.
        end = parser.CurrentByteIndex
        start = data.rfind(b"<!ENTITY", 0, end + 1)
        if start < 0:
            start = end
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise Refused("entity declarations are refused (<!ENTITY %s ...>)" % name, line, column)

    def refuse_external(*_):
        raise Refused("external entities are refused", parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    try:
        parser.Parse(data, True)
    except Refused as e:
        report(path, e.line, e.column, str(e), "xml")
    except xml.parsers.expat.ExpatError as e:
        report(path, e.lineno, e.offset + 1, xml.parsers.expat.ErrorString(e.code), "xml")


def check_python(path, data):
    try:
        compile(data, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        report(path, e.lineno or 1, e.offset or 1, e.msg or "invalid syntax", "python")
    except (ValueError, RecursionError, MemoryError) as e:
        report(path, 1, 1, str(e) or type(e).__name__, "python")


def main():
    # SyntaxWarnings (invalid escapes and the like) are not errors and would only clutter stderr.
    warnings.simplefilter("ignore")
    with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as archive:
        for member in archive:
            if not member.isfile():
                continue
            handle = archive.extractfile(member)
            data = handle.read() if handle is not None else b""
            if member.name.endswith(".xml"):
                check_xml(member.name, data)
            elif member.name.endswith(".py"):
                check_python(member.name, data)
    sys.stdout.flush()


main()
