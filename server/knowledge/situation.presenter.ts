import type { CitationView, FieldView, SituationView } from './knowledge.repository.js';

/** Public JSON of a legal field. */
export function presentField(field: FieldView) {
  return {
    slug: field.slug,
    name: field.name,
    description: field.description,
    order: field.order,
    situation_count: field.situationCount,
  };
}

/** Public JSON of one citation: the interchange keys plus the registry status of the document. */
export function presentCitation(citation: CitationView) {
  const doc = citation.document;
  return {
    document: doc?.number ?? citation.documentRef,
    title: doc?.title ?? citation.title,
    article: citation.article || undefined,
    clause: citation.clause || undefined,
    document_status: doc?.status ?? 'unknown',
    replaced_by: doc?.replacedBy ? { document: doc.replacedBy.number, title: doc.replacedBy.title } : undefined,
  };
}

/** Public JSON of a situation (the interchange shape, with the field named and citations resolved). */
export function presentSituation(situation: SituationView) {
  return {
    code: situation.code,
    field: situation.field,
    question: situation.question,
    alternates: situation.alternates,
    answer: situation.answer,
    legal_basis: situation.citations.map(presentCitation),
    tags: situation.tags,
    reviewed_at: situation.reviewedAt,
    updated_at: new Date(situation.updatedAt).toISOString(),
  };
}
