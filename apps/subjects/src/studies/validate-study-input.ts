import { BadUserInputError } from '@trialgraph/graphql-kit';
import type { CreateStudyInput } from '../__generated__/resolvers-types.js';

const STUDY_CODE = /^[A-Z0-9][A-Z0-9-]{1,11}$/;
const SITE_CODE = /^[A-Z0-9][A-Z0-9-]{0,9}$/;
export const MAX_NAME_LENGTH = 200;

/** Trims, upper-cases codes, and refuses what would make unreadable subject numbers. */
export function validateCreateStudyInput(input: CreateStudyInput): CreateStudyInput {
  const code = input.code.trim().toUpperCase();
  if (!STUDY_CODE.test(code)) {
    throw new BadUserInputError(`study code must be 2 to 12 letters, digits or dashes, starting with a letter or digit; got "${input.code}"`, {
      field: 'code',
    });
  }
  const name = requireName(input.name, 'name');
  if (input.sites.length === 0) {
    throw new BadUserInputError('a study needs at least one site', { field: 'sites' });
  }
  const seen = new Set<string>();
  const sites = input.sites.map((site, index) => {
    const siteCode = site.code.trim().toUpperCase();
    if (!SITE_CODE.test(siteCode)) {
      throw new BadUserInputError(`sites[${index}].code must be 1 to 10 letters, digits or dashes; got "${site.code}"`, { field: `sites.${index}.code` });
    }
    if (seen.has(siteCode)) {
      throw new BadUserInputError(`site code ${siteCode} appears twice; site codes are unique within a study`, {
        field: `sites.${index}.code`,
      });
    }
    seen.add(siteCode);
    return { code: siteCode, name: requireName(site.name, `sites.${index}.name`) };
  });
  return { code, name, sites };
}

export function requireName(value: string, field: string): string {
  const name = value.trim();
  if (name.length === 0) throw new BadUserInputError(`${field} must not be empty`, { field });
  if (name.length > MAX_NAME_LENGTH) {
    throw new BadUserInputError(`${field} must be at most ${MAX_NAME_LENGTH} characters, got ${name.length}`, { field });
  }
  return name;
}
