import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { StudyRow, SiteRow, SubjectRow, AuditEventRow } from '../db/schema.js';
import type { SubjectsContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in time, ISO 8601; always returned in UTC, e.g. 2026-03-01T08:30:00.000Z */
  DateTime: { input: Date | string; output: Date | string; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** One recorded change: append-only, the database refuses to alter or remove it. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** What happened: CREATE, UPDATE, WITHDRAW for subjects; IMPORT_STARTED, IMPORT_FINISHED for imports; CREATE for readings and studies; EXPORT_STARTED, EXPORT_FINISHED for an export of a study's readings (entityType Study, the export's format, subjectId, window and readings in newValue). */
  action: Scalars['String']['output'];
  /** The user (token subject) who made the change. */
  actor: Scalars['String']['output'];
  /** When the change was made. */
  at: Scalars['DateTime']['output'];
  /** The id of the record changed. */
  entityId: Scalars['ID']['output'];
  /** The kind of record changed: Study, Subject, VitalSign or VitalsImport. */
  entityType: Scalars['String']['output'];
  /** The field changed; null for an event about the whole entity. */
  field?: Maybe<Scalars['String']['output']>;
  /** The value after the change; for a created record or an import, its values as JSON. */
  newValue?: Maybe<Scalars['String']['output']>;
  /** The field's value before the change; null for a new record or a whole-entity event. */
  oldValue?: Maybe<Scalars['String']['output']>;
  /** Why the change was made, as the user gave it; null when none was asked for. */
  reason?: Maybe<Scalars['String']['output']>;
};

/** A page of audit events (Relay cursor connection). */
export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  /** The events of this page, oldest first. */
  edges: Array<AuditEventEdge>;
  /** Where this page lies in the list. */
  pageInfo: PageInfo;
  /** How many events the entity has, across all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One audit event of a page, with its place in the list. */
export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  /** Opaque: pass it as after to get the events that follow this one. */
  cursor: Scalars['String']['output'];
  /** The event. */
  node: AuditEvent;
};

/** A site to create with its study. */
export type CreateSiteInput = {
  /** 1 to 10 letters, digits or dashes; unique within the study. */
  code: Scalars['String']['input'];
  /** Name of the hospital or clinic, 1 to 200 characters. */
  name: Scalars['String']['input'];
};

/** A new study and its sites. */
export type CreateStudyInput = {
  /** 2 to 12 letters, digits or dashes; unique. */
  code: Scalars['String']['input'];
  /** Full name of the study, 1 to 200 characters. */
  name: Scalars['String']['input'];
  /** Its sites; at least one. */
  sites: Array<CreateSiteInput>;
};

/** A person to enrol; the server assigns the subject number. */
export type CreateSubjectInput = {
  /** Whole years, 1 to 130. */
  age: Scalars['Int']['input'];
  /** Personal data, optional; 1 to 200 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Sex as recorded. */
  sex: Sex;
  /** The enrolling site, one of the study's sites (and of yours, for site-scoped roles). */
  siteId: Scalars['ID']['input'];
  /** The study to enrol into. */
  studyId: Scalars['ID']['input'];
};

/** What clients may change. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Creates a study with its sites. ADMIN only; CONFLICT when the code is taken. */
  createStudy: Study;
  /** Assigns the next subject number of the study; the subject starts in SCREENING. */
  createSubject: Subject;
  /** Refused with CONFLICT when expectedVersion is not the subject's current version. */
  updateSubject: Subject;
  /** Moves an ENROLLED subject to WITHDRAWN; the record is kept. */
  withdrawSubject: Subject;
};


/** What clients may change. */
export type MutationCreateStudyArgs = {
  input: CreateStudyInput;
};


/** What clients may change. */
export type MutationCreateSubjectArgs = {
  input: CreateSubjectInput;
};


/** What clients may change. */
export type MutationUpdateSubjectArgs = {
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
  input: UpdateSubjectInput;
  reason: Scalars['String']['input'];
};


/** What clients may change. */
export type MutationWithdrawSubjectArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};

