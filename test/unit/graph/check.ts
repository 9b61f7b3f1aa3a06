// Shared registration for op tests: each case gets a float64 finite-difference test and an onnxruntime
// parity test (forward + backward in float32 against the float64 reference).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpCase, gradcheck, ortParity } from '../../helpers/gradcheck';

export interface Tolerances {
  grad?: number;
  ort?: number;
  noGrad?: boolean;
}

export function checkOps(cases: Record<string, OpCase & Tolerances>): void {
  for (const [name, c] of Object.entries(cases)) {
    if (!c.noGrad) {
      test(`${name}: VJP matches central differences (float64)`, () => {
        const err = gradcheck(c);
        assert.ok(err < (c.grad ?? 1e-6), `${name}: rel err ${err}`);
      });
    }
    test(`${name}: onnxruntime float32 matches the float64 reference`, async () => {
      const err = await ortParity(c, !c.noGrad);
      assert.ok(err < (c.ort ?? 1e-4), `${name}: rel err ${err}`);
    });
  }
}
