import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadServiceModel, wireError, WIRE_ERROR_CODES, type ServiceId } from '../../src/protocol/index.js';

describe('wire-errors table', () => {
  it('covers the per-protocol renames', () => {
    assert.deepEqual(wireError('ERR_ACCESS_DENIED', 'query'), { code: 'AccessDenied', status: 403, type: 'Sender' });
    assert.deepEqual(wireError('ERR_ACCESS_DENIED', 'ec2'), { code: 'UnauthorizedOperation', status: 403, type: 'Sender' });
    assert.deepEqual(wireError('ERR_ACCESS_DENIED', 'json'), { code: 'AccessDeniedException', status: 400, type: 'Sender' });
    assert.equal(wireError('ERR_VALIDATION', 'query').code, 'ValidationError');
    assert.equal(wireError('ERR_VALIDATION', 'ec2').code, 'InvalidParameterValue');
    assert.equal(wireError('ERR_VALIDATION', 'json').code, 'InvalidInputException');
    assert.deepEqual(wireError('ERR_INTERNAL', 'query'), { code: 'InternalFailure', status: 500, type: 'Receiver' });
  });

  it('agrees with the error shapes of the models (code and HTTP status)', () => {
    const services: Array<[ServiceId, 'query' | 'ec2' | 'json']> = [['iam', 'query'], ['sts', 'query'], ['organizations', 'json']];
    let checked = 0;
    for (const [svc, proto] of services) {
      const model = loadServiceModel(svc);
      const byCode = new Map<string, number>();
      for (const [name, s] of Object.entries(model.shapes)) if (s.exception && s.error?.httpStatusCode !== undefined) byCode.set(s.error.code ?? name, s.error.httpStatusCode);
      for (const code of WIRE_ERROR_CODES) {
        const w = wireError(code, proto);
        const status = byCode.get(w.code);
        if (status === undefined) continue;
        assert.equal(w.status, status, `${svc} ${code} → ${w.code}`);
        checked++;
      }
    }
    assert.ok(checked >= 15, `checked ${checked}`);
  });
});
