/**
 * The CLIR: Search QuickPick: searches as you type (debounced, stale requests cancelled) across
 * every indexed folder, in any language; Enter opens the hit with its character range selected.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Hit } from '../core/api';
import { kindOf, pdfPageView, pdfToText } from '../core/ingest/readers';
import { isCancelled } from '../engine/client';
import { cfg, rerankDepth } from './config';
import type { EngineManager } from './engines';
import { missingEmbeddingsModel, searchPlaceholder } from './guidance';
import type { PipelineState } from './pipelines';

export interface FolderHit extends Hit {
  folder: string;
}
export interface SearchRun {
  query: string;
  pipeline: string;
  queryLang?: string;
  /** The detector's guess when the indexed languages overrode it (shown as uncertainty). */
  queryLangDetected?: string;
  provider?: string;
  hits: FolderHit[];
  errors: string[];
}

interface HitItem extends vscode.QuickPickItem {
  hit?: FolderHit;
  /** Enter on this item indexes the embeddings the pipeline lacks (with progress), then searches again. */
  embed?: string;
}

export class SearchController {
  /** The most recent completed search (tests and the workbench panel read it). */
  last?: SearchRun;
  /** The QuickPick's current placeholder and items (host tests read them). */
  placeholder?: string;
  lastItems?: { label: string; embed?: string }[];

  constructor(private readonly engines: EngineManager, private readonly pipelines: PipelineState) {}

