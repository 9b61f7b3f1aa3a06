# Reference values for stats.test.ts, computed with mpmath (arbitrary precision; Debian python3-mpmath 1.2.1,
# run with /usr/bin/python3 test/unit/sslmem/stats-reference.py). scipy is not installed on this machine.
# Two-sided Student t p-value: p = I_{df/(df+t^2)}(df/2, 1/2) (regularised incomplete beta, mpmath.betainc
# with regularized=True), cross-checked against direct numerical integration of the t density (mpmath.quad).
import json
import mpmath as mp

mp.mp.dps = 40

def t_two_sided(t, df):
    t, df = mp.mpf(t), mp.mpf(df)
    via_beta = mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + t * t), regularized=True)
    density = lambda x: mp.gamma((df + 1) / 2) / (mp.sqrt(df * mp.pi) * mp.gamma(df / 2)) * (1 + x * x / df) ** (-(df + 1) / 2)
    via_quad = 2 * mp.quad(density, [abs(t), mp.inf])
    assert abs(via_beta - via_quad) < mp.mpf(10) ** -25 * max(1, via_beta), (t, df)
    return via_beta

def welch(a, b):
    a, b = [mp.mpf(x) for x in a], [mp.mpf(x) for x in b]
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a) / (len(a) - 1) / len(a)
    vb = sum((x - mb) ** 2 for x in b) / (len(b) - 1) / len(b)
    t = (ma - mb) / mp.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    return {'t': float(t), 'df': float(df), 'p': float(t_two_sided(t, df))}

t_cases = [[2.228138851986274, 10], [0.5, 3], [3.5, 7.3], [10, 1], [0.001, 50], [-1.7, 2.5], [8, 200], [25, 60]]
beta_cases = [[0.3, 2, 3], [0.9, 0.5, 0.5], [0.01, 5, 0.5], [0.7, 30, 40], [0.999, 2.5, 7]]
A = [0.12, 0.35, 0.08, 0.51, 0.27, 0.33, 0.19]
B = [0.02, -0.05, 0.11, 0.04, -0.01, 0.07, 0.0, 0.03, -0.02, 0.06]
print(json.dumps({
    't': [[t, df, float(t_two_sided(t, df))] for t, df in t_cases],
    'beta': [[x, a, b, float(mp.betainc(a, b, 0, x, regularized=True))] for x, a, b in beta_cases],
    'lgamma': [[x, float(mp.loggamma(x))] for x in [0.5, 1, 3.7, 10, 171.3]],
    'welch': {'A': A, 'B': B, **welch(A, B)},
}, indent=1))