/**
 * An object that node(id:) refetches by its global id (Relay's Global Object Identification, with
 * the id in nodeId: set nodeInterfaceIdField to nodeId in a Relay compiler's schemaConfig).
 */
export type Node = {
  /** Global id: opaque, unique across every type; pass it to node(id:). The object's own id stays in id. */
  nodeId: Scalars['ID']['output'];
};

/** Where a page lies in its list (Relay cursor connections). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the page's last item; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether more items follow this page: ask again with after set to endCursor. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether items come before this page (true when it was asked with after). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The cursor of the page's first item; null when the page is empty. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** What clients may read. */
export type Query = {
  __typename?: 'Query';
  /** Every recorded change of a study or subject, oldest first. ADMIN and MONITOR only. first: at most 500. */
  auditTrail: AuditEventConnection;
  /**
   * The Study, Site, Subject, VitalSign or VitalsImport with this global id (a nodeId). NOT_FOUND
   * when it does not exist or lies outside what you may read, as for the type's own query;
   * FORBIDDEN when your role may not read that type at all; BAD_USER_INPUT for a string that is
   * not a nodeId.
   */
  node?: Maybe<Node>;
  /** The studies you act in, in code order. first: at most 500. */
  studies: Array<Study>;
  /** One study; NOT_FOUND when it does not exist or you do not act in it. */
  study?: Maybe<Study>;
  /** One subject; NOT_FOUND when it does not exist or lies outside your scope (another site's subject reads as unknown). */
  subject?: Maybe<Subject>;
  /** One subject by its number within a study; NOT_FOUND when there is none in your scope. */
  subjectByNumber?: Maybe<Subject>;
  /** Subjects of a study in enrolment order, only those in your scope. first: at most 500. */
  subjects: SubjectConnection;
  /** Many subjects of a study by number in one call (at most 5000 numbers); numbers that match no subject are left out. */
  subjectsByNumbers: Array<Subject>;
};


/** What clients may read. */
export type QueryAuditTrailArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  entityId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** What clients may read. */
export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


/** What clients may read. */
export type QueryStudiesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** What clients may read. */
export type QueryStudyArgs = {
  id: Scalars['ID']['input'];
};


/** What clients may read. */
export type QuerySubjectArgs = {
  id: Scalars['ID']['input'];
};


/** What clients may read. */
export type QuerySubjectByNumberArgs = {
  studyId: Scalars['ID']['input'];
  subjectNumber: Scalars['String']['input'];
};


/** What clients may read. */
export type QuerySubjectsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  siteId?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<SubjectStatus>;
  studyId: Scalars['ID']['input'];
};


/** What clients may read. */
export type QuerySubjectsByNumbersArgs = {
  studyId: Scalars['ID']['input'];
  subjectNumbers: Array<Scalars['String']['input']>;
};

/** A subject's sex as recorded at enrolment. */
export type Sex =
  /** Female. */
  | 'FEMALE'
  /** Male. */
  | 'MALE'
  /** Recorded, but neither female nor male. */
  | 'OTHER'
  /** Not known or not disclosed. */
  | 'UNKNOWN';

/** A hospital or clinic that enrols subjects into a study. */
export type Site = Node & {
  __typename?: 'Site';
  /** Short code used in subject numbers, e.g. S01. */
  code: Scalars['String']['output'];
  /** The site's id (a UUID); site-scoped tokens list these in their sites claim. */
  id: Scalars['ID']['output'];
  /** Name of the hospital or clinic. */
  name: Scalars['String']['output'];
  /** Global id, for node(id:) and Relay; opaque. */
  nodeId: Scalars['ID']['output'];
  /** The study the site enrols into. */
  study: Study;
};

/** A clinical study: the unit that subject numbers are unique within. */
export type Study = Node & {
  __typename?: 'Study';
  /** Short code used in subject numbers, e.g. CARD01. */
  code: Scalars['String']['output'];
  /** When the study was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The study's id (a UUID); pass it as studyId to the queries and mutations that take one. */
  id: Scalars['ID']['output'];
  /** Full name of the study, as shown to people. */
  name: Scalars['String']['output'];
  /** Global id, for node(id:) and Relay; opaque. */
  nodeId: Scalars['ID']['output'];
  /** Every site of the study, in code order. Visible to every role that may read the study. */
  sites: Array<Site>;
};