  async run(query: string, pipeline: string, signal?: AbortSignal): Promise<SearchRun> {
    const engines = this.engines.indexed();
    const run: SearchRun = { query, pipeline, hits: [], errors: [] };
    if (!engines.length) {
      run.errors.push('Nothing is indexed yet: run "CLIR: Index Workspace" first.');
      return run;
    }
    const k = cfg().get<number>('search.maxResults', 20);
    const depth = rerankDepth();
    await Promise.all(engines.map(async (e) => {
      try {
        const r = await e.client.search({ query, pipeline, k, rerankDepth: depth }, signal);
        run.queryLang = run.queryLang ?? r.queryLang;
        run.queryLangDetected = run.queryLangDetected ?? r.queryLangDetected;
        run.provider = run.provider ?? r.provider;
        run.hits.push(...r.hits.map((h) => ({ ...h, folder: e.folder.name })));
      } catch (err) {
        if (isCancelled(err)) throw err;
        run.errors.push(`${e.folder.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }));
    run.hits.sort((a, b) => b.score - a.score);
    run.hits = run.hits.slice(0, k).map((h, i) => ({ ...h, rank: i + 1 }));
    return run;
  }

  private items(run: SearchRun): HitItem[] {
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const items: HitItem[] = run.hits.map((h) => {
      const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === h.folder);
      const rel = h.path && folder ? path.relative(folder.uri.fsPath, h.path) : h.docId;
      return {
        label: `$(file) ${h.title || path.basename(h.path ?? h.docId)}`,
        description: `${h.lang || h.chunk.lang} · ${h.score.toFixed(3)} · ${multi ? h.folder + '/' : ''}${rel}`,
        detail: (h.snippet || h.chunk.text).replace(/\s+/g, ' ').trim(),
        alwaysShow: true,
        hit: h,
      };
    });
    const missing = run.errors.map(missingEmbeddingsModel).find(Boolean);
    if (missing) {
      items.push({
        label: `$(cloud-download) Press Enter to index the ${missing} embeddings (needed for ${run.pipeline})`,
        detail: `This index has no embeddings for ${missing} yet: indexing them runs with progress in a notification, then this search runs again.`,
        alwaysShow: true,
        embed: run.pipeline,
      });
    }
    for (const e of run.errors) if (!missingEmbeddingsModel(e)) items.push({ label: `$(warning) ${e}`, detail: e.length > 80 ? e : undefined, alwaysShow: true });
    if (!items.length && run.query.trim()) items.push({ label: `$(info) No results for "${run.query}" with ${run.pipeline}`, alwaysShow: true });
    return items;
  }

  /**
   * Shows the QuickPick. With `args.query` it runs that query at once and resolves when its results
   * are displayed (the QuickPick stays open: Enter / acceptSelectedQuickOpenItem opens the top hit).
   */
  show(args: { query?: string; pipeline?: string } = {}): Promise<SearchRun | undefined> {
    if (args.pipeline) void this.pipelines.set(args.pipeline);
    const qp = vscode.window.createQuickPick<HitItem>();
    qp.matchOnDescription = false;
    qp.matchOnDetail = false;
    let pipelineButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('symbol-enum'), tooltip: 'Switch pipeline' };
    const panelButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('open-preview'), tooltip: 'Open the results in the CLIR Workbench panel' };
    const setTitle = (extra = '') => {
      qp.title = `CLIR Search — ${this.pipelines.current}${extra}`;
      qp.placeholder = searchPlaceholder(this.pipelines.current);
      this.placeholder = qp.placeholder;
      pipelineButton = { iconPath: new vscode.ThemeIcon('symbol-enum'), tooltip: `Switch pipeline (now ${this.pipelines.current}; next ${this.pipelines.next()})` };
      qp.buttons = [pipelineButton, panelButton];
    };
    setTitle();

    let ac: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;
    let current: SearchRun | undefined;
    let firstResolve: ((r: SearchRun | undefined) => void) | undefined;
    const first = new Promise<SearchRun | undefined>((r) => (firstResolve = r));

    const searchNow = async (query: string) => {
      ac?.abort();
      if (!query.trim()) {
        qp.items = [];
        qp.busy = false;
        return;
      }
      const mine = new AbortController();
      ac = mine;
      qp.busy = true;
      try {
        const run = await this.run(query, this.pipelines.current, mine.signal);
        if (mine.signal.aborted) return;
        current = run;
        this.last = run;
        qp.items = this.items(run);
        this.lastItems = qp.items.map((i) => ({ label: i.label, ...(i.embed ? { embed: i.embed } : {}) }));
        const lang = run.queryLang ? `${run.queryLang}${run.queryLangDetected ? ` (or ${run.queryLangDetected}?)` : ''}` : '';
        setTitle(lang ? ` · query ${lang}${run.provider ? ' · ' + run.provider : ''}` : '');
        firstResolve?.(run);
        firstResolve = undefined;
      } catch (e) {
        if (!isCancelled(e) && !mine.signal.aborted) {
          qp.items = [{ label: `$(error) ${e instanceof Error ? e.message : String(e)}`, alwaysShow: true }];
          firstResolve?.(undefined);
          firstResolve = undefined;
        }
      } finally {
        if (ac === mine) qp.busy = false;
      }
    };
    const schedule = (query: string) => {
      if (timer) clearTimeout(timer);
      ac?.abort();
      timer = setTimeout(() => void searchNow(query), cfg().get<number>('search.debounceMs', 250));
    };

    qp.onDidChangeValue(schedule);
    qp.onDidTriggerButton(async (b) => {
      if (b === pipelineButton) {
        await this.pipelines.set(this.pipelines.next());
        setTitle();
        void searchNow(qp.value);
      } else if (b === panelButton) {
        await vscode.commands.executeCommand('clir.openWorkbench', { query: qp.value, pipeline: this.pipelines.current, results: current });
      }
    });
    qp.onDidAccept(async () => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (item?.embed) {
        const query = qp.value;
        qp.hide();
        await vscode.commands.executeCommand('clir.indexWorkspace', { pipeline: item.embed });
        await this.show({ query, pipeline: item.embed });
        return;
      }
      if (!item?.hit) return;
      qp.hide();
      await openHit(item.hit);
    });
    qp.onDidHide(() => {
      ac?.abort();
      if (timer) clearTimeout(timer);
      firstResolve?.(undefined);
      qp.dispose();
    });
    qp.show();
    if (args.query) {
      qp.value = args.query;
      void searchNow(args.query);
      return first;
    }
    return Promise.resolve(undefined);
  }
}

/** Opens a hit's file with the hit's character range selected and revealed (a PDF: its page as text). */
export async function openHit(hit: Hit, viewColumn?: vscode.ViewColumn): Promise<vscode.TextEditor | undefined> {
  if (!hit.path) {
    void vscode.window.showInformationMessage(`"${hit.docId}" is not a file in the workspace (it came from a collection).`);
    return undefined;
  }
  if (kindOf(hit.path) === 'pdf') return openPdfHit(hit, viewColumn);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(hit.path));
  const range = hitRange(doc, hit);
  const editor = await vscode.window.showTextDocument(doc, { selection: range, preview: true, ...(viewColumn ? { viewColumn } : {}) });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

/** A hit's range in its (text, Markdown or HTML) file: the index stores source offsets for every hit. */
export function hitRange(doc: vscode.TextDocument, hit: Hit): vscode.Range {
  const n = doc.getText().length;
  const start = Math.max(0, Math.min(hit.chunk.start, n));
  const end = Math.max(start, Math.min(hit.chunk.end, n));
  return new vscode.Range(doc.positionAt(start), doc.positionAt(end));
}

export const PDF_SCHEME = 'clir-pdf';

/**
 * `clir-pdf:` documents: one page of a PDF's extracted text, headed by its page number. The URI's
 * query names the file and the hit's range in the extracted text; the text is extracted again here
 * (the same reader as the index, so the offsets agree).
 */
export class PdfPageProvider implements vscode.TextDocumentContentProvider {
  private readonly views = new Map<string, ReturnType<typeof pdfPageView>>();

  async view(file: string, start: number, end: number): Promise<ReturnType<typeof pdfPageView>> {
    const key = `${file}|${start}|${end}`;
    let v = this.views.get(key);
    if (!v) {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(file));
      const { text } = await pdfToText(bytes);
      v = pdfPageView(text, start, end, path.basename(file));
      this.views.set(key, v);
    }
    return v;
  }

  static uri(file: string, hit: Hit, page: number): vscode.Uri {
    const q = new URLSearchParams({ file, start: String(hit.chunk.start), end: String(hit.chunk.end) });
    return vscode.Uri.from({ scheme: PDF_SCHEME, path: `/${path.basename(file)} — page ${page}.txt`, query: q.toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    return (await this.view(q.get('file') ?? '', Number(q.get('start')), Number(q.get('end')))).content;
  }
}

export const pdfPages = new PdfPageProvider();

async function openPdfHit(hit: Hit, viewColumn?: vscode.ViewColumn): Promise<vscode.TextEditor | undefined> {
  const file = hit.path!;
  let v: ReturnType<typeof pdfPageView>;
  try {
    v = await pdfPages.view(file, hit.chunk.start, hit.chunk.end);
  } catch (e) {
    void vscode.window.showWarningMessage(`CLIR: cannot show the text of ${path.basename(file)}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(PdfPageProvider.uri(file, hit, v.page));
  const range = new vscode.Range(doc.positionAt(v.selStart), doc.positionAt(v.selEnd));
  const editor = await vscode.window.showTextDocument(doc, { selection: range, preview: true, ...(viewColumn ? { viewColumn } : {}) });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
