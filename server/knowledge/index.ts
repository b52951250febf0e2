export { createKnowledgeRepository, type CitationView, type KnowledgeRepository, type MatchableRow, type SituationView } from './knowledge.repository.js';
export { knowledgeRoutes } from './knowledge.routes.js';
export { presentCitation, presentField, presentSituation } from './situation.presenter.js';
export { importSituations, formatRowError, type ImportOptions, type ImportReport } from './kb.import.service.js';
export { parseKbFile, formatFromName, type KbFileFormat, type ParsedFile, type RowError } from './kb.parse.js';
export { seedIfEmpty, readBundle, BundleError, type KnowledgeBundle } from './kb.bundle.js';
export { loadSnapshots, serialiseSnapshots } from './kb.export.js';
export { knowledgeStats } from './kb.stats.js';
export { validateDocuments, upsertDocuments, linkUnlinkedCitations } from './documents.js';
