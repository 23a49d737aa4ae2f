/** `<STUDY>-<SITE>-<sequence, at least 4 digits>`, e.g. CARD01-S01-0007. */
export function formatSubjectNumber(studyCode: string, siteCode: string, sequence: number): string {
  return `${studyCode}-${siteCode}-${String(sequence).padStart(4, '0')}`;
}
