#!/usr/bin/env python3
"""The layers of lib/ hold (docs/architecture.md).

    check_layers.py SRCDIR                 include lines and meson dependencies
    check_layers.py SRCDIR --plugin SO BUILDDIR
                                           what the Wireshark plugin links

The layers and who may use whom are the table of docs/architecture.md,
which must also name every C file of each layer's folder. Include lines: a
file of a layer (lib/LAYER/ or lib/include/mops/LAYER/)
includes public headers of its own layer or of a layer it may use, and
internal headers of its own folder only; public headers include no internal
header; files outside lib/ include public headers only. Each layer's
meson.build names only layers it may use. The plugin: no object of a layer it
does not use, no libpcap (jansson comes with the validator's report)."""
import os
import re
import subprocess
import sys

# Who may use whom: the table of docs/architecture.md, read from there so
# that the page and the check cannot disagree.
def read_layers(src):
    """{layer: set of layers it may use}, and {layer: file names its row
    names}, from the table under docs/architecture.md's '## Layers'."""
    text = open(os.path.join(src, 'docs', 'architecture.md'), encoding='utf-8').read()
    section = text.split('## Layers', 1)[1].split('\n## ', 1)[0]
    may, named = {}, {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) != 3 or cells[0] in ('layer', '') or cells[0].startswith('-'):
            continue
        layer, holds, uses = cells
        may[layer] = set() if uses == 'nothing' else {u.strip() for u in uses.split(',')}
        named[layer] = set(re.findall(r'`([\w./-]+\.(?:c|h|def))`', holds))
    return may, named


# The plugin runs the validator (its findings on their frames), and so the
# models it replays through and the builder they send with.
PLUGIN_LAYERS = {'core', 'decode', 'build', 'track', 'model', 'validate'}
MAY_USE = {}
FRONT_ENDS = ['dissector', 'mopsdump', 'mopstop', 'tests', 'captures', 'lib/tools']
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SOURCE = re.compile(r'\.(c|h|def)$')


def files_under(d):
    for root, _, names in os.walk(d):
        for n in sorted(names):
            if SOURCE.search(n):
                yield os.path.join(root, n)


def layer_of(rel):
    """The layer a file of lib/ belongs to, or None."""
    parts = rel.split('/')
    if parts[:3] == ['lib', 'include', 'mops'] and len(parts) > 4:
        return parts[3]
    if parts[0] == 'lib' and len(parts) > 2 and parts[1] in MAY_USE:
        return parts[1]
    return None


def check_includes(src):
    errors = []
    lib_layers = set(os.listdir(os.path.join(src, 'lib', 'include', 'mops')))
    for extra in sorted(lib_layers - set(MAY_USE)):
        errors.append(f'lib/include/mops/{extra}: a layer tests/check_layers.py does not know')
    internal = {os.path.basename(p) for layer in MAY_USE
                for p in files_under(os.path.join(src, 'lib', layer))}
    for top in ['lib'] + FRONT_ENDS:
        for path in files_under(os.path.join(src, top)):
            rel = os.path.relpath(path, src)
            if top == 'lib' and rel.startswith('lib/tools/'):
                continue
            own = layer_of(rel) if top == 'lib' else None
            if top == 'lib' and own is None:
                errors.append(f'{rel}: a file of lib/ outside every layer folder')
                continue
            public = rel.startswith('lib/include/')
            text = open(path, encoding='utf-8', errors='replace').read()
            for m in INCLUDE.finditer(text):
                inc = m.group(1)
                line = text.count('\n', 0, m.start()) + 1
                where = f'{rel}:{line}: #include "{inc}"'
                parts = inc.split('/')
                if parts[0] == 'mops' and len(parts) == 3:
                    target = parts[1]
                    if not os.path.exists(os.path.join(src, 'lib', 'include', inc)):
                        errors.append(f'{where}: no such public header')
                    elif own is not None and target != own and target not in MAY_USE[own]:
                        errors.append(f'{where}: layer {own} may not use layer {target}')
                    continue
                beside = os.path.exists(os.path.join(os.path.dirname(path), inc))
                if top != 'lib':
                    # A front-end's own headers are its business; lib's
                    # internal ones are not.
                    if not beside and ('..' in parts or inc in internal):
                        errors.append(f'{where}: an internal header of lib/')
                    continue
                # In lib/, anything else is a header beside the including file.
                if '/' in inc or not beside:
                    errors.append(f'{where}: not a public header nor one of this folder')
                elif public:
                    errors.append(f'{where}: a public header includes an internal one')
    return errors


