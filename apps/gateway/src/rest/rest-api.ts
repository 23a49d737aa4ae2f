import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { filterSchema } from '@graphql-tools/utils';
import { BadUserInputError, httpAnswerOfError, NotFoundError, REFINED_STATUS } from '@trialgraph/graphql-kit';
import type { Logger } from '@trialgraph/observability';
import { answerError } from './answer-error.js';
import express, { type Express } from 'express';
import type { GraphQLSchema } from 'graphql';
import { useSofa } from 'sofa-api';
import { createGatewayExecutor, type RestCaller } from './execute-through-gateway.js';
import { completeOpenApiDocument } from './openapi-document.js';
import { mountRawCsvImport } from './raw-csv-import.js';
import { mountSubjectVitalsRoute } from './subject-vitals-route.js';

/** The REST routes partners use, each a root field of the graph (README "For partners"). */
export const REST_ROUTES = {
  'Mutation.createSubject': { method: 'POST', path: '/subjects', responseStatus: 201, tags: ['subjects'] },
  'Query.subject': { method: 'GET', path: '/subjects/:id', tags: ['subjects'] },
  'Mutation.updateSubject': { method: 'PATCH', path: '/subjects/:id', tags: ['subjects'] },
  'Mutation.withdrawSubject': { method: 'POST', path: '/subjects/:id/withdraw', tags: ['subjects'] },
  'Query.subjects': { method: 'GET', path: '/studies/:studyId/subjects', tags: ['subjects'] },
  'Query.studies': { method: 'GET', path: '/studies', tags: ['studies'] },
  'Query.study': { method: 'GET', path: '/studies/:id', tags: ['studies'] },
  'Query.vitalsImport': { method: 'GET', path: '/imports/:id', tags: ['imports'] },
  'Query.vitalsImports': { method: 'GET', path: '/studies/:studyId/imports', tags: ['imports'] },
  'Mutation.recordVitalSign': { method: 'POST', path: '/vitals', responseStatus: 201, tags: ['vitals'] },
  'Query.exportAuditTrail': { method: 'GET', path: '/studies/:studyId/exports/audit-trail', tags: ['exports'] },
  'Mutation.createStudy': { method: 'POST', path: '/studies', responseStatus: 201, tags: ['studies'] },
  'Query.subjectByNumber': { method: 'GET', path: '/studies/:studyId/subjects/by-number/:subjectNumber', tags: ['subjects'] },
  'Query.auditTrail': { method: 'GET', path: '/audit-trail/:entityId', tags: ['audit'] },
} as const;

/**
 * Fields a REST resource leaves out: a subject's readings have a route of their own (paged, with
 * a window), a site's study would repeat the study, and an import's audit trail is for ADMIN and
 * MONITOR only (asking for it would refuse the whole report to everyone else). Root fields left
 * out have no route (SOFA would make one named after the field): files are imported through the
 * raw CSV route, not importVitals; node serves Relay's cache; subjectsByNumbers is the batched
 * lookup vitals makes; vitalsExport's link is for browsers, REST has the export routes.
 */
const LEFT_OUT_OF_REST = new Set([
  'Mutation.importVitals',
  'Query.node',
  'Query.subjectsByNumbers',
  'Query.vitalsExport',
  'Subject.vitals',
  'Subject.latestVitalSign',
  'Subject.vitalsSummary',
  'Site.study',
  'VitalsImport.auditTrail',
]);

/**
 * The graph the REST API is generated from: the supergraph's API schema, as clients of the gateway
 * see it, less LEFT_OUT_OF_REST (SOFA selects every field of a resource). Every operation on it is
 * an operation on the gateway's schema.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const kept = (typeName: string, fieldName: string) => !LEFT_OUT_OF_REST.has(`${typeName}.${fieldName}`);
  // filterSchema asks rootFieldFilter, not fieldFilter, about the fields of Query and Mutation.
  return filterSchema({ schema, fieldFilter: kept, rootFieldFilter: kept });
}

/**
 * REST under /api/v1, generated from the graph by SOFA: each route is a GraphQL operation sent
 * through this gateway (see execute-through-gateway.ts), and its errors keep their codes, answered
 * with the status of the one table in graphql-kit (400, 401, 403, 404, 409, 413, 429 and 503 with
 * Retry-After). The OpenAPI 3.1 document and a Swagger UI served from npm (no CDN) describe it.
 */
