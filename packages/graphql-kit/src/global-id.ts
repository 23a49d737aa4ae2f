import { fromGlobalId, toGlobalId } from 'graphql-relay';
import { BadUserInputError } from './errors.js';

/** The types `node(id:)` refetches; each subgraph resolves its own. */
export const NODE_TYPES = ['Study', 'Site', 'Subject', 'VitalSign', 'VitalsImport'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

const isNodeType = (type: string): type is NodeType => (NODE_TYPES as readonly string[]).includes(type);

/**
 * A Relay global id, graphql-relay's encoding (base64 of `Type:id`): the type travels in the id,
 * so `node(id:)` knows which record, and which subgraph owns it, without a lookup.
 */
export function toNodeId(type: NodeType, id: string | number): string {
  return toGlobalId(type, String(id));
}

/** The type and record id of a global id; BAD_USER_INPUT for anything `toNodeId` did not make. */
export function parseNodeId(nodeId: string, field = 'id'): { type: NodeType; id: string } {
  const { type, id } = fromGlobalId(nodeId);
  if (isNodeType(type) && id !== '') return { type, id };
  const shown = nodeId.length > 60 ? `${nodeId.slice(0, 60)}…` : nodeId;
  throw new BadUserInputError(`${field} "${shown}" is not a global id: pass the nodeId of a ${NODE_TYPES.join(', ')}`, { field });
}
