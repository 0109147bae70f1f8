/**
 * Routes validated webview messages to a `WorkbenchDataSource` and posts the answers back.
 * No `vscode` import: `WorkbenchPanel` supplies a `PanelHost`; tests supply a fake one.
 */
import type { Run, Topic } from '../../core/eval/types';
import { DEFAULT_MEASURES } from '../../core/eval/measures';
import { assessorAgreement } from '../../core/views/agreement';
import { buildComparisonView, buildPoolView, buildRunDiffView } from '../../core/views/build';
import type { DocumentInfo, WorkbenchDataSource } from '../../core/views/dataSource';
import { PanelCommand, PROTOCOL_VERSION, ToHost, ToHostOf, ToWebview, validateToHost, validateToWebview } from '../../core/views/protocol';
import { depthPool, judgementsToQrels, mergeQrels, qrelsToTrec } from '../../core/views/qrels';

export type ExportFormat = 'csv' | 'md' | 'png' | 'svg' | 'qrels';

export interface PanelHost {
  post(msg: ToWebview): unknown;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Asks where to save (save dialog) and writes; resolves to the path, or undefined if cancelled. */
  saveFile(suggestedName: string, format: ExportFormat, data: Uint8Array): Promise<string | undefined>;
  /** Opens the document's source at [start, end). */
  openDocument(doc: DocumentInfo, start?: number, end?: number): Promise<void>;
  /** Runs a VS Code command on behalf of an empty state's button (Import Qrels, Judge, Run Experiment, …). */
  runCommand?(command: PanelCommand, runs?: string[]): Promise<void>;
}

export interface RouterOptions {
  assessor: string;
  /** Identifies the store shown (a folder URI), sent with `init` and kept in the webview's state. */
  store?: string;
  measures?: string[];
  now?: () => Date;
}

interface PoolRecord {
  entries: { qid: string; docId: string }[];
  keys: Set<string>;
  topics: Topic[];
}

const key = (qid: string, docId: string): string => `${qid}\u0000${docId}`;

function shortHash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h.toString(36);
}

export class WorkbenchRouter {
  private readonly runs = new Map<string, Promise<Run>>();
  private readonly pools = new Map<string, PoolRecord>();
  private readonly now: () => Date;
  /** Messages rejected by validation (both directions), for diagnostics and tests. */
  readonly rejected: string[] = [];

