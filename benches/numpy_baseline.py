"""numpy side of `make bench`: the same work as the Rust core, written as a competent
numpy user would (vectorised, BLAS-backed, default BLAS threads).

  numpy_baseline.py sgd <d> <N> <batch> <steps>   qf NN one-pass SGD (docs/maths.md section 7)
  numpy_baseline.py exact <d> [draws]             exact qf RF (isotropic) + NT risks (sec. 4)
                                                  over rho in {0.1,..,10}

Prints one JSON object on stdout. The SGD step samples its batch (X ~ N(0, I), b x d)
each step, exactly as the Rust step does.
"""
import json
import sys
import time

import numpy as np

RHO = [0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0]


def sgd(d, n, b, steps):
    rng = np.random.default_rng(1)
    g = rng.exponential(1.0, d)  # B = diag(g), the paper's Exp(1) spectrum
    tr_b = g.sum()
    w = rng.standard_normal((d, n)) / np.sqrt(d)
    c = 0.0
    eps = 0.02 / d
    sw, sc = eps * 4.0 / b, eps * 2.0 / b

    def step(w, c):
        x = rng.standard_normal((b, d))
        y = (x * x) @ g - tr_b
        xw = x @ w  # b x N
        r = y - np.einsum("ij,ij->i", xw, xw) - c
        w += sw * (x.T @ (r[:, None] * xw))
        return c + sc * r.sum()

    for _ in range(max(1, steps // 10)):  # warm-up, as the Rust side
        c = step(w, c)
    t = time.perf_counter()
    for _ in range(steps):
        c = step(w, c)
    secs = time.perf_counter() - t
    assert np.isfinite(c) and np.isfinite(w).all()
    return {"what": "sgd", "d": d, "n": n, "batch": b, "steps": steps, "secs": secs, "steps_per_s": steps / secs}


def neurons(rho, d):
    return int(np.floor(rho * d + 0.5))


def rf_risk_qf(g, w):
    """sigma = u^2 - 1: K = 2 G.^2 + (|w|^2-1)(|w|^2-1)^T, v_i = 2 <w_i, B w_i>."""
    gram = w.T @ w
    s = np.diag(gram) - 1.0
    k = 2.0 * gram * gram + np.outer(s, s)
    v = 2.0 * np.einsum("ij,i,ij->j", w, g, w)
    norm = 2.0 * (g * g).sum()
    lo = np.linalg.cholesky(k)
    z = np.linalg.solve(lo, v)  # a triangular solve (numpy has no dedicated one)
    return max(0.0, (norm - z @ z) / norm)


def nt_risk_qf(g, w):
    """||P B P||^2 / ||B||^2, P the projector onto span(W)^perp, Q from one QR of W."""
    d, n = w.shape
    if n >= d:
        return 0.0
    q, _ = np.linalg.qr(w)
    bq = g[:, None] * q
    qbq = q.T @ bq
    b2 = (g * g).sum()
    return max(0.0, b2 - 2.0 * (bq * bq).sum() + (qbq * qbq).sum()) / b2


def exact(d, draws):
    rng = np.random.default_rng(1)
    g = rng.exponential(1.0, d)
    t_rf = t_nt = 0.0
    check = 0.0
    points = []
    for draw in range(draws):
        for rho in RHO:
            n = neurons(rho, d)
            w = rng.standard_normal((d, n)) / np.sqrt(d)
            t0 = time.perf_counter()
            rf = rf_risk_qf(g, w)
            t1 = time.perf_counter()
            nt = nt_risk_qf(g, w)
            t2 = time.perf_counter()
            t_rf += t1 - t0
            t_nt += t2 - t1
            check += rf + nt
            if draw == 0:
                points.append({"rho": rho, "n": n, "rf": rf, "nt": nt, "rf_secs": t1 - t0, "nt_secs": t2 - t1})
    return {"what": "exact", "d": d, "draws": draws, "secs": t_rf + t_nt, "rf_secs": t_rf, "nt_secs": t_nt, "checksum": check, "points": points}


def main():
    a = sys.argv[1:]
    if a and a[0] == "sgd":
        d, n, b, steps = (int(x) for x in (a[1:5] + ["30", "15", "100", "20000"][len(a[1:5]):]))
        out = sgd(d, n, b, steps)
    elif a and a[0] == "exact":
        d = int(a[1]) if len(a) > 1 else 450
        draws = int(a[2]) if len(a) > 2 else 1
        out = exact(d, draws)
    else:
        sys.exit("usage: numpy_baseline.py sgd <d> <N> <batch> <steps> | exact <d> [draws]")
    try:
        from threadpoolctl import threadpool_info  # optional: report BLAS threads
        out["blas_threads"] = max((i.get("num_threads", 0) for i in threadpool_info()), default=None)
    except Exception:
        pass
    out["numpy"] = np.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
