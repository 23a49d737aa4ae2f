import type { Express, Request } from 'express';
import { parse } from 'graphql';
import { answerError } from './answer-error.js';
import { createGatewayExecutor } from './execute-through-gateway.js';

const SUBJECT_VITALS = parse(`query SubjectVitals($id: ID!, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  subject(id: $id) {
    vitals(from: $from, to: $to, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id recordedAt heartRate systolic diastolic bloodPressure temperature respiratoryRate spo2 importId sourceLine } }
    }
  }
}`);

/** GET /api/v1/subjects/:id/vitals: a nested field SOFA cannot route, run as one fixed operation through the gateway like the generated routes. */
export function mountSubjectVitalsRoute(app: Express, executor: ReturnType<typeof createGatewayExecutor>): void {
  app.get('/api/v1/subjects/:id/vitals', async (req: Request, res) => {
    try {
      const query = req.query as Record<string, unknown>;
      const text = (name: string) => (typeof query[name] === 'string' ? query[name] : undefined);
      const first = text('first');
      const result = await executor({
        document: SUBJECT_VITALS,
        variableValues: { id: req.params.id, from: text('from'), to: text('to'), after: text('after'), ...(first ? { first: Number(first) } : {}) },
        contextValue: { authorization: req.headers.authorization, requestId: String((req as Request & { id?: unknown }).id) },
      });
      const [error] = result.errors ?? [];
      if (error) {
        answerError(res, error);
        return;
      }
      res.json((result.data?.subject as { vitals: unknown }).vitals);
    } catch (error) {
      answerError(res, error);
    }
  });
}
