import { ServiceUnavailableError, UnauthenticatedError } from '@trialgraph/graphql-kit';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { getExportAuditTrail } from './export-audit-trail.js';
import { exportDownloadPath } from './export-link.js';
import { parseExportRequest, prepareExport } from './prepare-export.js';

export const exportResolvers: Resolvers = {
  Query: {
    /** Checks the export as the download will (right, scope, size), then seals it with the caller's token into a short-lived link. */
    vitalsExport: async (_parent, args, context) => {
      const request = parseExportRequest({
        ...args,
        from: args.from ? new Date(args.from).toISOString() : undefined,
        to: args.to ? new Date(args.to).toISOString() : undefined,
      });
      const prepared = await prepareExport({
        db: context.db,
        access: context.access,
        subjects: context.subjects,
        request,
        maxReadings: context.exports.settings.maxReadings,
      });
      const { links } = context.exports;
      if (!links)
        throw new ServiceUnavailableError('download links are not enabled on this server: set EXPORT_LINK_SECRET on the vitals service', {
          dependency: 'configuration',
        });
      if (!context.authorization) throw new UnauthenticatedError();
      const { link, expiresAt } = links.seal(request, context.authorization);
      return { url: exportDownloadPath(request, link), expiresAt, format: request.format, readings: prepared.readings };
    },
    exportAuditTrail: (_parent, args, context) => getExportAuditTrail(context, args),
  },
};