/** A person taking part in a study. */
export type Subject = Node & {
  __typename?: 'Subject';
  /** Age in whole years at enrolment, 1 to 130. */
  age: Scalars['Int']['output'];
  /** When the subject was enrolled. */
  createdAt: Scalars['DateTime']['output'];
  /** The subject's id (a UUID). */
  id: Scalars['ID']['output'];
  /**
   * Personal data: ADMIN, and INVESTIGATOR, COORDINATOR and MONITOR within their scope, get it;
   * others get null with a FORBIDDEN error. Null also when it was never recorded.
   */
  name?: Maybe<Scalars['String']['output']>;
  /** Global id, for node(id:) and Relay; opaque. */
  nodeId: Scalars['ID']['output'];
  /** Sex as recorded. */
  sex: Sex;
  /** The site that enrolled the subject. */
  site: Site;
  /** Where the subject stands in the study; see SubjectStatus for the allowed moves. */
  status: SubjectStatus;
  /** The study the subject takes part in. */
  study: Study;
  /** Assigned by the server: <STUDY CODE>-<SITE CODE>-<sequence within the study, 4 digits>, e.g. CARD01-S01-0007. */
  subjectNumber: Scalars['String']['output'];
  /** When the subject last changed (equal to createdAt until the first change). */
  updatedAt: Scalars['DateTime']['output'];
  /** Increments with every change; pass it back as expectedVersion to update. */
  version: Scalars['Int']['output'];
};

