import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { ExportFormat } from './export-formats.js';

/** What one export holds; the same whether asked for with a token or through a link. */
export interface ExportRequest {
  /** Optional when subjectId names the subject: the subject's study then. */
  studyId: string | undefined;
  subjectId: string | undefined;
  format: ExportFormat;
  from: string | undefined;
  to: string | undefined;
}

interface SealedLink {
  request: ExportRequest;
  /** The caller's own Authorization header: the download runs as them, verified again, with their scope and expiry. */
  authorization: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export class ExportLinkError extends Error {}

/**
 * Short-lived download links for the GraphQL `vitalsExport` field. A link seals the export asked
 * for and the caller's Authorization header with AES-256-GCM: nobody can read the token out of
 * the URL (proxies log URLs), change what it exports, or use it after it expires; the download
 * then authenticates the sealed token like any request, so a token that expired meanwhile, or a
 * link replayed after, gets nothing. Every vitals instance derives the same key.
 */
export interface ExportLinks {
  seal(request: ExportRequest, authorization: string): { link: string; expiresAt: Date };
  open(link: string, now?: number): SealedLink;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The key of the links: EXPORT_LINK_SECRET when set, else derived from the JWT secret every instance shares. */
export function exportLinkKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'trialgraph', 'vitals export links', 32));
}

export function createExportLinks(key: Buffer, ttlMs: number): ExportLinks {
  return {
    seal(request, authorization) {
      const expiresAt = Date.now() + ttlMs;
      const sealed: SealedLink = { request, authorization, expiresAt };
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(sealed), 'utf8'), cipher.final()]);
      return { link: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url'), expiresAt: new Date(expiresAt) };
    },
    open(link, now = Date.now()) {
      const bytes = Buffer.from(link, 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES) throw new ExportLinkError('the download link is not one this service made; ask vitalsExport for a new one');
      let sealed: SealedLink;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const text = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
        sealed = JSON.parse(text) as SealedLink;
      } catch (error) {
        throw new ExportLinkError('the download link is not one this service made, or was changed; ask vitalsExport for a new one', { cause: error });
      }
      if (sealed.expiresAt <= now) throw new ExportLinkError('the download link has expired; ask vitalsExport for a new one');
      return sealed;
    },
  };
}

/**
 * The gateway's address of an export (its /api/v1 routes), with the link as the only credential.
 * A subject's export lives under the subject; the format picks the file name.
 */
export function exportDownloadPath(request: ExportRequest, link: string): string {
  const owner = request.subjectId ? `subjects/${request.subjectId}` : `studies/${request.studyId ?? ''}`;
  const file = request.format === 'SDTM' ? 'sdtm/vs.csv' : request.format === 'FHIR' ? 'vitals.ndjson' : 'vitals.csv';
  const query = new URLSearchParams(request.format === 'FHIR' ? { format: 'fhir' } : {});
  query.set('link', link);
  return `/api/v1/${owner}/${file}?${query.toString()}`;
}
