#!/usr/bin/env python3
"""The randomized differential test of the validator (issue 15): random
scenarios (0-3 NATs in a chain on each side of a move, a load balancer or
an anycast server in front of the server, 1-16 TCP ports or a UDP session
with its Unique ID, atomic or not, link delays 0-200 ms, seeded loss, an
attacker's hijack Migrate, captured on every link or on some) run through
the simulator with no misbehaviour
or one chosen at random; `mopsdump --validate` must report exactly that misbehaviour's
rule and nothing else, and nothing on clean runs. Every failing seed is
printed with its scenario so that it can become a regression scenario.

    tests/random_scenarios.py BUILD_DIR RUNS [SEED] [--known FILE]

Exit 1 on a mismatch. --known names seeds still judged wrongly (one per
line, with why): those must still mismatch (a fixed one must leave the
list), all others must be judged exactly."""
import json, os, random, subprocess, sys, tempfile

# misbehaviour -> (node, the rule it must give, what the topology needs)
FAULTS = {
    'reject-valid-seq': ('server', 'MIG-SEQ-REJECTED', {}),
    'reply-mismatch': ('server', 'MIG-REPLY-MISMATCH', {}),
    'reply-prev': ('server', 'MIG-REPLY-MISMATCH', {}),
    'no-reply': ('server', 'MIG-NO-REPLY', {}),
    'no-recv-src': ('server', 'RSRC-MISMATCH', {'tcp': True}),
    # no attacker: its Migrate for a session left not mobile is MIG-NOT-MOBILE too
    'no-mc-echo': ('server', 'MC-HANDSHAKE', {'tcp': True, 'no_attack': True}),
    'mc-syn-only': ('mobile', 'MC-HANDSHAKE', {'tcp': True}),
    'prev-not-translated': ('mobile', 'MIG-PREV-UNTRANSLATED', {'a': 1}),
    'prev-intermediate': ('mobile', 'MIG-PREV-UNTRANSLATED', {'a': 2, 'tcp': True}),  # UDP: no NAT ack, no level
    'no-natack': ('nat-a0', 'NAT-ACK-MISSING', {'a': 1, 'tcp': True}),
    'rewrite-prev': ('nat-b0', 'NAT-REWRITE', {'b': 1}),
    'rewrite-seq': ('nat-b0', 'NAT-REWRITE', {'b': 1}),
    'translate-tcp-seq': ('nat-a0', 'NAT-ISN', {'a': 1, 'tcp': True}),
    'shift-data-seq': ('nat-a0', 'NAT-ISN', {'a': 1, 'tcp': True}),
    'wrong-level': ('nat-a0', 'NAT-LEVEL', {'a': 2, 'tcp': True}),
    'no-relay': ('nat-a0', 'NAT-ACK-MISSING', {'a': 2, 'tcp': True}),
    'natack-htl': ('nat-a0', 'MOPS-NATACK-HTL', {'a': 1, 'tcp': True}),
    # the attacker's refused Migrate remapped, its segment let in
    'remap-unconfirmed': ('lb', 'DNAT-REMAP', {'a_max': 0, 'tcp': True, 'dnat': True}),
}


def side(r, tag, n, prefixes, public, link_delay):
    """A chain of n NATs: links tag0..tagn (tagn public), the mobile's
    address on tag0 and the NAT nodes."""
    links = [{'name': f'{tag}{i}', 'delay_ms': link_delay()} for i in range(n + 1)]
    nodes = []
    for i in range(n):
        outside = f'{public}.2' if i + 1 == n else f'{prefixes[i + 1]}.1'
        gw = f'{public}.99' if i + 1 == n else f'{prefixes[i + 1]}.99'
        nodes.append({'name': f'nat-{tag}{i}', 'role': 'nat', 'first_port': r.randrange(2000, 60000),
                      'inside': {'link': f'{tag}{i}', 'addr': f'{prefixes[i]}.99/40'},
                      'outside': {'link': f'{tag}{i + 1}', 'addr': outside + '/40'}, 'gw': gw})
    addr = f'{prefixes[0]}.1' if n else f'{public}.1'
    gw = f'{prefixes[0]}.99' if n else f'{public}.99'
    return links, nodes, addr, gw


