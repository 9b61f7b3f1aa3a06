# Float64 reference for whole-scores.test.ts (numpy; run by the test with the system python3 when numpy is
# there). Reads {losses: [m][n], masks: [n], control: [c], fdr, normalisation} on stdin, writes the expected
# L_in, L_out, their standard errors, score, score s.e., p-values, BH q-values on stdout. Written from the
# method's definitions, independently of the TypeScript (no shared code).
import json, sys
import numpy as np

inp = json.load(sys.stdin)
L = np.array(inp['losses'], dtype=np.float64)           # m x n
m, n = L.shape
masks = np.array(inp['masks'], dtype=np.int64)
member = ((masks[None, :] >> np.arange(m)[:, None]) & 1).astype(bool)  # m x n
lin = np.array([L[member[:, i], i].mean() for i in range(n)])
lout = np.array([L[~member[:, i], i].mean() for i in range(n)])
se_in = np.array([L[member[:, i], i].std(ddof=1) / np.sqrt(m / 2) for i in range(n)])
se_out = np.array([L[~member[:, i], i].std(ddof=1) / np.sqrt(m / 2) for i in range(n)])
raw = lout - lin
norm = inp['normalisation']
if norm == 'symmetric':
    score = raw / (lout + lin)
    # delta method: d/d lout = 2 lin/(sum^2), d/d lin = -2 lout/(sum^2)
    se = np.sqrt((2 * lin / (lout + lin) ** 2 * se_out) ** 2 + (2 * lout / (lout + lin) ** 2 * se_in) ** 2)
elif norm == 'range':
    spread = raw.max() - raw.min()
    score = raw / spread
    se = np.sqrt(se_in ** 2 + se_out ** 2) / spread
else:
    score = raw
    se = np.sqrt(se_in ** 2 + se_out ** 2)
control = np.array(inp['control'], dtype=np.int64)
is_control = np.zeros(n, bool); is_control[control] = True
p = np.empty(n)
for i in range(n):
    others = score[control[control != i]]
    p[i] = (1 + np.sum(others >= score[i])) / (1 + len(others))
scored = np.flatnonzero(~is_control)
ps = p[scored]
order = np.argsort(ps, kind='stable')
k = len(ps)
adj = ps[order] * k / np.arange(1, k + 1)
adj = np.minimum.accumulate(adj[::-1])[::-1]
q = np.full(n, np.nan)
q[scored[order]] = np.minimum(adj, 1)
memorized = int(np.sum(q[scored] <= inp['fdr']))
# BH by its definition, as a second check of the step-up: the largest r with p_(r) <= r*fdr/k.
sorted_p = np.sort(ps)
ok = np.flatnonzero(sorted_p <= np.arange(1, k + 1) * inp['fdr'] / k)
assert memorized == (ok[-1] + 1 if len(ok) else 0)
nan = lambda a: [None if np.isnan(x) else float(x) for x in a]
json.dump({'lin': nan(lin), 'lout': nan(lout), 'se_in': nan(se_in), 'se_out': nan(se_out), 'score': nan(score),
           'se': nan(se), 'p': nan(p), 'q': nan(q), 'memorized': memorized}, sys.stdout)
