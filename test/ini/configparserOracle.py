"""Reads INI texts the way Odoo 18 does, for the comparison tests.

stdin:  {"parse": [text, ...], "cast": [{"key", "type", "choices", "value"}, ...]}
stdout: {"parse": [result, ...], "cast": [result, ...]}

Each text is written to a file and read with RawConfigParser().read([path]), the
call Odoo makes, so universal newlines and the file encoding behave as in
production (run with -X utf8: a UTF-8 locale, as on the servers).
"""
import configparser
import json
import optparse
import os
import sys
import tempfile


def read(text, path):
    with open(path, 'wb') as f:
        f.write(text.encode('utf-8'))
    p = configparser.RawConfigParser()
    try:
        p.read([path])
    except configparser.Error as e:
        return p, {'error': type(e).__name__}
    return p, None


def parse(text, path):
    p, err = read(text, path)
    if err:
        return err
    sections = p.sections()
    return {
        'sections': sections,
        'defaults': [list(kv) for kv in p.items('DEFAULT')],
        'items': {s: [list(kv) for kv in p.items(s)] for s in sections},
        # Odoo: p.items('options'), NoSectionError swallowed.
        'options': [list(kv) for kv in p.items('options')] if p.has_section('options') else None,
    }


def cast(case, path):
    """Odoo 18 load(): True/False rule for every key, then optparse's checker for typed keys."""
    key, typ, value = case['key'], case['type'], case['value']
    p, err = read('[options]\n%s = %s\n' % (key, value), path)
    if err:
        return err
    v = dict(p.items('options'))[key]
    if v in ('True', 'true'):
        v = True
    elif v in ('False', 'false'):
        v = False
    if isinstance(v, str) and typ in ('int', 'float', 'choice'):
        option = optparse.Option('--' + key.replace('_', '-'), dest=key, type=typ, choices=case.get('choices'))
        try:
            v = optparse.Option.TYPE_CHECKER[typ](option, key, v)
        except optparse.OptionValueError:
            return {'ok': False}
    finite = not isinstance(v, float) or v == v and v not in (float('inf'), float('-inf'))
    return {'ok': True, 'kind': type(v).__name__, 'repr': repr(v), 'value': v if finite else None}


def main():
    request = json.load(sys.stdin)
    fd, path = tempfile.mkstemp(suffix='.conf')
    os.close(fd)
    try:
        out = {
            'parse': [parse(t, path) for t in request.get('parse', [])],
            'cast': [cast(c, path) for c in request.get('cast', [])],
        }
    finally:
        os.unlink(path)
    json.dump(out, sys.stdout)


main()
