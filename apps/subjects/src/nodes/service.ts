import { studyInScope } from '@trialgraph/auth';
import { NotFoundError, parseId, parseNodeId } from '@trialgraph/graphql-kit';
import type { SubjectsContext } from '../context.js';
import type { SiteRow, StudyRow, SubjectRow } from '../db/schema.js';
import { requireStudy } from '../studies/service.js';
import { resolveSubjectReference } from '../subjects/service.js';

/** A record `node(id:)` found, tagged with its type so the Node interface can tell which it is. */
export type FoundNode =
  | (StudyRow & { __typename: 'Study' })
  | (SiteRow & { __typename: 'Site' })
  | (SubjectRow & { __typename: 'Subject' })
  | { __typename: 'VitalSign' | 'VitalsImport'; id: string };

/**
 * The record of a global id. This subgraph owns `node`: it checks its own types against the
 * caller's scope here (NOT_FOUND outside it, exactly like an unknown id), and hands back a
 * reference for the types vitals owns, whose reference resolvers apply the same rule there.
 */
export async function findNode(context: SubjectsContext, nodeId: string): Promise<FoundNode> {
  const { type, id } = parseNodeId(nodeId);
  switch (type) {
    case 'Study':
      return { ...(await requireStudy(context, id, 'id')), __typename: type };
    case 'Site':
      return { ...(await requireSite(context, id)), __typename: type };
    case 'Subject': {
      const subject = await resolveSubjectReference(context, parseId(id, 'id'));
      if (!subject) throw new NotFoundError(`No subject with id ${id}`);
      return { ...subject, __typename: type };
    }
    case 'VitalSign':
    case 'VitalsImport':
      return { __typename: type, id };
  }
}

/** A site of a study the caller acts in, or NOT_FOUND. */
async function requireSite(context: SubjectsContext, id: string): Promise<SiteRow> {
  const site = await context.loaders.siteById.load(parseId(id, 'id'));
  if (!site || !studyInScope(context.access.scope('readStudies'), site.studyId)) throw new NotFoundError(`No site with id ${id}`);
  return site;
}

/** For federation: a site of a study the caller acts in, else null (as for an unknown id). */
export async function resolveSiteReference(context: SubjectsContext, id: string): Promise<SiteRow | null> {
  try {
    return await requireSite(context, id);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
