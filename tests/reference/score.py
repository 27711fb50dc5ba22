#!/usr/bin/env python3
"""An independent scorer for the shipped examples, written apart from the
Rust code so the figures the tests assert for examples/*.csv are checked
against a second implementation of SPEC §1–§3 (exact decimals, half-up at
each indicator and once after rescaling).

    python3 tests/reference/score.py indicators/ideology-2023.toml examples/2023.csv examples/units.csv
    python3 tests/reference/score.py indicators/ideology-2022.toml examples/2022.csv \
        indicators/ideology-2023.toml examples/2023.csv examples/units.csv

prints `rank unit score base bonus penalty grade veto` per unit (grades after
the cap items and a quota counted over all units) and, per
unit, the rectification items (base shortfalls ≥ min_rectify, missing,
penalties, vetoes); given two periods, what `diff` counts. Only what the
built-in frameworks use is implemented.
"""
import csv, sys, tomllib
from decimal import Decimal as D, ROUND_HALF_UP

def r2(x): return x.quantize(D('0.01'), rounding=ROUND_HALF_UP)
YES = {'yes','y','true','1','是','有','√','✓'}
NO = {'no','n','false','0','否','无','×','✗'}
NA = {'n/a','na','不适用','不涉及'}

def num(v): return D(v.strip().rstrip('%'))

def amount(ind, vals):
    P = D(str(ind['points'])); r = ind['rule']; t = r['type']
    if t == 'check': return P if vals[0].lower() in YES else D(0)
    v = None if t in ('levels','survey','clauses') else num(vals[0])
    if t == 'deduct': return max(P - D(str(r['per'])) * v, D(0))
    if t == 'count': return min(D(str(r['per'])) * v, P)
    if t == 'target':
        tg = D(str(r['target']))
        if 'per' in r: return max(P - D(str(r['per'])) * max(tg - v, D(0)), D(0))
        return P * min(v / tg, D(1))
    if t == 'tiers':
        for mn, a in r['tiers']:
            if v >= D(str(mn)): return D(str(a))
        return D(0)
    if t == 'levels': return D(str(r['levels'][vals[0].strip()]))
    if t == 'direct': return v
    if t == 'clauses':
        ded = sum(min(D(str(c['per'])) * num(x), D(str(c.get('max', ind['points'])))) for c, x in zip(r['clauses'], vals))
        return max(P - ded, D(0))
    if t == 'survey':
        n = [D(x) for x in vals[0].split('/')]
        w = [D(str(s[1])) for s in r['survey']]
        return P * sum(a * b for a, b in zip(n, w)) / (100 * sum(n))
    raise ValueError(t)

