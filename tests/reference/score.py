#!/usr/bin/env python3
"""An independent scorer for the shipped examples, written apart from the
Rust code so the figures the tests assert for examples/*.csv are checked
against a second implementation of the documented rules (docs/framework.md) (exact decimals, half-up at
each indicator and once after rescaling).

    python3 tests/reference/score.py indicators/ideology-2023.toml examples/2023.csv examples/units.csv
    python3 tests/reference/score.py indicators/ideology-2022.toml examples/2022.csv \
        indicators/ideology-2023.toml examples/2023.csv examples/units.csv

prints `rank unit score base bonus penalty grade veto` per unit (grades after
the cap items and a quota counted over all units) and, per
unit, the rectification items (base shortfalls ≥ min_rectify, missing,
penalties, vetoes); given two periods, what `diff` counts. Only what the
built-in frameworks use is implemented, and the cohort, category and rater rules:

    python3 tests/reference/score.py --lines FW.toml UNITS.csv EVIDENCE.csv... [--self SELF.csv...]

prints one line per unit as tests/it/oracle.rs reads kaohe's JSON result
(cohort rules rank_points, relative and vs_mean, within a category or not;
applies_to; by_category; raters; a self-assessment scored as a run of its
own). Evidence for it is long CSV: unit, indicator, value and, for rater
items, rater.
"""
import csv, sys, tomllib, unicodedata
from decimal import Decimal as D, ROUND_HALF_UP
from fractions import Fraction as F

def r2(x): return r2f(x) if isinstance(x, F) else x.quantize(D('0.01'), rounding=ROUND_HALF_UP)
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
        return F(P) * min(F(v) / F(tg), F(1))
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
        if sum(n) == 0: return None  # no votes: missing
        return F(P) * F(sum(a * b for a, b in zip(n, w))) / (100 * F(sum(n)))
    raise ValueError(t)

def r2f(x):
    """Half-up (away from zero) to cents of an exact fraction, as a Decimal."""
    x = F(x); c = (abs(x) * 100 + F(1, 2)).__floor__()
    return (D(c if x >= 0 else -c) / 100).quantize(D('0.01'))

def triggered(v):
    return bool(v) and (v.lower() in YES or (v.lower() not in NO and D(v) > 0))

COHORT = ('rank_points', 'relative', 'vs_mean')
RATER_HEADERS = ('rater', '评分人', '考核人', '评委')

def read_evidence(paths):
    """(unit, key) -> value, and (unit, key) -> [(rater, value)] in file order."""
    ev, rated = {}, {}
    for path in paths:
        for r in csv.DictReader(open(path, encoding='utf-8-sig')):
            r = {k.strip().lower(): (v or '') for k, v in r.items()}
            rater = next((r[h] for h in RATER_HEADERS if h in r), '').strip()
            key = (r['unit'], r['indicator'])
            # Full-width digits, slashes and signs read as ordinary ones.
            value = unicodedata.normalize('NFKC', r['value'])
            if rater: rated.setdefault(key, []).append((rater, value))
            else: ev[key] = value
    return ev, rated

def rule_for(ind, cat):
    """The rule with the unit's category's parameters (by_category)."""
    r = dict(ind['rule']); over = r.pop('by_category', {})
    r.update(over.get(cat, {}))
    return r

