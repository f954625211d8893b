#!/usr/bin/env python3
"""The long randomized differential run: every scenario of
captures/scenarios (one misbehaviour each, or none) through the simulator
with random seeds (other ports, ISNs, loss draws), judged by the validator,
which must find exactly the rules the scenario's expect.violations names
(nothing for the clean ones). Not part of the suite; docs/robustness.md.

    tests/differential.py BUILD_DIR [SEEDS_PER_SCENARIO] [RANDOM_SEED]"""
import collections, json, os, random, shutil, subprocess, sys, tempfile
build = sys.argv[1]
SIM = os.path.join(build, 'captures', 'mops-sim')
DUMP = os.path.join(build, 'mopsdump', 'mopsdump')
seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20261201)
os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tmp=tempfile.mkdtemp(); runs=ok=0; bad=[]; byrule=collections.Counter()
for name in sorted(os.listdir('captures/scenarios')):
    sc=json.load(open('captures/scenarios/'+name))
    want=sorted({v['rule'] for v in sc.get('expect',{}).get('violations',[])})
    for _ in range(seeds):
        sc['seed']=rnd.randrange(1,2**31)
        j=os.path.join(tmp,'s.json'); p=os.path.join(tmp,'s.pcapng')
        json.dump(sc,open(j,'w'))
        subprocess.run([SIM,j,p],check=True,capture_output=True)
        args=[DUMP,'--validate','-r',p,'--max-per-flow','0','--report','-']
        if 'topology' in sc['expect']:  # what the capture cannot show: Unique IDs
            t=os.path.join(tmp,'t.json'); json.dump(sc['expect']['topology'],open(t,'w')); args+=['--topology',t]
        r=subprocess.run(args,capture_output=True,text=True)
        got=sorted({v['rule'] for v in json.loads(r.stdout)['violations']})
        runs+=1
        if got==want: ok+=1; byrule.update(got)
        else: bad.append((name,sc['seed'],want,got))
print(f"{runs} runs ({seeds} random seeds x {runs//seeds} scenarios), {ok} judged exactly as expected, {len(bad)} not")
for b in bad[:10]: print('  ',b)
print('findings by rule:', ', '.join(f'{k} {v}' for k, v in sorted(byrule.items())))
shutil.rmtree(tmp)
sys.exit(1 if bad else 0)