def check_doc(src, named):
    """Every file a row names exists in its layer, and every C file of a
    layer's folder is named in its row."""
    errors = []
    for layer, names in sorted(named.items()):
        folder = os.path.join(src, 'lib', layer)
        public = os.path.join(src, 'lib', 'include', 'mops', layer)
        for n in sorted(names):
            paths = [os.path.join(src, 'lib', 'include', n)] if '/' in n else \
                [os.path.join(folder, n), os.path.join(public, n)]
            if not any(os.path.exists(p) for p in paths):
                errors.append(f'docs/architecture.md: layer {layer} names {n}, which is not there')
        for n in sorted(os.listdir(folder)):
            if n.endswith('.c') and n not in names:
                errors.append(f'docs/architecture.md: lib/{layer}/{n} is not named in the row of {layer}')
    folders = {d for d in os.listdir(os.path.join(src, 'lib'))
               if os.path.exists(os.path.join(src, 'lib', d, 'meson.build')) and d != 'tools'}
    for d in sorted(folders ^ set(named)):
        errors.append(f'docs/architecture.md: layer {d} is in lib/ or the table, not both')
    return errors


def check_meson(src):
    errors = []
    dep = re.compile(r'\bmops_(\w+)_dep\b')
    for layer in MAY_USE:
        path = os.path.join(src, 'lib', layer, 'meson.build')
        text = re.sub(r'#.*', '', open(path).read())
        declared = set(m.group(1) for m in dep.finditer(text)) - {layer}
        for bad in sorted(declared - MAY_USE[layer]):
            errors.append(f'lib/{layer}/meson.build: depends on layer {bad}, which it may not use')
    return errors


def defined_symbols(path):
    out = subprocess.run(['nm', '--defined-only', '-g', path], capture_output=True, text=True,
                         check=True).stdout
    return {l.split()[-1] for l in out.splitlines() if len(l.split()) == 3}


def check_plugin(so, build):
    errors = []
    needed = subprocess.run(['readelf', '-d', so], capture_output=True, text=True, check=True).stdout
    for lib in ('libpcap', 'libmops'):
        if lib in needed:
            errors.append(f'{so}: needs {lib}')
    everything = subprocess.run(['nm', so], capture_output=True, text=True, check=True).stdout
    syms = {l.split()[-1] for l in everything.splitlines() if l.split()}
    for bad in sorted(s for s in syms if re.match(r'pcap_', s)):
        errors.append(f'{so}: holds or calls {bad}')
    # What the link line names (a static archive pulls in only the objects
    # that are called, so nm alone would not show a needless dependency).
    ninja = open(os.path.join(build, 'build.ninja')).read()
    m = re.search(r'^build dissector/mops\.so: \S+ (.*?)\n(?: .*\n)*', ninja, re.M)
    if not m:
        errors.append(f'{build}/build.ninja: no link rule for dissector/mops.so')
    else:
        rule = m.group(0)
        for layer in sorted(set(MAY_USE) - PLUGIN_LAYERS):
            if f'libmops-{layer}.a' in rule:
                errors.append(f'dissector/mops.so: its link line names libmops-{layer}.a')
        for lib in ('libpcap', '-lpcap'):
            if lib in rule:
                errors.append(f'dissector/mops.so: its link line names {lib}')
    used = 0
    for layer in sorted(MAY_USE):
        archive = os.path.join(build, 'lib', layer, f'libmops-{layer}.a')
        if not os.path.exists(archive):
            errors.append(f'{archive}: not built')
            continue
        mine = defined_symbols(archive) & syms
        if layer in PLUGIN_LAYERS:
            used += len(mine)
        elif mine:
            errors.append(f'{so}: links layer {layer} ({", ".join(sorted(mine)[:3])}...)')
    if used == 0:
        errors.append(f'{so}: holds no symbol of {sorted(PLUGIN_LAYERS)}: nm saw nothing?')
    return errors


def main():
    src = sys.argv[1]
    may, named = read_layers(src)
    MAY_USE.update(may)
    if len(sys.argv) == 5 and sys.argv[2] == '--plugin':
        errors = check_plugin(sys.argv[3], sys.argv[4])
        what = 'the plugin links core, decode, build, track, model and validate only'
    else:
        errors = check_doc(src, named) + check_includes(src) + check_meson(src)
        what = 'every include line and layer dependency is allowed; docs/architecture.md names every file'
    for e in errors:
        print(e)
    if errors:
        print(f'{len(errors)} layer violations')
        return 1
    print(what)
    return 0


if __name__ == '__main__':
    sys.exit(main())