export function mountRestApi(
  app: Express,
  options: {
    supergraphSdl: string;
    selfUrl: () => string;
    vitalsUrl: string;
    timeoutMs: number;
    uploadResponseTimeoutMs: number;
    maxRequestBytes: number;
    logger: Logger;
  },
): void {
  const schema = apiSchemaOf(options.supergraphSdl);
  const executor = createGatewayExecutor(options);
  mountRawCsvImport(app, {
    selfUrl: options.selfUrl,
    responseTimeoutMs: options.uploadResponseTimeoutMs,
    vitalsUrl: options.vitalsUrl,
    subgraphTimeoutMs: options.timeoutMs,
    logger: options.logger,
  });
  mountSubjectVitalsRoute(app, executor);
  const sofa = createSofaRouter(schema, executor);
  const document = openApiDocumentOf(sofa);
  app.get('/api/v1/openapi.json', (_req, res) => void res.json(document));
  const swaggerUiDirectory = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  app.get('/api/v1/docs', (_req, res) => void res.type('html').send(SWAGGER_PAGE));
  app.use('/api/v1/docs/assets', express.static(swaggerUiDirectory, { index: false }));
  app.use('/api/v1/webhook', (_req, res) => {
    answerError(res, new NotFoundError('no such route'));
  });
  const routeSofa = sofa as unknown as express.RequestHandler;
  app.use((req, res, next) => {
    if (!req.path.startsWith('/api/v1/')) {
      next();
      return;
    }
    // SOFA reads the body itself: bound it by its declared length, as express.json bounds GraphQL's.
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > options.maxRequestBytes) {
      answerError(
        res,
        new BadUserInputError(`the body is larger than ${options.maxRequestBytes} bytes (MAX_REQUEST_BYTES)`, {
          extensions: { limit: 'MAX_REQUEST_BYTES' },
          httpStatus: REFINED_STATUS.PAYLOAD_TOO_LARGE,
        }),
      );
      return;
    }
    if (req.headers['transfer-encoding'] && req.method !== 'GET') {
      answerError(res, new BadUserInputError('send the JSON body with a Content-Length header'));
      return;
    }
    // The operation SOFA runs through the gateway carries this request's id, so its errors name the id the client sees.
    req.headers['x-request-id'] = String((req as express.Request & { id?: unknown }).id);
    routeSofa(req, res, next);
  });
}

function createSofaRouter(schema: GraphQLSchema, executor: ReturnType<typeof createGatewayExecutor>) {
  return useSofa({
    basePath: '/api/v1',
    schema,
    depthLimit: 1,
    customScalars: { DateTime: { type: 'string', format: 'date-time', description: 'ISO 8601, in UTC on output' } },
    routes: REST_ROUTES as never,
    context: ({ request }: { request: Request }): RestCaller => ({
      authorization: request.headers.get('authorization') ?? undefined,
      requestId: request.headers.get('x-request-id') ?? undefined,
    }),
    execute: executor as never,
    errorHandler: (errors) => {
      const answer = httpAnswerOfError(errors[0] as { message: string; extensions?: Record<string, unknown> });
      return Response.json(answer.body, { status: answer.status, headers: answer.headers }) as never;
    },
    // fets collects the routes into its document only while it serves one; ours, completed, is /api/v1/openapi.json.
    openAPI: {
      endpoint: '/openapi.generated.json',
      info: {
        title: 'trialgraph REST API',
        version: '1.0.0',
        description: 'Generated from the trialgraph graph; every route runs as a GraphQL operation through the gateway.',
      },
    },
    swaggerUI: { endpoint: false as never },
  });
}

function openApiDocumentOf(sofa: ReturnType<typeof createSofaRouter>): Record<string, unknown> {
  return completeOpenApiDocument((sofa as unknown as { openAPIDocument: Record<string, unknown> }).openAPIDocument, '/api/v1');
}

/** The OpenAPI document /api/v1/openapi.json serves, built without a server (for generating typed clients). */
export function restOpenApiDocument(supergraphSdl: string): Record<string, unknown> {
  return openApiDocumentOf(createSofaRouter(apiSchemaOf(supergraphSdl), createGatewayExecutor({ selfUrl: () => 'http://127.0.0.1/', timeoutMs: 1 })));
}

const SWAGGER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trialgraph REST API</title>
<link rel="stylesheet" href="/api/v1/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/v1/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;