/** A page of subjects (Relay cursor connection). */
export type SubjectConnection = {
  __typename?: 'SubjectConnection';
  /** The subjects of this page, in enrolment order. */
  edges: Array<SubjectEdge>;
  /** Where this page lies in the list. */
  pageInfo: PageInfo;
  /** How many subjects match the filters, across all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One subject of a page, with its place in the list. */
export type SubjectEdge = {
  __typename?: 'SubjectEdge';
  /** Opaque: pass it as after to get the subjects that follow this one. */
  cursor: Scalars['String']['output'];
  /** The subject. */
  node: Subject;
};

/**
 * Where a subject stands in the study. Allowed moves: SCREENING to ENROLLED or SCREEN_FAILED;
 * ENROLLED to WITHDRAWN or COMPLETED. The others are final.
 */
export type SubjectStatus =
  /** Finished the study (final). */
  | 'COMPLETED'
  /** Taking part in the study. */
  | 'ENROLLED'
  /** Being checked against the study's criteria; every new subject starts here. */
  | 'SCREENING'
  /** Did not meet the study's criteria (final). */
  | 'SCREEN_FAILED'
  /** Left the study before its end; the record is kept (final). */
  | 'WITHDRAWN';

/** Only the fields given are changed. */
export type UpdateSubjectInput = {
  /** New age in whole years, 1 to 130. */
  age?: InputMaybe<Scalars['Int']['input']>;
  /** New name, 1 to 200 characters; null clears it. age, sex and status cannot be cleared. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New sex. */
  sex?: InputMaybe<Sex>;
  /** New status; only the moves SubjectStatus allows (WITHDRAWN through withdrawSubject). */
  status?: InputMaybe<SubjectStatus>;
};

export type VitalSign = Node & {
  __typename?: 'VitalSign';
  id: Scalars['ID']['output'];
  /** Global id, for node(id:) and Relay; opaque. */
  nodeId: Scalars['ID']['output'];
};

export type VitalsImport = Node & {
  __typename?: 'VitalsImport';
  id: Scalars['ID']['output'];
  /** Global id, for node(id:) and Relay; opaque. */
  nodeId: Scalars['ID']['output'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Site: Site;
  Study: Study;
  Subject: Subject;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Site:
    ( { __typename: 'Site' }
    & GraphQLRecursivePick<FederationTypes['Site'], {"id":true}> );
  Study:
    ( { __typename: 'Study' }
    & GraphQLRecursivePick<FederationTypes['Study'], {"id":true}> );
  Subject:
    ( { __typename: 'Subject' }
    & GraphQLRecursivePick<FederationTypes['Subject'], {"id":true}> );
}>;


/** Mapping of interface types */
export type ResolversInterfaceTypes<_RefType extends Record<string, unknown>> = ResolversObject<{
  Node:
    | ( SiteRow )
    | ( StudyRow )
    | ( SubjectRow )
    | ( VitalSign )
    | ( VitalsImport )
  ;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AuditEvent: ResolverTypeWrapper<AuditEventRow>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AuditEventConnection: ResolverTypeWrapper<Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversTypes['AuditEventEdge']> }>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AuditEventEdge: ResolverTypeWrapper<Omit<AuditEventEdge, 'node'> & { node: ResolversTypes['AuditEvent'] }>;
  CreateSiteInput: CreateSiteInput;
  CreateStudyInput: CreateStudyInput;
  CreateSubjectInput: CreateSubjectInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Node: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['Node']>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Sex: Sex;
  Site: ResolverTypeWrapper<SiteRow>;
  Study: ResolverTypeWrapper<StudyRow>;
  Subject: ResolverTypeWrapper<SubjectRow>;
  SubjectConnection: ResolverTypeWrapper<Omit<SubjectConnection, 'edges'> & { edges: Array<ResolversTypes['SubjectEdge']> }>;
  SubjectEdge: ResolverTypeWrapper<Omit<SubjectEdge, 'node'> & { node: ResolversTypes['Subject'] }>;
  SubjectStatus: SubjectStatus;
  UpdateSubjectInput: UpdateSubjectInput;
  VitalSign: ResolverTypeWrapper<VitalSign>;
  VitalsImport: ResolverTypeWrapper<VitalsImport>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AuditEvent: AuditEventRow;
  String: Scalars['String']['output'];
  ID: Scalars['ID']['output'];
  AuditEventConnection: Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversParentTypes['AuditEventEdge']> };
  Int: Scalars['Int']['output'];
  AuditEventEdge: Omit<AuditEventEdge, 'node'> & { node: ResolversParentTypes['AuditEvent'] };
  CreateSiteInput: CreateSiteInput;
  CreateStudyInput: CreateStudyInput;
  CreateSubjectInput: CreateSubjectInput;
  DateTime: Scalars['DateTime']['output'];
  Mutation: Record<PropertyKey, never>;
  Node: ResolversInterfaceTypes<ResolversParentTypes>['Node'];
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  Query: Record<PropertyKey, never>;
  Site: SiteRow;
  Study: StudyRow;
  Subject: SubjectRow;
  SubjectConnection: Omit<SubjectConnection, 'edges'> & { edges: Array<ResolversParentTypes['SubjectEdge']> };
  SubjectEdge: Omit<SubjectEdge, 'node'> & { node: ResolversParentTypes['Subject'] };
  UpdateSubjectInput: UpdateSubjectInput;
  VitalSign: VitalSign;
  VitalsImport: VitalsImport;
}>;

