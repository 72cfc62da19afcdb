#!/usr/bin/env python3
"""Lists every user-facing English text (gettext msgid) in templates and code (src/web, src/domain, src/sip2), and updates po/zh_HK.po:
new texts are added with an empty translation, texts no longer used are reported. Run after adding texts:
    python3 scripts/extract-messages.py          # update po/zh_HK.po
    python3 scripts/extract-messages.py --list   # print the msgids
The same rules are checked by web_tests (I18n.EveryTextIsTranslated), which fails on untranslated texts."""
import pathlib, re, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
STRING = r'"((?:[^"\\]|\\.)*)"((?:\s*"(?:[^"\\]|\\.)*")*)'

def join(first, rest):
    return first + ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', rest))

def msgids():
    found = []
    for path in sorted((ROOT / 'templates').glob('*.mustache')):
        found += re.findall(r'\{\{#t\}\}(.*?)\{\{/t\}\}', path.read_text(), re.S)
    for path in (sorted((ROOT / 'src' / 'web').glob('*.cpp')) + sorted((ROOT / 'src' / 'domain').glob('*.cpp'))
                 + sorted((ROOT / 'src' / 'sip2').glob('*.cpp'))):
        if path.name.endswith('_test.cpp'):
            continue
        text = path.read_text()
        for m in re.finditer(r'(?:\bt|\btf|\bN_)\((?:[a-z_.]*lang,\s*)?' + STRING, text):
            found.append(join(m.group(1), m.group(2)))
        # Catalogue tables in domain/: {Enum::kValue, "code", "English label"}
        for m in re.finditer(r'\{[A-Za-z:]+::k[A-Za-z]+,\s*"[a-z_]+",\s*' + STRING + r'(?:,\s*(?:true|false))?\}', text):
            found.append(join(m.group(1), m.group(2)))
    seen, result = set(), []
    for item in found:
        item = item.replace('\\"', '"')
        if item and item not in seen:
            seen.add(item)
            result.append(item)
    return result

def read_po(path):
    entries, msgid, msgstr, mode = {}, None, None, None
    for line in path.read_text().splitlines() + ['']:
        if line.startswith('msgid '):
            if msgid is not None:
                entries[msgid] = msgstr
            msgid, msgstr, mode = eval(line[6:]), '', 'id'
        elif line.startswith('msgstr '):
            msgstr, mode = eval(line[7:]), 'str'
        elif line.startswith('"') and mode:
            if mode == 'id':
                msgid += eval(line)
            else:
                msgstr += eval(line)
    if msgid is not None:
        entries[msgid] = msgstr
    return entries

def quote(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'

def main():
    ids = msgids()
    if '--list' in sys.argv:
        print('\n'.join(ids))
        return
    po = ROOT / 'po' / 'zh_HK.po'
    old = read_po(po) if po.exists() else {}
    header = ('Project-Id-Version: shelfmark\nReport-Msgid-Bugs-To: \nPOT-Creation-Date: 2026-11-22 00:00+0800\n'
              'PO-Revision-Date: 2026-11-22 00:00+0800\nLast-Translator: Shelfmark developers\n'
              'Language-Team: zh_HK\nLanguage: zh_HK\nMIME-Version: 1.0\n'
              'Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n'
              'Plural-Forms: nplurals=1; plural=0;\n')
    out = ['# Traditional Chinese (Hong Kong) texts for Shelfmark. Updated by scripts/extract-messages.py.',
           'msgid ""', 'msgstr ' + quote(header), '']
    for item in ids:
        out += ['msgid ' + quote(item), 'msgstr ' + quote(old.get(item, '')), '']
    po.write_text('\n'.join(out))
    unused = [k for k in old if k and k not in ids]
    missing = [k for k in ids if not old.get(k)]
    print(f'{len(ids)} texts; {len(missing)} need a translation; {len(unused)} no longer used (dropped)')

if __name__ == '__main__':
    main()
