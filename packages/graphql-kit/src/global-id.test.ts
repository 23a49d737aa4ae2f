import { describe, expect, it } from 'vitest';
import { parseNodeId, toNodeId } from './global-id.js';

describe('global ids', () => {
  it('carry the type and the record id, opaquely', () => {
    const nodeId = toNodeId('VitalSign', 42);
    expect(nodeId).not.toContain('42');
    expect(parseNodeId(nodeId)).toEqual({ type: 'VitalSign', id: '42' });
  });

  it.each([
    ['garbage', 'not-a-global-id'],
    ['an id of a type node cannot refetch', Buffer.from('AuditEvent:1').toString('base64')],
    ['a bare UUID', '6f1c1c9e-8a4b-4b8e-9a53-1f2a3b4c5d6e'],
  ])('refuses %s with BAD_USER_INPUT', (_label, nodeId) => {
    expect(() => parseNodeId(nodeId)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'id' }) }));
  });
});
