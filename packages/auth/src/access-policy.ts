import { ROLES, type Role } from './roles.js';

/**
 * Where a role may exercise a right:
 * - `everywhere`: every study (ADMIN);
 * - `study`: the studies of the token (`studies` claim);
 * - `site`: the sites of the token (`sites` claim) within its studies;
 * - `listedSitesElseStudy`: the token's sites when it lists any (a hospital's own feed), else its studies;
 * - `sentByThem`: only records the user created (import reports), within the token's studies.
 */
export type ScopeKind = 'everywhere' | 'study' | 'site' | 'listedSitesElseStudy' | 'sentByThem';

export interface AccessRight {
  /** What the right lets a person do, as the README says it. */
  summary: string;
  /**
   * The schema coordinates it opens (`Type.field`, or `Type.*` for every field of a type),
   * in either subgraph. Each subgraph's graphql-shield rules are built from these.
   */
  opens: readonly string[];
  /** The roles holding the right, each with its own scope; a role not listed lacks it. */
  grants: Partial<Readonly<Record<Role, ScopeKind>>>;
  /** The FORBIDDEN message for a caller none of whose roles holds it (here). */
  refusal: string;
}

const SITE_STAFF = { INVESTIGATOR: 'site', COORDINATOR: 'site' } as const;

/**
 * Who may do what, in one place. Permissions are computed per role and per scope: a token
 * with several roles may do what each role may, each within that role's own scope, so a
 * study-wide role never widens what a site-scoped role of the same token may write or see.
 * Rendered into the README ("Who may do what"); a test keeps the two in step.
 */
export const ACCESS_POLICY = {
  readStudies: {
    summary: 'read studies and their sites',
    opens: ['Query.studies', 'Query.study', 'Study.*', 'Site.*'],
    grants: { ADMIN: 'everywhere', INVESTIGATOR: 'study', COORDINATOR: 'study', MONITOR: 'study', PARTNER: 'study' },
    refusal: 'your role may not read studies',
  },
  createStudies: {
    summary: 'create a study with its sites',
    opens: ['Mutation.createStudy'],
    grants: { ADMIN: 'everywhere' },
    refusal: 'only ADMIN may create studies',
  },
  lookUpSubjects: {
    summary: "look subjects up by number: a subject's id, number and site only",
    opens: ['Query.subjectsByNumbers', 'Subject.id', 'Subject.nodeId', 'Subject.subjectNumber', 'Subject.site'],
    grants: { ADMIN: 'everywhere', ...SITE_STAFF, MONITOR: 'study', PARTNER: 'listedSitesElseStudy' },
    refusal: 'your role may not look up subjects',
  },
  readSubjects: {
    summary: 'read subjects: study, age, sex, status, version and dates',
    opens: [
      'Query.subject',
      'Query.subjectByNumber',
      'Query.subjects',
      'Subject.study',
      'Subject.age',
      'Subject.sex',
      'Subject.status',
      'Subject.version',
      'Subject.createdAt',
      'Subject.updatedAt',
    ],
    grants: { ADMIN: 'everywhere', ...SITE_STAFF, MONITOR: 'study' },
    refusal: 'your role may not read subjects here',
  },
  readPersonalData: {
    summary: "read a subject's personal data (`name`)",
    opens: ['Subject.name'],
    grants: { ADMIN: 'everywhere', ...SITE_STAFF, MONITOR: 'study' },
    refusal: 'your role may not see personal data here',
  },
  changeSubjects: {
    summary: 'enrol, change and withdraw subjects',
    opens: ['Mutation.createSubject', 'Mutation.updateSubject', 'Mutation.withdrawSubject'],
    grants: { ADMIN: 'everywhere', ...SITE_STAFF },
    refusal: 'your role may not enrol or change subjects here',
  },
  readVitals: {
    summary: "read subjects' vital signs",
    opens: ['Subject.vitals', 'Subject.latestVitalSign', 'Subject.vitalsSummary', 'VitalSign.*'],
    grants: { ADMIN: 'everywhere', ...SITE_STAFF, MONITOR: 'study' },
    refusal: 'your role may not read vital signs here',
  },
  recordVitals: {
    summary: 'record a vital sign',
    opens: ['Mutation.recordVitalSign'],
    grants: { ADMIN: 'everywhere', ...SITE_STAFF },
    refusal: 'your role may not record vital signs here',
  },
  importVitals: {
    summary: 'import a CSV file of vital signs (rows of subjects outside the scope are refused as `UNKNOWN_SUBJECT`)',
    opens: ['Mutation.importVitals'],
    grants: { ADMIN: 'everywhere', COORDINATOR: 'site', PARTNER: 'listedSitesElseStudy' },
    refusal: 'your role may not import vital signs here',
  },
  readImportReports: {
    summary: 'read import reports and their row errors',
    opens: ['Query.vitalsImport', 'Query.vitalsImports', 'VitalsImport.*', 'ImportRowError.*'],
    grants: { ADMIN: 'everywhere', INVESTIGATOR: 'sentByThem', COORDINATOR: 'sentByThem', MONITOR: 'study', PARTNER: 'sentByThem' },
    refusal: 'your role may not read this import report',
  },
  exportVitals: {
    summary: 'export vital signs as CSV, FHIR R4 or CDISC SDTM (every export is audited)',
    opens: ['Query.vitalsExport', 'VitalsExport.*'],
    grants: { ADMIN: 'everywhere', ...SITE_STAFF, MONITOR: 'study' },
    refusal: 'your role may not export vital signs here',
  },
  readAuditTrail: {
    summary: 'read the audit trail',
    opens: ['Query.auditTrail', 'Query.exportAuditTrail', 'AuditEvent.*', 'VitalsImport.auditTrail'],
    grants: { ADMIN: 'everywhere', MONITOR: 'study' },
    refusal: 'only ADMIN and MONITOR may read the audit trail',
  },
} as const satisfies Record<string, AccessRight>;

