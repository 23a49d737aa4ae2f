/** A subject as this subgraph knows it: only its key; the subjects subgraph owns the rest. */
export interface SubjectReference {
  id: string;
}
