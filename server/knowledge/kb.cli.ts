import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { openMigratedDatabase } from '../cli-support.js';
import { linkUnlinkedCitations, upsertDocuments, validateDocuments } from './documents.js';
import { loadSnapshots, serialiseSnapshots } from './kb.export.js';
import { formatRowError, importSituations, type ImportReport } from './kb.import.service.js';
import { formatFromName, parseKbFile } from './kb.parse.js';
import { listKnownFields } from './kb.repository.js';
import { seedIfEmpty } from './kb.bundle.js';
import { knowledgeStats } from './kb.stats.js';
import { resolveFromRoot } from '../paths.js';
import { validateRows } from './kb.validate.js';

const USAGE = `Usage: npm run kb -- <command>
  import FILE [--dry-run] [--replace] [--create-fields]   import situations (.jsonl, .csv, .xlsx)
  import-documents FILE                                    add or update legal documents (.jsonl)
  export FILE [--status S] [--field SLUG]                  export situations (format by extension)
  validate FILE [--create-fields]                          check a file without writing anything
  seed                                                     import the bundled knowledge base into an empty database
  stats                                                    counts per field and per cited document`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      replace: { type: 'boolean', default: false },
      'create-fields': { type: 'boolean', default: false },
      status: { type: 'string', multiple: true },
      field: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, file] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const needsFile = ['import', 'import-documents', 'export', 'validate'];
  if (needsFile.includes(command) && !file) {
    console.error(`"${command}" needs a file.\n\n${USAGE}`);
    return 2;
  }
  if (!needsFile.includes(command) && command !== 'stats' && command !== 'seed') {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }

  const { db, config } = await openMigratedDatabase();
  try {
    switch (command) {
      case 'import': {
        const parsed = await parseKbFile(readFileSync(file as string), formatFromName(file as string));
        const report = await importSituations(db.dataSource, parsed, {
          dryRun: values['dry-run'],
          replace: values.replace,
          createFields: values['create-fields'],
          actor: 'cli',
          source: path.basename(file as string),
        });
        printImportReport(report);
        return report.ok ? 0 : 1;
      }
      case 'validate': {
        const parsed = await parseKbFile(readFileSync(file as string), formatFromName(file as string));
        const fields = await listKnownFields(db.dataSource.manager);
        const errors = [...parsed.errors, ...validateRows(parsed.rows, fields, { createFields: values['create-fields'] }).errors];
        if (errors.length) {
          printErrors(errors);
          return 1;
        }
        console.log(`OK: ${parsed.rows.length} situations are valid.`);
        return 0;
      }
      case 'import-documents': {
        const parsed = await parseKbFile(readFileSync(file as string), 'jsonl');
        const { documents, errors } = validateDocuments(parsed);
        if (errors.length) {
          printErrors(errors);
          return 1;
        }
        const counts = await db.dataSource.transaction(async (manager) => {
          const result = await upsertDocuments(manager, documents);
          return { ...result, linked: await linkUnlinkedCitations(manager) };
        });
        console.log(`Documents created: ${counts.created}, updated: ${counts.updated}; citations newly linked: ${counts.linked}`);
        return 0;
      }
      case 'export': {
        const snapshots = await loadSnapshots(db.dataSource.manager, { statuses: values.status, field: values.field });
        writeFileSync(file as string, await serialiseSnapshots(snapshots, formatFromName(file as string)));
        console.log(`Exported ${snapshots.length} situations to ${file}`);
        return 0;
      }
      case 'seed': {
        const result = await seedIfEmpty(db.dataSource, resolveFromRoot(config.KB_DIR));
        console.log(result.seeded ? `Imported the bundled knowledge base: ${result.report?.created} situations, ${result.documents?.created} documents.` : 'The database already has situations: nothing imported.');
        return 0;
      }
      default: {
        printStats(await knowledgeStats(db.dataSource.manager));
        return 0;
      }
    }
  } finally {
    await db.close();
  }
}

function printErrors(errors: Parameters<typeof formatRowError>[0][]) {
  console.error(`${errors.length} lỗi, không có gì được ghi:`);
  for (const error of errors.slice(0, 200)) console.error(`  ${formatRowError(error)}`);
  if (errors.length > 200) console.error(`  … và ${errors.length - 200} lỗi khác`);
}

function printImportReport(report: ImportReport) {
  if (!report.ok) {
    printErrors(report.errors);
    return;
  }
  const prefix = report.dryRun ? 'Dry run (nothing written): ' : '';
  console.log(
    `${prefix}created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, archived ${report.archived}` +
      (report.fieldsCreated.length ? `; fields created: ${report.fieldsCreated.join(', ')}` : '') +
      (report.unlinkedCitations ? `; ${report.unlinkedCitations} citations name no registered document` : ''),
  );
}

function printStats(stats: Awaited<ReturnType<typeof knowledgeStats>>) {
  const t = stats.totals;
  console.log(`Situations: ${t.situations} (${t.published} published) in ${t.fields} fields; ${t.documents} registered documents`);
  console.log('\nPer field (published / draft / archived):');
  for (const f of stats.fields) console.log(`  ${String(f.published).padStart(5)} ${String(f.draft).padStart(4)} ${String(f.archived).padStart(4)}  ${f.name} (${f.slug})`);
  console.log('\nPer cited document (citations / situations):');
  for (const d of stats.documents) console.log(`  ${String(d.citations).padStart(5)} ${String(d.situations).padStart(5)}  ${d.number}  ${d.title} [${d.status}]`);
  if (stats.unlinkedCitations) console.log(`\nCitations naming no registered document: ${stats.unlinkedCitations}`);
  console.log(
    `\nOldest review: ${stats.oldestReviewed ? `${stats.oldestReviewed.reviewed_at} (${stats.oldestReviewed.code})` : 'none'}; published never reviewed: ${stats.neverReviewed}`,
  );
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
