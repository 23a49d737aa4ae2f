import type { SubjectsContext } from './context.js';
import { listStudies } from './studies/store.js';
import { createStudy } from './studies/service.js';
import { createSubject } from './subjects/service.js';

/**
 * A study to explore on a fresh `npm start`. Goes through the same services as the API,
 * so the demo rows carry numbers and audit records like any other. Only on an empty database.
 */
export async function seedDemoData(context: SubjectsContext): Promise<boolean> {
  if ((await listStudies(context.db, context.access.scope('readStudies'), 1)).length > 0) return false;
  const study = await createStudy(context, {
    code: 'CARD01',
    name: 'Cardiac Outcomes Demo Study',
    sites: [
      { code: 'S01', name: 'St. Mary General Hospital' },
      { code: 'S02', name: 'Riverside University Clinic' },
    ],
  });
  const sites = await context.loaders.sitesByStudyId.load(study.id);
  const people = [
    { name: 'Ada Lovelace', age: 36, sex: 'FEMALE' },
    { name: 'Alan Turing', age: 41, sex: 'MALE' },
    { name: 'Grace Hopper', age: 79, sex: 'FEMALE' },
    { name: 'Kim Doe', age: 52, sex: 'OTHER' },
  ] as const;
  for (const [index, person] of people.entries()) {
    const site = sites[index % sites.length];
    if (!site) throw new Error('demo study has no site');
    await createSubject(context, { studyId: study.id, siteId: site.id, ...person });
  }
  return true;
}