def score(fw_path, ev_path, units_path):
    """Per unit in rank order: (rank, unit, score, base, bonus, penalty, grade, vetoes, items)."""
    fw = tomllib.load(open(fw_path, 'rb'))
    h = fw['framework']; total = D(str(h['total']))
    inds = fw['indicator']
    units = [r for r in csv.DictReader(open(units_path, encoding='utf-8-sig'))]
    ev = {}
    for r in csv.DictReader(open(ev_path, encoding='utf-8-sig')):
        ev[(r['unit'], r['indicator'])] = r['value']
    out = []
    for u in units:
        uid = u['unit']; base = D(0); appl = D(0); bonus = D(0); pen = D(0); veto = []; items = []; caps = []
        for ind in inds:
            kind = ind.get('kind', 'base'); iid = ind['id']
            if kind == 'cap':
                v = ev.get((uid, iid), '').strip()
                if v and (v.lower() in YES or (v.lower() not in NO and D(v) > 0)):
                    caps.append(ind['max_grade']); items.append((iid, None, 'cap'))
                continue
            if kind == 'veto':
                v = ev.get((uid, iid), '').strip()
                if v and (v.lower() in YES or (v.lower() not in NO and D(v) > 0)):
                    veto.append(iid); items.append((iid, None, 'veto'))
                continue
            if ind['rule']['type'] == 'clauses':
                keys = [f"{iid}/{c['id']}" for c in ind['rule']['clauses']]
            else:
                keys = [iid]
            vals = [ev.get((uid, k), '').strip() for k in keys]
            if any(x.lower() in NA for x in vals):
                continue
            P = D(str(ind['points']))
            a = None if any(x == '' for x in vals) else r2(amount(ind, vals))
            if kind == 'base':
                appl += P; base += a or D(0)
                minr = D(str(ind.get('min_rectify', h.get('min_rectify', 0))))
                if a is None: items.append((iid, P, 'missing'))
                elif a < P and P - a >= minr: items.append((iid, P - a, 'shortfall'))
            elif kind == 'bonus': bonus += a or D(0)
            elif kind == 'penalty':
                pen += a or D(0)
                if a: items.append((iid, a, 'penalty'))
        b = r2(base) if appl == total else r2(base * total / appl)
        bo = r2(min(bonus, D(str(h['bonus_cap'])))); pe = r2(min(pen, D(str(h['penalty_cap']))))
        s = r2(max(b + bo - pe, D(0)))
        grades = fw['grade']
        names = [x['name'] for x in grades]
        g = len(grades) - 1 if veto else next(k for k, x in enumerate(grades) if D(str(x['min'])) <= s)
        for c in caps:  # 被问责的不得评为好: at best the cap's grade
            g = max(g, names.index(c))
        out.append((bool(veto), -s, uid, s, b, bo, pe, g, veto, items))
    out.sort()
    # Quotas over all units, best grade first: the holders in rank order keep
    # the grade up to ⌊n × q⌋, the rest move one grade down (no ties here).
    names = [x['name'] for x in fw['grade']]
    for k, gr in enumerate(fw['grade']):
        if 'quota' not in gr: continue
        q = D(str(gr['quota']).rstrip('%')) / (100 if str(gr['quota']).endswith('%') else 1)
        limit = int(len(out) * q)
        holders = [i for i, o in enumerate(out) if o[7] == k]
        for i in holders[limit:]:
            o = list(out[i]); o[7] = k + 1; out[i] = tuple(o)
    out = [o[:7] + (names[o[7]],) + o[8:] for o in out]
    rank = 0; ranked = []
    for i, o in enumerate(out):
        if i == 0 or (o[0], o[1]) != (out[i-1][0], out[i-1][1]): rank = i + 1
        ranked.append((rank,) + o[2:])
    return ranked, {i['id'] for i in inds}

def show(ranked):
    for r in ranked:
        print(r[0], r[1], r[2], r[3], r[4], r[5], r[6], ','.join(r[7]) or '-')
    for r in ranked:
        print(r[1], len(r[8]), ' '.join(f"{i}:{l}" for i, l, _ in r[8]))

def diff(old, new):
    """diff's summary: problems resolved, persisting, new; the mean change."""
    (o, _), (n, new_ids) = old, new
    o = {r[1]: r for r in o}; n = {r[1]: r for r in n}
    res = per = new_p = 0; deltas = []
    for u in n:
        oi = {i for i, _, _ in o[u][8]}; ni = {i for i, _, _ in n[u][8]}
        res += len({i for i in oi - ni if i in new_ids}); per += len(oi & ni); new_p += len(ni - oi)
        deltas.append(n[u][2] - o[u][2])
        print(u, o[u][2], n[u][2], n[u][2] - o[u][2], o[u][0], n[u][0], o[u][6], n[u][6],
              'persisting', ' '.join(sorted(oi & ni)), 'resolved', ' '.join(sorted(i for i in oi - ni if i in new_ids)),
              'new', ' '.join(sorted(ni - oi)), 'dropped', ' '.join(sorted(i for i in oi if i not in new_ids)))
    deltas.sort(); k = len(deltas)
    med = deltas[k // 2] if k % 2 else (deltas[k // 2 - 1] + deltas[k // 2]) / 2
    print('resolved', res, 'persisting', per, 'new', new_p, 'rate', (D(res) / (res + per)).quantize(D('0.0001'), ROUND_HALF_UP),
          'mean', r2(sum(deltas) / k), 'median', r2(med))

if __name__ == '__main__':
    a = sys.argv[1:]
    if len(a) == 3:
        show(score(*a)[0])
    else:  # OLD_FW OLD_EV NEW_FW NEW_EV UNITS
        diff(score(a[0], a[1], a[4]), score(a[2], a[3], a[4]))