export type RightName = keyof typeof ACCESS_POLICY;

export const RIGHT_NAMES = Object.keys(ACCESS_POLICY) as RightName[];

/**
 * Open to every signed-in caller: the entry points that find a record by id, whatever its type
 * (federation's `_entities` and Relay's `node`: each type's resolver applies its own right's
 * scope, NOT_FOUND or null outside it, and each field its right), and the page and edge types
 * that only carry rows another right already filtered.
 */
export const SIGNED_IN_COORDINATES: readonly string[] = [
  'Query._entities',
  'Query._service',
  'Query.node',
  '_Service.*',
  'PageInfo.*',
  'SubjectConnection.*',
  'SubjectEdge.*',
  'AuditEventConnection.*',
  'AuditEventEdge.*',
  'VitalSignConnection.*',
  'VitalSignEdge.*',
  'VitalsImportConnection.*',
  'VitalsImportEdge.*',
  'ImportRowErrorConnection.*',
  'ImportRowErrorEdge.*',
  'VitalsSummary.*',
  'MeasureSummary.*',
];

/** The right that opens a schema coordinate: its own entry first, then its type's `*`; undefined when none does. */
export function rightOpening(typeName: string, fieldName: string): RightName | 'signedIn' | undefined {
  return COORDINATE_INDEX.get(`${typeName}.${fieldName}`) ?? COORDINATE_INDEX.get(`${typeName}.*`);
}

const COORDINATE_INDEX: ReadonlyMap<string, RightName | 'signedIn'> = (() => {
  const index = new Map<string, RightName | 'signedIn'>();
  const add = (coordinate: string, right: RightName | 'signedIn') => {
    const taken = index.get(coordinate);
    if (taken) throw new Error(`the access policy opens ${coordinate} twice (${taken} and ${right})`);
    index.set(coordinate, right);
  };
  for (const coordinate of SIGNED_IN_COORDINATES) add(coordinate, 'signedIn');
  for (const right of RIGHT_NAMES) for (const coordinate of ACCESS_POLICY[right].opens) add(coordinate, right);
  return index;
})();

/** Roles that act at the sites their token lists: those the table grants some right at `site` scope. */
export const SITE_SCOPED_ROLES: readonly Role[] = ROLES.filter((role) =>
  RIGHT_NAMES.some((right) => (ACCESS_POLICY[right].grants as Partial<Record<Role, ScopeKind>>)[role] === 'site'),
);