export type AuditEventResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['AuditEvent'] = ResolversParentTypes['AuditEvent']> = ResolversObject<{
  action?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  actor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  entityId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  entityType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  newValue?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  oldValue?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type AuditEventConnectionResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['AuditEventConnection'] = ResolversParentTypes['AuditEventConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['AuditEventEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type AuditEventEdgeResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['AuditEventEdge'] = ResolversParentTypes['AuditEventEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditEvent'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MutationResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  createStudy?: Resolver<ResolversTypes['Study'], ParentType, ContextType, RequireFields<MutationCreateStudyArgs, 'input'>>;
  createSubject?: Resolver<ResolversTypes['Subject'], ParentType, ContextType, RequireFields<MutationCreateSubjectArgs, 'input'>>;
  updateSubject?: Resolver<ResolversTypes['Subject'], ParentType, ContextType, RequireFields<MutationUpdateSubjectArgs, 'expectedVersion' | 'id' | 'input' | 'reason'>>;
  withdrawSubject?: Resolver<ResolversTypes['Subject'], ParentType, ContextType, RequireFields<MutationWithdrawSubjectArgs, 'id' | 'reason'>>;
}>;

export type NodeResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['Node'] = ResolversParentTypes['Node']> = ResolversObject<{
  __resolveType: TypeResolveFn<'Site' | 'Study' | 'Subject' | 'VitalSign' | 'VitalsImport', ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  auditTrail?: Resolver<ResolversTypes['AuditEventConnection'], ParentType, ContextType, RequireFields<QueryAuditTrailArgs, 'entityId' | 'first'>>;
  node?: Resolver<Maybe<ResolversTypes['Node']>, ParentType, ContextType, RequireFields<QueryNodeArgs, 'id'>>;
  studies?: Resolver<Array<ResolversTypes['Study']>, ParentType, ContextType, RequireFields<QueryStudiesArgs, 'first'>>;
  study?: Resolver<Maybe<ResolversTypes['Study']>, ParentType, ContextType, RequireFields<QueryStudyArgs, 'id'>>;
  subject?: Resolver<Maybe<ResolversTypes['Subject']>, ParentType, ContextType, RequireFields<QuerySubjectArgs, 'id'>>;
  subjectByNumber?: Resolver<Maybe<ResolversTypes['Subject']>, ParentType, ContextType, RequireFields<QuerySubjectByNumberArgs, 'studyId' | 'subjectNumber'>>;
  subjects?: Resolver<ResolversTypes['SubjectConnection'], ParentType, ContextType, RequireFields<QuerySubjectsArgs, 'first' | 'studyId'>>;
  subjectsByNumbers?: Resolver<Array<ResolversTypes['Subject']>, ParentType, ContextType, RequireFields<QuerySubjectsByNumbersArgs, 'studyId' | 'subjectNumbers'>>;
}>;

export type SiteResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['Site'] = ResolversParentTypes['Site'], FederationReferenceType extends FederationReferenceTypes['Site'] = FederationReferenceTypes['Site']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Site']> | FederationReferenceType, FederationReferenceType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nodeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  study?: Resolver<ResolversTypes['Study'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type StudyResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['Study'] = ResolversParentTypes['Study'], FederationReferenceType extends FederationReferenceTypes['Study'] = FederationReferenceTypes['Study']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Study']> | FederationReferenceType, FederationReferenceType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nodeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sites?: Resolver<Array<ResolversTypes['Site']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type SubjectResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['Subject'] = ResolversParentTypes['Subject'], FederationReferenceType extends FederationReferenceTypes['Subject'] = FederationReferenceTypes['Subject']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Subject']> | FederationReferenceType, FederationReferenceType, ContextType>;
  age?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  nodeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sex?: Resolver<ResolversTypes['Sex'], ParentType, ContextType>;
  site?: Resolver<ResolversTypes['Site'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['SubjectStatus'], ParentType, ContextType>;
  study?: Resolver<ResolversTypes['Study'], ParentType, ContextType>;
  subjectNumber?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type SubjectConnectionResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['SubjectConnection'] = ResolversParentTypes['SubjectConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['SubjectEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type SubjectEdgeResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['SubjectEdge'] = ResolversParentTypes['SubjectEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Subject'], ParentType, ContextType>;
}>;

export type VitalSignResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['VitalSign'] = ResolversParentTypes['VitalSign']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  nodeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type VitalsImportResolvers<ContextType = SubjectsContext, ParentType extends ResolversParentTypes['VitalsImport'] = ResolversParentTypes['VitalsImport']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  nodeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type Resolvers<ContextType = SubjectsContext> = ResolversObject<{
  AuditEvent?: AuditEventResolvers<ContextType>;
  AuditEventConnection?: AuditEventConnectionResolvers<ContextType>;
  AuditEventEdge?: AuditEventEdgeResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  Node?: NodeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Site?: SiteResolvers<ContextType>;
  Study?: StudyResolvers<ContextType>;
  Subject?: SubjectResolvers<ContextType>;
  SubjectConnection?: SubjectConnectionResolvers<ContextType>;
  SubjectEdge?: SubjectEdgeResolvers<ContextType>;
  VitalSign?: VitalSignResolvers<ContextType>;
  VitalsImport?: VitalsImportResolvers<ContextType>;
}>;

