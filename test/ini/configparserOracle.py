"""Reads INI texts the way Odoo 18 does, for the comparison tests.

stdin:  {"parse": [text, ...], "cast": [{"key", "type", "choices", "value"}, ...],
         "use": [{"key", "value"}, ...]}
stdout: {"parse": [result, ...], "cast": [result, ...], "use": [result, ...]}

Each text is written to a file and read with RawConfigParser().read([path]), the
call Odoo makes, so universal newlines and the file encoding behave as in
production (run with -X utf8: a UTF-8 locale, as on the servers).
"""
import configparser
import json
import logging
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


def load(key, value, path):
    """The value Odoo 18's load() keeps: read back, then the True/False rule."""
    p, err = read('[options]\n%s = %s\n' % (key, value), path)
    if err:
        raise ValueError(err['error'])
    v = dict(p.items('options'))[key]
    return True if v in ('True', 'true') else False if v in ('False', 'false') else v


def use(case, path):
    """What the code reading the key does with the file's value: the statements
    Odoo 18 runs on it, copied (netsvc.init_logger, tools/lru.py), run with the
    real logging module. ok: Odoo goes on; error: the exception that stops it."""
    key = case['key']
    v = load(key, case['value'], path)
    try:
        if key == 'log_handler':
            # _parse_config, then init_logger.
            if isinstance(v, str):
                v = v.split(',')
            v.extend([])
            for item in v:
                loggername, level = item.strip().split(':')
                level = getattr(logging, level, logging.INFO)
                logging.getLogger('blink-oracle.' + loggername).setLevel(level)
            return {'ok': True}
        if key == 'log_db_level':
            db_levels = {'debug': logging.DEBUG, 'info': logging.INFO, 'warning': logging.WARNING, 'error': logging.ERROR, 'critical': logging.CRITICAL}
            return {'ok': True, 'level': int(db_levels.get(v, v))}
        if key == 'registry_lru_size':
            # registry.py: `if not size:` falls back to a computed number; else LRU(size).
            if not v:
                return {'ok': True, 'fallback': True}
            return {'ok': True, 'count': max(v, 1)}
    except Exception as e:  # noqa: BLE001 -- any exception stops Odoo
        return {'ok': False, 'error': type(e).__name__}
    return {'ok': True, 'kind': type(v).__name__, 'repr': repr(v)}


def main():
    request = json.load(sys.stdin)
    fd, path = tempfile.mkstemp(suffix='.conf')
    os.close(fd)
    try:
        out = {
            'parse': [parse(t, path) for t in request.get('parse', [])],
            'cast': [cast(c, path) for c in request.get('cast', [])],
            'use': [use(c, path) for c in request.get('use', [])],
        }
    finally:
        os.unlink(path)
    json.dump(out, sys.stdout)


main()
