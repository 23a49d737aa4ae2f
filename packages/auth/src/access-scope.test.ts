import { describe, expect, it } from 'vitest';
import { accessOf, inScope, scopeOf } from './access-scope.js';
import type { Identity } from './identity.js';
import type { Role } from './roles.js';

const STUDY = '00000000-0000-4000-8000-00000000000a';
const OTHER_STUDY = '00000000-0000-4000-8000-00000000000b';
const S01 = '00000000-0000-4000-8000-000000000001';
const S02 = '00000000-0000-4000-8000-000000000002';

const user = (roles: Role[], sites: string[] = []): Identity => ({ userId: `u-${roles.join('-')}`, roles, studies: [STUDY], sites });
const at = (siteId: string, studyId = STUDY) => ({ studyId, siteId });

describe('scopes per role, never lent across roles', () => {
  it('[COORDINATOR at S01, MONITOR] reads the whole study but writes S01 only', () => {
    const access = accessOf(user(['COORDINATOR', 'MONITOR'], [S01]));
    for (const right of ['readSubjects', 'readPersonalData', 'readVitals', 'lookUpSubjects'] as const) {
      expect([access.allows(right, at(S01)), access.allows(right, at(S02)), access.allows(right, at(S01, OTHER_STUDY))]).toEqual([true, true, false]);
    }
    for (const right of ['changeSubjects', 'recordVitals', 'importVitals'] as const) {
      expect([access.allows(right, at(S01)), access.allows(right, at(S02))]).toEqual([true, false]);
    }
  });

  it('[INVESTIGATOR, PARTNER] with sites [S01] reads subjects, names and numbers of S01 only, and imports for S01 only', () => {
    const access = accessOf(user(['INVESTIGATOR', 'PARTNER'], [S01]));
    for (const right of ['readSubjects', 'readPersonalData', 'lookUpSubjects', 'importVitals', 'recordVitals'] as const) {
      expect([access.allows(right, at(S01)), access.allows(right, at(S02))]).toEqual([true, false]);
    }
  });

  it('[INVESTIGATOR, PARTNER] without sites: the partner looks numbers up study-wide, the investigator reads no one', () => {
    const access = accessOf(user(['INVESTIGATOR', 'PARTNER']));
    expect(access.allows('lookUpSubjects', at(S02))).toBe(true);
    expect(access.allows('readPersonalData', at(S02))).toBe(false);
    expect(access.allows('readSubjects', at(S01))).toBe(false);
    expect(access.holds('readSubjects')).toBe(true);
  });

  it('PARTNER alone looks subjects up and imports study-wide, reads no subject details, and only the reports it sent', () => {
    const partner = user(['PARTNER']);
    const access = accessOf(partner);
    expect(access.allows('lookUpSubjects', at(S02))).toBe(true);
    expect(access.allows('importVitals', at(S02))).toBe(true);
    expect(access.holds('readSubjects')).toBe(false);
    expect(access.holds('readPersonalData')).toBe(false);
    expect(access.allows('readImportReports', { studyId: STUDY, sentBy: partner.userId })).toBe(true);
    expect(access.allows('readImportReports', { studyId: STUDY, sentBy: 'another-partner' })).toBe(false);
  });

  it('[COORDINATOR, PARTNER] with sites [S01] imports for S01 only', () => {
    expect(scopeOf(user(['COORDINATOR', 'PARTNER'], [S01]), 'importVitals').areas).toEqual([{ studyIds: [STUDY], siteIds: [S01], sentBy: null }]);
  });

  it('MONITOR reads the study’s import reports; [COORDINATOR, MONITOR] too, a coordinator alone only its own', () => {
    const report = { studyId: STUDY, sentBy: 'someone-else' };
    expect(accessOf(user(['MONITOR'])).allows('readImportReports', report)).toBe(true);
    expect(accessOf(user(['COORDINATOR', 'MONITOR'], [S01])).allows('readImportReports', report)).toBe(true);
    expect(accessOf(user(['COORDINATOR'], [S01])).allows('readImportReports', report)).toBe(false);
  });

  it('ADMIN reaches every study with one unrestricted area; a site-scoped role without sites reaches nothing', () => {
    expect(scopeOf({ userId: 'a', roles: ['ADMIN', 'COORDINATOR'], studies: [STUDY], sites: [S01] }, 'changeSubjects').areas).toEqual([
      { studyIds: null, siteIds: null, sentBy: null },
    ]);
    const siteless = scopeOf(user(['COORDINATOR']), 'changeSubjects');
    expect(inScope(siteless, at(S01))).toBe(false);
  });
});