def scenario(seed):
    r = random.Random(seed)
    fault = r.choice([None] * 5 + sorted(FAULTS))
    need = FAULTS[fault][2] if fault else {}
    na = min(max(r.randrange(4), need.get('a', 0)), need.get('a_max', 3))
    nb = max(r.randrange(4), need.get('b', 0))
    tcp = need.get('tcp', False) or r.random() < 0.8
    delay = lambda: r.choice([0, 1, 5, 20, 60, 120, 200])
    la, nodes_a, addr_a, gw_a = side(r, 'a', na, ['10.2.0.0', '10.3.0.0', '10.4.0.0'], '525.8.78.2', delay)
    lb, nodes_b, addr_b, gw_b = side(r, 'b', nb, ['192.168.1.1', '192.168.2.1', '192.168.3.1'], '775.2.23.5',
                                     delay)
    links = la + lb + [{'name': 'dc', 'delay_ms': delay()}]
    front = r.random()
    dnat = need.get('dnat', False) or front < 0.15
    anycast = tcp and not dnat and front > 0.85
    attack = dnat and tcp and na == 0 and not need.get('no_attack')  # an attacker who knows the session's public tuple
    if dnat:
        links.append({'name': 'backend', 'delay_ms': delay()})
    if attack:
        links.append({'name': 'evil', 'delay_ms': delay()})
    loss = r.choice([0, 0, 0.01, 0.03])
    for l in links:
        if loss and fault is None:  # a loss draw could hide a fault's one packet
            # A NAT ack is sent once (MOPS §7): one lost is, in any capture,
            # one never sent, and that is the fault NAT-ACK-MISSING names.
            l['loss'] = loss
            l['loss_spares'] = ['nat-ack']
    n_ports = r.randrange(1, 17) if tcp else 1
    uid = r.randrange(1, 2**40) if not tcp else None
    listen = {'proto': 'tcp', 'port': 80, 'respond': 200} if tcp else \
        {'proto': 'udp', 'port': 5001, 'respond': 60, 'unique_id': uid}
    nodes = [{'name': 'mobile', 'role': 'mobile', 'link': 'a0', 'addr': addr_a + '/40', 'gw': gw_a,
              'atomic': r.random() < 0.3}] + nodes_a + nodes_b + [
        {'name': 'internet', 'role': 'router', 'interfaces': [
            {'link': f'a{na}', 'addr': '525.8.78.2.99/40'}, {'link': f'b{nb}', 'addr': '775.2.23.5.99/40'},
            {'link': 'dc', 'addr': '8.8.8.8.99/40'}]}]
    internet = nodes[-1]
    server = {'name': 'server', 'role': 'server', 'interfaces': [{'link': 'dc', 'addr': '8.8.8.8.8/40'}],
              'gw': '8.8.8.8.99', 'listen': [listen]}
    if dnat:  # MOPS §5.1: the load balancer owns 8.8.8.8.8, the server sits behind it
        nodes.append({'name': 'lb', 'role': 'dnat', 'vip': '8.8.8.8.8', 'backend': '10.9.9.9.9',
                      'interfaces': [{'link': 'dc', 'addr': '8.8.8.8.1/40'},
                                     {'link': 'backend', 'addr': '10.9.9.9.1/40'}], 'gw': '8.8.8.8.99'})
        server.update(interfaces=[{'link': 'backend', 'addr': '10.9.9.9.9/40'}], gw='10.9.9.9.1')
    if anycast:  # MOPS §4.2: 8.8.8.8.8 is anycast, the server answers from its unicast address
        internet['interfaces'].append({'link': 'dc', 'addr': '8.8.4.4.99/40'})
        server.update(interfaces=[{'link': 'dc', 'addr': '8.8.4.4.4/40'}], gw='8.8.4.4.99', anycast='8.8.8.8.8')
    if attack:
        internet['interfaces'].append({'link': 'evil', 'addr': '666.6.6.6.99/40'})
        nodes.append({'name': 'attacker', 'role': 'mobile', 'link': 'evil', 'addr': '666.6.6.6.6/40',
                      'gw': '666.6.6.6.99'})
    nodes.append(server)
    if fault:
        who = FAULTS[fault][0]
        next(n for n in nodes if n['name'] == who).setdefault('misbehave', []).append(fault)
    # Times from the longest one-way path, so that each step is done
    # before the next: handshake, data, move, data.
    d = (sum(l['delay_ms'] for l in links) + 10) / 1000.0
    t = 0.1
    timeline = []
    for i in range(n_ports):
        c = {'proto': 'tcp' if tcp else 'udp', 'dst': '8.8.8.8.8', 'dport': 80 if tcp else 5001,
             'sport': 1027 + i, 'id': f's{i}'}
        if uid:
            c['unique_id'] = uid
        timeline.append({'at': round(t + 0.001 * i, 3), 'node': 'mobile', 'connect': c})
    t += 3 * d + 0.1
    for i in range(n_ports):
        timeline.append({'at': round(t + 0.001 * i, 3), 'node': 'mobile', 'send': {'socket': f's{i}', 'bytes': 100}})
    t += 3 * d + 0.5
    if attack:  # a hijack the server refuses (its sequence is outside the window), then a probe
        timeline.append({'at': round(t, 3), 'node': 'attacker', 'migrate': {
            'dst': '8.8.8.8.8', 'prev_addr': addr_a, 'prev_sport': 1027, 'dport': 80, 'mig_addr': '666.6.6.6.6',
            'mig_sport': 4444, 'seq': 123456789}})
        timeline.append({'at': round(t + 3 * d, 3), 'node': 'attacker', 'segment': {
            'dst': '8.8.8.8.8', 'sport': 4444, 'dport': 80, 'seq': 123456789, 'bytes': 10}})
        t += 6 * d + 0.2
    timeline.append({'at': round(t, 3), 'node': 'mobile', 'detach': {}})
    timeline.append({'at': round(t + 0.5, 3), 'node': 'mobile',
                     'attach': {'link': 'b0', 'addr': addr_b + '/40', 'gw': gw_b}})
    t += 0.5 + 4 * d + 0.5
    timeline.append({'at': round(t, 3), 'node': 'mobile', 'send': {'socket': 's0', 'bytes': 100}})
    s = {'name': f'random-{seed}', 'description': f'random scenario, seed {seed}', 'seed': seed,
         'duration': round(t + 12, 3), 'links': links, 'nodes': nodes, 'timeline': timeline,
         'expect': {'tables': [], 'experts': [], 'violations': []}}
    # A quarter of the runs are captured on some links only: each link the
    # fault does not need is left untapped by a coin (the validator must
    # judge what it sees, and blame nothing for what it does not).
    if r.random() < 0.25:
        needs = {'server': {'backend' if dnat else 'dc'}, 'mobile': {'a0', 'b0'}, 'nat-a0': {'a0', 'a1'},
                 'nat-b0': {'b0', 'b1'}, 'lb': {'dc', 'backend'}}.get(FAULTS[fault][0] if fault else None, set())
        for l in links:
            if l['name'] not in needs and r.random() < 0.5:
                l['captured'] = False
    ids = [{'proto': 'udp', 'port': 5001, 'id': uid}]
    topo = {'servers': [{'address': a, 'unique_ids': ids} for a in ['8.8.8.8.8'] + (['10.9.9.9.9'] if dnat else [])]} \
        if uid else None
    return s, topo, fault, ({FAULTS[fault][1]} if fault else set())


