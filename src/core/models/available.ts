/**
 * Which dense encoder can be used right now without a download: the configured one when it is local
 * (a demo model, a local folder) or already in the model cache, else a cached catalogue encoder,
 * else a local model folder. Used to offer cross-lingual (dense) search after a BM25-only index.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cataloguePresets, DEMO_SOURCE_PREFIX, localModels } from './catalogue';
import type { ModelPreset } from './types';

export interface AvailableEncoder {
  name: string;
  /** Why it is usable offline: `configured`, `cached` or `local`. */
  why: 'configured' | 'cached' | 'local';
}

/** True when a hub model's files are in the transformers.js cache folder (config and an ONNX file). */
export function isHubModelCached(source: string, cacheDir: string): boolean {
  const dir = path.join(cacheDir, ...source.split('/'));
  if (!fs.existsSync(path.join(dir, 'config.json'))) return false;
  try {
    return fs.readdirSync(path.join(dir, 'onnx')).some((f) => f.endsWith('.onnx'));
  } catch {
    return false;
  }
}

function usable(p: ModelPreset, cacheDir: string): boolean {
  if (p.source.startsWith(DEMO_SOURCE_PREFIX) || path.isAbsolute(p.source)) return true;
  return isHubModelCached(p.source, cacheDir);
}

export function availableEncoder(opts: { configured?: string; cacheDir: string; localDirs?: string[] }): AvailableEncoder | undefined {
  const cat = cataloguePresets().filter((p) => p.kind === 'encoder');
  const locals = localModels(opts.localDirs ?? []).filter((p) => p.kind === 'encoder');
  const configured = opts.configured?.trim();
  if (configured) {
    const c = cat.find((p) => p.name.toLowerCase() === configured.toLowerCase());
    if (c && usable(c, opts.cacheDir)) return { name: c.name, why: 'configured' };
    const l = locals.find((p) => p.name.toLowerCase() === configured.toLowerCase());
    if (l) return { name: l.name, why: 'configured' };
  }
  const cached = cat.find((p) => !p.source.startsWith(DEMO_SOURCE_PREFIX) && !path.isAbsolute(p.source) && isHubModelCached(p.source, opts.cacheDir));
  if (cached) return { name: cached.name, why: 'cached' };
  if (locals[0]) return { name: locals[0].name, why: 'local' };
  return undefined;
}
