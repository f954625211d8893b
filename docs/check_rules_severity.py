#!/usr/bin/env python3
"""Each protocol rule's severity is the draft's word for it: the table under
"Severity from the draft" in docs/validator-rules.md quotes the sentence;
`mopsdump --list-rules` must give every rule there the table's severity,
and the severity must follow the sentence's words (must / required / never /
only: error; should / recommend: warning; neither: note).

usage: check_rules_severity.py MOPSDUMP validator-rules.md"""
import re, subprocess, sys

mopsdump, doc = sys.argv[1:3]
text = open(doc).read()
table = text[text.index('<!-- severities -->'):text.index('<!-- end of severities -->')]
rows = {m[0]: (m[1], m[2]) for m in re.findall(r'^\| `([A-Z0-9-]+)` \| (error|warning|note) \| (.+) \|$', table, re.M)}
listed = {m[0]: m[1] for m in re.findall(r'^\| `([A-Z0-9-]+)` \| (error|warning|note) \|',
                                            subprocess.run([mopsdump, '--list-rules'], capture_output=True,
                                                           text=True, check=True).stdout, re.M)}
bad = []
# The decoder's problems share the LARA- prefix; they are packet-level.
packet_level = {'LARA-HTL', 'LARA-ADDR', 'LARA-MAC'}
protocol = [r for r in listed if r.startswith(('MIG-', 'NAT-', 'DNAT-', 'RSRC-', 'ANYCAST-', 'MC-', 'LARA-')) and r not in packet_level]
for r in protocol:
    if r not in rows:
        bad.append(f'{r}: not in the severity table')
for r, (sev, quote) in rows.items():
    if listed.get(r) != sev:
        bad.append(f'{r}: --list-rules says {listed.get(r)}, the table {sev}')
    q = quote.split(':', 1)[-1]
    word = ('error' if re.search(r'\b(must|required|never|only)\b', q, re.I) else
            'warning' if re.search(r'\b(should|recommend\w*)\b', q, re.I) else 'note')
    if word != sev:
        bad.append(f'{r}: "{q.strip()}" reads as {word}, the table says {sev}')
for b in bad:
    print(b)
print(f'{len(rows)} rules, {len(bad)} disagreements')
sys.exit(1 if bad or len(rows) < 20 else 0)
