/**
 * Imports into the store: topics, qrels, BEIR folders (queries + qrels) and foreign TREC runs.
 * One implementation for `clir import …`, the engine's `clir/import*` requests and notebook
 * collection cells.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBeirFolder, readQrels, readRun, readTopics } from '../eval/parse';
import type { Topic } from '../eval/types';
import { detectLanguageSync, initLanguageId } from '../text/langid';
import type { ExperimentService } from './experiments';
import type { ImportResult } from './types';
import type { Workbench } from './workbench';

export class ImportService {
  constructor(
    private readonly wb: Workbench,
    private readonly experiments: () => ExperimentService,
  ) {}

  private checkFile(file: string): string {
    const abs = path.resolve(file);
    if (!fs.existsSync(abs)) throw new Error(`${abs}: file not found`);
    return abs;
  }

  /** Stores topics (replacing those with the same ids), detecting the language where absent. */
  async storeTopics(topics: Topic[], source: string): Promise<number> {
    await initLanguageId();
    return this.wb.judgements.importTopics(topics, source, detectLanguageSync);
  }

  /** Topics from a TSV or JSONL file. `allowEmpty`: a file without topics imports nothing instead of failing. */
  async importTopics(file: string, opts: { allowEmpty?: boolean } = {}): Promise<ImportResult> {
    const abs = this.checkFile(file);
    const topics = await readTopics(abs);
    if (!topics.length && !opts.allowEmpty) throw new Error(`${abs}: no topics found`);
    const n = await this.storeTopics(topics, abs);
    return { file: abs, topics: n, warnings: [] };
  }

  /** TREC qrels (all or nothing; pairs already present are overwritten). */
  async importQrels(file: string): Promise<ImportResult> {
    const abs = this.checkFile(file);
    const { qrels, warnings } = await readQrels(abs);
    const n = this.wb.judgements.importQrels(qrels, abs);
    this.experiments().changedQrels();
    return { file: abs, qrels: n, queries: qrels.size, warnings: warnings.map((w) => w.message) };
  }

  /** A BEIR folder's queries and `qrels/<split>.tsv` (its corpus is indexed separately). */
  async importBeir(folder: string, split = 'test'): Promise<ImportResult> {
    const abs = path.resolve(folder);
    const beir = await readBeirFolder(abs, split, { loadCorpus: false });
    const topics = await this.storeTopics(beir.queries, path.join(abs, 'queries.jsonl'));
    const qrels = this.wb.judgements.importQrels(beir.qrels, path.join(abs, 'qrels', `${split}.tsv`));
    this.experiments().changedQrels();
    return { file: abs, topics, qrels, queries: beir.qrels.size, warnings: beir.warnings.map((w) => w.message) };
  }

  /** A TREC run file as a stored experiment (origin `import`). */
  async importRun(file: string, name?: string): Promise<ImportResult> {
    const abs = this.checkFile(file);
    const { run, warnings } = await readRun(abs);
    const saved = this.wb.importRun(run, { name, source: abs });
    return {
      file: abs,
      experiment: this.experiments().summarise(saved.record),
      queries: saved.record.topics.count,
      warnings: warnings.map((w) => w.message),
    };
  }
}