  constructor(
    private readonly ds: WorkbenchDataSource,
    private readonly host: PanelHost,
    private readonly opts: RouterOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Posts to the webview after checking the message against the schema (never sends invalid data). */
  post(msg: ToWebview): void {
    const v = validateToWebview(msg);
    if (!v.ok) {
      this.rejected.push(`out: ${v.error}`);
      this.host.log('error', `not sending invalid ${msg.type} message: ${v.error}`);
      this.host.post({ type: 'error', message: `Internal error: could not build a valid ${msg.type} view (${v.error.slice(0, 300)})` });
      return;
    }
    this.host.post(msg);
  }

  async handle(raw: unknown): Promise<void> {
    const v = validateToHost(raw);
    if (!v.ok) {
      this.rejected.push(`in: ${v.error}`);
      this.host.log('warn', `rejected message from webview (${v.messageType ?? 'no type'}): ${v.error}`);
      this.post({ type: 'error', message: 'The extension rejected a malformed message.', request: v.messageType?.slice(0, 100) });
      return;
    }
    const msg = v.message;
    try {
      await this.dispatch(msg);
    } catch (e) {
      const m = e instanceof Error ? e.message : String(e);
      this.host.log('error', `${msg.type}: ${m}`);
      this.post({ type: 'error', message: m.slice(0, 2000), request: msg.type });
    }
  }

  private async dispatch(msg: ToHost): Promise<void> {
    switch (msg.type) {
      case 'ready':
        return this.sendInit();
      case 'requestComparison':
        return this.comparison(msg);
      case 'requestRunDiff':
        return this.runDiff(msg);
      case 'requestPool':
        return this.pool(msg);
      case 'judge':
        return this.judge(msg);
      case 'unjudge':
        return this.unjudge(msg);
      case 'openDocument': {
        const docs = await this.ds.documents([msg.docId]);
        const info = docs.get(msg.docId);
        if (!info) throw new Error(`unknown document ${msg.docId}`);
        return this.host.openDocument(info, msg.start ?? info.start, msg.end ?? info.end);
      }
      case 'saveExport':
        return this.saveExport(msg);
      case 'exportQrels': {
        const js = await this.ds.judgements(msg.assessor ? { assessor: msg.assessor } : {});
        const text = qrelsToTrec(judgementsToQrels(js, msg.assessor));
        if (!text) {
          this.post({ type: 'exportResult', ok: false, message: 'No judgements to export yet.' });
          return;
        }
        const where = await this.host.saveFile(msg.assessor ? `qrels-${msg.assessor.replace(/[^A-Za-z0-9._-]/g, '_')}.txt` : 'qrels.txt', 'qrels', new TextEncoder().encode(text));
        this.post({ type: 'exportResult', ok: where !== undefined, message: where ? `Saved ${where}` : 'Export cancelled.' });
        return;
      }
      case 'requestAgreement': {
        const view = assessorAgreement(await this.ds.judgements());
        this.post({ type: 'agreement', view });
        return;
      }
      case 'runCommand':
        if (!this.host.runCommand) throw new Error(`${msg.command} is not available here.`);
        return this.host.runCommand(msg.command, msg.runs);
      case 'protocolError':
        this.rejected.push(`webview: ${msg.reason}`);
        this.host.log('warn', `webview rejected a message (${msg.messageType ?? 'no type'}): ${msg.reason}`);
        return;
    }
  }

  private async sendInit(): Promise<void> {
    const [runs, topics, js] = await Promise.all([this.ds.listRuns(), this.ds.topics(), this.ds.judgements()]);
    this.post({
      type: 'init',
      version: PROTOCOL_VERSION,
      runs,
      measures: this.opts.measures ?? [...DEFAULT_MEASURES],
      assessor: this.opts.assessor,
      queries: topics.length,
      judgements: js.length,
      ...(this.opts.store ? { store: this.opts.store } : {}),
    });
  }

  /**
   * The data changed (qrels, runs or topics imported): a fresh `init` (run list, counts), after which
   * the webview re-requests what it shows, as after a reload.
   */
  refresh(): Promise<void> {
    return this.sendInit().catch((e) => this.host.log('error', `refresh: ${e instanceof Error ? e.message : String(e)}`));
  }

  private loadRun(id: string): Promise<Run> {
    let p = this.runs.get(id);
    if (!p) {
      p = (async () => {
        const [run, infos] = await Promise.all([this.ds.loadRun(id), this.ds.listRuns()]);
        const info = infos.find((r) => r.id === id);
        return info && info.name !== run.name ? { ...run, name: info.name } : run;
      })();
      p.catch(() => this.runs.delete(id));
      this.runs.set(id, p);
    }
    return p;
  }

  private async qrelsWithJudgements() {
    const [q, js] = await Promise.all([this.ds.qrels(), this.ds.judgements()]);
    return mergeQrels(q, js);
  }

  private async comparison(msg: ToHostOf<'requestComparison'>): Promise<void> {
    const ids = Array.from(new Set([msg.baseline, ...msg.runs]));
    if (ids.length < 2) throw new Error('Pick at least two runs (a baseline and one more).');
    this.post({ type: 'busy', what: 'comparison' });
    const [runs, qrels, topics, docLang] = await Promise.all([
      Promise.all(ids.map((id) => this.loadRun(id))),
      this.qrelsWithJudgements(),
      this.ds.topics(),
      this.ds.documentLanguages(),
    ]);
    const view = buildComparisonView({
      qrels,
      runs,
      baseline: runs[0].name,
      measures: msg.measures,
      deltaMeasure: msg.deltaMeasure,
      heatmapMeasure: msg.heatmapMeasure,
      k: msg.k,
      test: msg.test,
      correction: msg.correction,
      topics,
      docLang,
    });
    this.post({ type: 'comparison', view });
  }

  private async runDiff(msg: ToHostOf<'requestRunDiff'>): Promise<void> {
    const [runA, runB, qrels, topics] = await Promise.all([this.loadRun(msg.runA), this.loadRun(msg.runB), this.qrelsWithJudgements(), this.ds.topics()]);
    const topic = topics.find((t) => t.id === msg.qid);
    const ids = new Set<string>();
    for (const run of [runA, runB]) for (const e of depthPool([run], msg.k, [msg.qid])) ids.add(e.docId);
    const docs = await this.ds.documents(Array.from(ids), topic?.text);
    this.post({ type: 'runDiff', view: buildRunDiffView({ runA, runB, qid: msg.qid, k: msg.k, qrels, topic, docs }) });
  }

  private async pool(msg: ToHostOf<'requestPool'>): Promise<void> {
    const src = msg.source;
    let topics = await this.ds.topics();
    let entries: { qid: string; docId: string }[];
    let poolId: string;
    let description: string;
    if (src.type === 'search') {
      if (!this.ds.search) throw new Error('Live search is not available.');
      const qid = src.qid ?? `live-${shortHash(src.query)}`;
      const hits = await this.ds.search(src.query, src.depth);
      entries = hits.slice(0, src.depth).map((h) => ({ qid, docId: h.docId }));
      if (!topics.some((t) => t.id === qid)) topics = [...topics, { id: qid, text: src.query, lang: src.lang }];
      poolId = `search:${qid}`;
      description = `Live search "${src.query.slice(0, 80)}", top ${src.depth}`;
    } else {
      const runs = await Promise.all(src.runs.map((id) => this.loadRun(id)));
      if (runs.length === 0) throw new Error('Pick at least one run to pool.');
      const qids = src.type === 'diff' ? [src.qid] : src.qids;
      entries = depthPool(runs, src.depth, qids);
      if (src.type === 'diff' && src.unjudgedOnly) {
        const q = (await this.qrelsWithJudgements()).get(src.qid);
        entries = entries.filter((e) => !q?.has(e.docId));
      }
      const names = runs.map((r) => r.name).join(' + ');
      poolId = `${src.type}:${shortHash(JSON.stringify(src))}`;
      description = src.type === 'diff' ? `Query ${src.qid}: top ${src.depth} of ${names}${src.unjudgedOnly ? ' (unjudged only)' : ''}` : `Depth-${src.depth} pool of ${names}`;
    }
    const qidsInPool = Array.from(new Set(entries.map((e) => e.qid)));
    const [docs, js, imported] = await Promise.all([this.ds.documents(Array.from(new Set(entries.map((e) => e.docId)))), this.ds.judgements({ qids: qidsInPool }), this.ds.qrels()]);
    // Imported qrels labels count as judged (judgedQrels): the queue resumes past them; j/k still reach them to re-judge.
    const view = buildPoolView({ poolId, assessor: this.opts.assessor, description, entries, topics, docs, judgements: js, imported });
    this.pools.set(poolId, { entries, keys: new Set(entries.map((e) => key(e.qid, e.docId))), topics });
    const focusIndex = msg.focusDocId !== undefined ? view.items.findIndex((i) => i.docId === msg.focusDocId) : -1;
    this.post({ type: 'pool', view, source: src, ...(focusIndex >= 0 ? { focusIndex } : {}) });
  }

  private checkInPool(poolId: string, qid: string, docId: string): void {
    const p = this.pools.get(poolId);
    if (!p) throw new Error(`Unknown judging pool ${poolId}; reload the pool.`);
    if (!p.keys.has(key(qid, docId))) throw new Error(`${qid} / ${docId} is not in pool ${poolId}`);
  }

  private async judge(msg: ToHostOf<'judge'>): Promise<void> {
    this.checkInPool(msg.poolId, msg.qid, msg.docId);
    const at = this.now().toISOString();
    await this.ds.saveJudgement({ assessor: this.opts.assessor, qid: msg.qid, docId: msg.docId, grade: msg.grade, ...(msg.note ? { note: msg.note } : {}), at });
    this.post({ type: 'judgementSaved', qid: msg.qid, docId: msg.docId, grade: msg.grade, ...(msg.note ? { note: msg.note } : {}), at });
  }

  private async unjudge(msg: ToHostOf<'unjudge'>): Promise<void> {
    this.checkInPool(msg.poolId, msg.qid, msg.docId);
    await this.ds.deleteJudgement(this.opts.assessor, msg.qid, msg.docId);
    this.post({ type: 'judgementSaved', qid: msg.qid, docId: msg.docId, grade: null, at: this.now().toISOString() });
  }

  private async saveExport(msg: ToHostOf<'saveExport'>): Promise<void> {
    let data: Uint8Array;
    if (msg.format === 'png') {
      const bin = Buffer.from(msg.content, 'base64');
      const magic = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
      if (bin.length < 8 || magic.some((b, i) => bin[i] !== b)) throw new Error('The PNG export is not a PNG image.');
      data = bin;
    } else {
      if (msg.format === 'svg' && !/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(msg.content)) throw new Error('The SVG export is not an SVG document.');
      data = new TextEncoder().encode(msg.content);
    }
    const ext = `.${msg.format}`;
    const name = msg.suggestedName.endsWith(ext) ? msg.suggestedName : msg.suggestedName + ext;
    const where = await this.host.saveFile(name, msg.format, data);
    this.post({ type: 'exportResult', ok: where !== undefined, message: where ? `Saved ${where}` : 'Export cancelled.' });
  }
}