def main():
    args = sys.argv[1:]
    known = set()
    if '--known' in args:
        k = args.index('--known')
        known = {int(l.split()[0]) for l in open(args[k + 1]) if l.strip() and not l.startswith('#')}
        del args[k:k + 2]
    build, runs = args[0], int(args[1])
    base = int(args[2]) if len(args) > 2 else 1
    sim = os.path.join(build, 'captures', 'mops-sim')
    dump = os.path.join(build, 'mopsdump', 'mopsdump')
    ok, bad, by_fault = 0, [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(base, base + runs):
            s, topo, fault, want = scenario(seed)
            j, p, t = (os.path.join(tmp, x) for x in ('s.json', 's.pcapng', 't.json'))
            json.dump(s, open(j, 'w'))
            sr = subprocess.run([sim, j, p], capture_output=True, text=True)
            if sr.returncode:
                bad.append((seed, fault, 'mops-sim failed: ' + sr.stderr[-200:], s))
                continue
            args = [dump, '--validate', '-r', p, '--max-per-flow', '0', '--report', '-']
            if topo:
                json.dump(topo, open(t, 'w'))
                args += ['--topology', t]
            v = subprocess.run(args, capture_output=True, text=True)
            got = {x['rule'] for x in json.loads(v.stdout)['violations']} if v.stdout else {'(no report)'}
            by_fault[fault or 'clean'] = by_fault.get(fault or 'clean', 0) + 1
            if got == want:
                ok += 1
            else:
                bad.append((seed, fault, f'want {sorted(want)}, got {sorted(got)}', s))
    print(f'{runs} random scenarios (seeds {base}..{base + runs - 1}): {ok} judged exactly, {len(bad)} not')
    print('by misbehaviour:', ', '.join(f'{k} {v}' for k, v in sorted(by_fault.items())))
    new = [b for b in bad if b[0] not in known]
    fixed = sorted(k for k in known if base <= k < base + runs and k not in {b[0] for b in bad})
    for seed, fault, why, s in bad:
        print(f'  seed {seed} ({fault or "clean"}): {why}{" (known)" if seed in known else ""}')
    for seed in fixed:
        print(f'  seed {seed}: judged exactly now: take it off the known list')
    return 1 if new or fixed else 0


if __name__ == '__main__':
    sys.exit(main())