def aggregate(how, amounts):
    """Raters: (the raters' aggregate, exact; the amounts dropped)."""
    a = sorted(amounts); k = len(a)
    if how == 'mean': return F(sum(a)) / k, []
    if how == 'median':
        return (F(a[k // 2]) if k % 2 else F(a[k // 2 - 1] + a[k // 2]) / 2), []
    d = how.get('drop', 0); m = how.get('min_raters', 2 * d + 1)
    if k < m or d == 0: return F(sum(a)) / k, []
    kept = a[d:k - d]
    return F(sum(kept)) / len(kept), a[:d] + a[k - d:]

def cohort_amount(ind, r, v, scope):
    """Cohort rules: the amount of value v among the scope's values, and the
    facts an explanation gives (v, n, rank, max, mean)."""
    P = F(D(str(ind['points']))); t = r['type']
    asc = r.get('order', 'desc') == 'asc'
    rank = 1 + sum(1 for w in scope if (w < v if asc else w > v))
    top = max(scope); mean = F(sum(scope)) / len(scope)
    if t == 'rank_points':
        pts = r['points']
        a = F(D(str(pts[rank - 1] if rank <= len(pts) else r.get('rest', 0))))
    elif t == 'relative':
        a = F(0) if top == 0 else P * v / top
    else:
        key = 'above' if v > mean else 'equal' if v == mean else 'below'
        a = F(D(str(r.get(key, ind['points'] if key == 'above' else 0))))
    return a, (v, len(scope), rank, top, mean)

def score(fw_path, ev_paths, units_path, facts=None):
    """Per unit in rank order: (rank, unit, score, base, bonus, penalty, grade,
    vetoes, items, category, category_rank). With `facts` (a dict), also
    (unit, indicator) -> (amount or None, status, cohort facts, raters dropped)."""
    fw = tomllib.load(open(fw_path, 'rb'))
    h = fw['framework']; total = D(str(h['total']))
    inds = fw['indicator']
    units = [r for r in csv.DictReader(open(units_path, encoding='utf-8-sig'))]
    cat = {u['unit']: u.get('category', '') for u in units}
    ev, rated = read_evidence([ev_paths] if isinstance(ev_paths, str) else ev_paths)

    def applies(ind, uid):  # applies_to
        return 'applies_to' not in ind or cat[uid] in ind['applies_to']

    # Cohort rules: every unit's value of each cohort item first. The scope:
    # the units with a number (vetoed or not), all or of the unit's category.
    values = {}
    for ind in inds:
        if ind.get('kind', 'base') in ('veto', 'cap') or ind['rule']['type'] not in COHORT: continue
        vs = values[ind['id']] = {}
        for u in units:
            x = ev.get((u['unit'], ind['id']), '').strip()
            if applies(ind, u['unit']) and x and x.lower() not in NA:
                vs[u['unit']] = F(num(x))

    out = []
    for u in units:
        uid = u['unit']; base = D(0); appl = D(0); bonus = D(0); pen = D(0); veto = []; items = []; caps = []
        for ind in inds:
            kind = ind.get('kind', 'base'); iid = ind['id']
            if kind == 'cap':
                t = triggered(ev.get((uid, iid), '').strip())
                if t: caps.append(ind['max_grade']); items.append((iid, None, 'cap'))
                if facts is not None: facts[(uid, iid)] = (None, 'triggered' if t else 'clear', None, None)
                continue
            if kind == 'veto':
                t = triggered(ev.get((uid, iid), '').strip())
                if t: veto.append(iid); items.append((iid, None, 'veto'))
                if facts is not None: facts[(uid, iid)] = (None, 'triggered' if t else 'clear', None, None)
                continue
            r = rule_for(ind, cat[uid]); P = D(str(ind['points']))
            cohort = dropped = None
            if not applies(ind, uid):
                a = 'na'
            elif 'raters' in ind:
                vals = [x.strip() for _, x in rated.get((uid, iid), [])]
                # A rater whose value gives no amount (empty, 不适用, a
                # survey without votes) is left out; 不适用 from every rater
                # exempts the item, and without any amount it is missing.
                each = [amount(dict(ind, rule=r), [x]) for x in vals if x and x.lower() not in NA]
                each = [r2(x) for x in each if x is not None]
                if vals and all(x.lower() in NA for x in vals): a = 'na'
                elif not each: a = None
                else:
                    agg, dropped = aggregate(ind['raters'], each)
                    a = r2f(agg)
            elif r['type'] in COHORT:
                x = ev.get((uid, iid), '').strip()
                if x.lower() in NA: a = 'na'
                elif uid not in values[iid]: a = None
                else:
                    v = values[iid][uid]
                    scope = [w for o, w in values[iid].items()
                             if r.get('within') != 'category' or cat[o] == cat[uid]]
                    exact, cohort = cohort_amount(ind, r, v, scope)
                    a = r2f(exact)
            else:
                if r['type'] == 'clauses':
                    keys = [f"{iid}/{c['id']}" for c in r['clauses']]
                else:
                    keys = [iid]
                vals = [ev.get((uid, k), '').strip() for k in keys]
                if any(x.lower() in NA for x in vals): a = 'na'
                else:
                    a = None if any(x == '' for x in vals) else amount(dict(ind, rule=r), vals)
                    if a is not None: a = r2(a)
            if a == 'na':
                if facts is not None: facts[(uid, iid)] = (None, 'exempt', None, None)
                continue
            if kind == 'base':
                appl += P; base += a or D(0)
                minr = D(str(ind.get('min_rectify', h.get('min_rectify', 0))))
                if a is None: items.append((iid, P, 'missing'))
                elif a < P and P - a >= minr: items.append((iid, P - a, 'shortfall'))
                status = 'missing' if a is None else 'met' if a == P else 'failed' if a == 0 else 'partial'
            elif kind == 'bonus':
                bonus += a or D(0)
                status = 'triggered' if a else 'clear'
            elif kind == 'penalty':
                pen += a or D(0)
                if a: items.append((iid, a, 'penalty'))
                status = 'triggered' if a else 'clear'
            if facts is not None: facts[(uid, iid)] = (a or D(0), status, cohort, dropped)
        b = r2(base) if appl == total else r2(base * total / appl)
        bo, pe = bonus, pen
        if 'bonus_cap' in h: bo = min(bo, D(str(h['bonus_cap'])))
        if 'penalty_cap' in h: pe = min(pe, D(str(h['penalty_cap'])))
        bo = r2(bo); pe = r2(pe)
        s = r2(max(b + bo - pe, D(0)))
        grades = fw['grade']
        names = [x['name'] for x in grades]
        g = len(grades) - 1 if veto else next(k for k, x in enumerate(grades) if D(str(x['min'])) <= s)
        for c in caps:  # 被问责的不得评为好: at best the cap's grade
            g = max(g, names.index(c))
        out.append((bool(veto), -s, uid, s, b, bo, pe, g, veto, items, cat[uid]))
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
    # 分类排名: the same competition ranks within each category.
    crank = {}
    for c in {o[10] for o in out}:
        mine = [o for o in out if o[10] == c]
        for i, o in enumerate(mine):
            if i == 0 or (o[0], o[1]) != (mine[i-1][0], mine[i-1][1]): k = i + 1
            crank[o[2]] = k
    ranked = [r + (crank[r[1]],) for r in ranked]
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

def lines(fw_path, units_path, ev_paths, self_paths=()):
    """One line per unit in rank order, as tests/it/oracle.rs writes kaohe's
    JSON result: totals, then per item amount and status (cohort items:
    scope size, rank, max and mean to cents, `=` or `~` for an exact mean;
    rater items: the amounts dropped), then the deficiencies; with
    self-assessment files, the self score and gap and each self amount."""
    facts = {}
    ranked, _ = score(fw_path, ev_paths, units_path, facts)
    selves = {}
    if self_paths:
        sfacts = {}
        sranked, _ = score(fw_path, list(self_paths), units_path, sfacts)
        given = {u for p in self_paths for u, _ in [k for d in read_evidence([p]) for k in d]}
        selves = {r[1]: (r[2], sfacts) for r in sranked if r[1] in given}
    fw = tomllib.load(open(fw_path, 'rb'))
    c2 = lambda x: f"{r2f(x):.2f}"
    for r in ranked:
        uid = r[1]
        line = f"{uid} rank {r[0]} cat {r[10]} base {r[3]:.2f} bonus {r[4]:.2f} penalty {r[5]:.2f} score {r[2]:.2f} grade {r[6]} veto {','.join(r[7]) or '-'}"
        if uid in selves:
            line += f" self {selves[uid][0]:.2f} gap {selves[uid][0] - r[2]:.2f}"
        for ind in fw['indicator']:
            a, status, cohort, dropped = facts[(uid, ind['id'])]
            line += f" | {ind['id']} {'null' if a is None else f'{a:.2f}'} {status}"
            if cohort:
                v, n, rank, top, mean = cohort
                line += f" c {c2(v)} {n} {rank} {c2(top)} {c2(mean)}{'=' if r2f(mean) == mean else '~'}"
            if dropped is not None:
                line += ' d ' + (','.join(f'{x:.2f}' for x in dropped) or '-')
            if uid in selves:
                sa = selves[uid][1][(uid, ind['id'])][0]
                line += f" s {'null' if sa is None else f'{sa:.2f}'}"
        for iid, lost, reason in r[8]:
            line += f" | ! {iid} {'null' if lost is None else f'{lost:.2f}'} {reason}"
        print(line)

if __name__ == '__main__':
    a = sys.argv[1:]
    if a and a[0] == '--lines':  # --lines FW UNITS EVIDENCE... [--self SELF...]
        k = a.index('--self') if '--self' in a else len(a)
        lines(a[1], a[2], a[3:k], a[k + 1:])
    elif len(a) == 3:
        show(score(*a)[0])
    else:  # OLD_FW OLD_EV NEW_FW NEW_EV UNITS
        diff(score(a[0], a[1], a[4]), score(a[2], a[3], a[4]))
