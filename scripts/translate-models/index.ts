/**
 * Tiny, deterministic encoder–decoder "translation" models for tests, in the exact folder layout of
 * the hub's ONNX exports (config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
 * onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx), so transformers.js loads them with
 * `pipeline('translation', folder)` through the same code path as Xenova/opus-mt-*, NLLB and M2M100.
 *
 * The "translation" is word by word from the concept lexicon (sample/lexicon.json): every word of
 * a source language becomes the first English word of its concept; every other piece (characters of
 * unknown words, English words) is copied. How the graphs do it:
 *
 *   encoder:  last_hidden_state[b, s, 0] = T[input_ids[b, s]] · attention_mask[b, s]
 *             (T = target piece id of each source piece, as a float; padding → 0 = </s>)
 *   decoder:  position p = past sequence length (read from the shape of the self-attention cache
 *             past_key_values.0.decoder.key, which grows by one zero column per step, like a real
 *             KV cache) → k = encoder_hidden_states[b, p, 0] (0 = </s> past the end)
 *             logits[b, l, v] = −(v − k)²   so greedy decoding emits piece k.
 *
 * For NLLB/M2M100 the source starts with its language token, so position 0 is the forced target
 * language token and the words follow from position 1 — the same graph serves every family. The
 * target language does not change the output (always English): these are test fixtures for
 * loading, language-code handling, batching, caching and latency recording, not translators.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GraphBuilder } from '../demo-models/onnx-build';
import { readLexicon, repoRoot } from '../demo-models';
import type { Lexicon } from '../demo-models';

export const TRANSLATE_GENERATOR_VERSION = 'clir-translate-models/1';

export type TinyFamily = 'marian' | 'm2m100' | 'nllb';

export interface TinyModelSpec {
  /** Folder name, e.g. opus-mt-ru-en-tiny. */
  name: string;
  family: TinyFamily;
  /** Source languages whose words are translated (others are copied). */
  sources: string[];
}

export const TINY_MODELS: TinyModelSpec[] = [
  { name: 'opus-mt-ru-en-tiny', family: 'marian', sources: ['ru'] },
  { name: 'opus-mt-de-en-tiny', family: 'marian', sources: ['de'] },
  { name: 'm2m100-tiny', family: 'm2m100', sources: ['de', 'ru', 'fr', 'es', 'zh', 'ja', 'ar', 'hi', 'th'] },
  { name: 'nllb-tiny', family: 'nllb', sources: ['de', 'ru', 'fr', 'es', 'zh', 'ja', 'ar', 'hi', 'th'] },
];

const LANGS = ['en', 'de', 'ru', 'fr', 'es', 'zh', 'ja', 'ar', 'hi', 'th'];
const NLLB: Record<string, string> = {
  en: 'eng_Latn', de: 'deu_Latn', ru: 'rus_Cyrl', fr: 'fra_Latn', es: 'spa_Latn', zh: 'zho_Hans', ja: 'jpn_Jpan', ar: 'arb_Arab', hi: 'hin_Deva', th: 'tha_Thai',
};
const NO_SPACE = new Set(['zh', 'ja', 'th']);
const SP = '\u2581';

function langToken(family: TinyFamily, lang: string): string {
  return family === 'nllb' ? NLLB[lang] : `__${lang}__`;
}

interface Vocab {
  pieces: string[];
  scores: number[];
  specials: string[];
  /** target piece id per piece id */
  target: number[];
}

function buildVocab(lex: Lexicon, spec: TinyModelSpec): Vocab {
  const specials = ['</s>', '<unk>', '<pad>'];
  if (spec.family !== 'marian') specials.push(...LANGS.map((l) => langToken(spec.family, l)));
  const pieces: string[] = [...specials];
  const scores: number[] = specials.map(() => 0);
  const index = new Map<string, number>(pieces.map((p, i) => [p, i]));
  const add = (p: string, score: number): number => {
    let i = index.get(p);
    if (i === undefined) {
      i = pieces.length;
      pieces.push(p);
      scores.push(score);
      index.set(p, i);
    }
    return i;
  };
  add(SP, -8);
  const map = new Map<number, string>(); // source piece id → target piece
  const chars = new Set<string>();
  for (const c of lex.concepts) {
    const en = (c.words.en ?? []).filter((w) => !/\s/.test(w));
    for (const lang of Object.keys(c.words).sort()) {
      for (const w of c.words[lang]) {
        if (/\s/.test(w)) continue;
        for (const ch of w) chars.add(ch);
        const ids = [add(SP + w, -2)];
        if (NO_SPACE.has(lang)) ids.push(add(w, -2));
        if (en.length && spec.sources.includes(lang)) for (const id of ids) if (!map.has(id)) map.set(id, SP + en[0]);
      }
    }
  }
  for (const ch of [...chars].sort()) add(ch, -10);
  for (const en of new Set(lex.concepts.flatMap((c) => (c.words.en ?? []).filter((w) => !/\s/.test(w))))) add(SP + en, -2);
  const target = pieces.map((p, i) => {
    const t = map.get(i);
    return t === undefined ? i : index.get(t)!;
  });
  target[0] = 0;
  return { pieces, scores, specials, target };
}

function tokenizerFiles(v: Vocab, spec: TinyModelSpec): Record<string, unknown> {
  const added = v.specials.map((s, id) => ({ id, content: s, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const first = spec.family === 'marian' ? [] : [{ SpecialToken: { id: langToken(spec.family, 'en'), type_id: 0 } }];
  const specialTokens: Record<string, unknown> = { '</s>': { id: '</s>', ids: [0], tokens: ['</s>'] } };
  if (spec.family !== 'marian') for (const l of LANGS) {
    const t = langToken(spec.family, l);
    specialTokens[t] = { id: t, ids: [v.pieces.indexOf(t)], tokens: [t] };
  }
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'Metaspace', replacement: SP, prepend_scheme: 'always', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [...first, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [...first, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      special_tokens: specialTokens,
    },
    decoder: { type: 'Metaspace', replacement: SP, prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 1, vocab: v.pieces.map((p, i) => [p, v.scores[i]]), byte_fallback: false },
  };
  const tokClass = spec.family === 'marian' ? 'MarianTokenizer' : spec.family === 'nllb' ? 'NllbTokenizer' : 'M2M100Tokenizer';
  const special_tokens_map: Record<string, unknown> = { eos_token: '</s>', unk_token: '<unk>', pad_token: '<pad>' };
  if (spec.family !== 'marian') special_tokens_map.additional_special_tokens = LANGS.map((l) => langToken(spec.family, l));
  const tokenizer_config: Record<string, unknown> = { tokenizer_class: tokClass, model_max_length: 512, clean_up_tokenization_spaces: false, ...special_tokens_map };
  if (spec.family !== 'marian') Object.assign(tokenizer_config, { src_lang: langToken(spec.family, 'en'), tgt_lang: langToken(spec.family, 'en') });
  return { 'tokenizer.json': tokenizer, 'tokenizer_config.json': tokenizer_config, 'special_tokens_map.json': special_tokens_map };
}

function encoderGraph(v: Vocab, name: string): Uint8Array {
  const g = new GraphBuilder(`${name}-encoder`);
  const ids = g.input('input_ids', 'int64', ['batch_size', 'encoder_sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'encoder_sequence_length']);
  g.output('last_hidden_state', ['batch_size', 'encoder_sequence_length', 1]);
  const T = g.floatInit('target_table', [v.pieces.length], v.target);
  const k = g.node('Gather', [T, ids], { axis: 0 });
  const m = g.node('Cast', [mask], { to: 1 });
  const axes = g.int64Init('axes_last', [1], [-1]);
  g.node('Unsqueeze', [g.node('Mul', [k, m]), axes], {}, 'last_hidden_state');
  return g.toBytes(`CLIR Workbench tiny translation encoder "${name}" (generated, word-by-word lexicon lookup)`);
}

function decoderGraph(v: Vocab, name: string): Uint8Array {
  const g = new GraphBuilder(`${name}-decoder`);
  const V = v.pieces.length;
  const ids = g.input('input_ids', 'int64', ['batch_size', 'decoder_sequence_length']);
  g.input('encoder_attention_mask', 'int64', ['batch_size', 'encoder_sequence_length']);
  const enc = g.input('encoder_hidden_states', 'float', ['batch_size', 'encoder_sequence_length', 1]);
  const pdk = g.input('past_key_values.0.decoder.key', 'float', ['batch_size', 1, 'past_decoder_sequence_length', 1]);
  const pdv = g.input('past_key_values.0.decoder.value', 'float', ['batch_size', 1, 'past_decoder_sequence_length', 1]);
  g.input('past_key_values.0.encoder.key', 'float', ['batch_size', 1, 'encoder_sequence_length_out', 1]);
  g.input('past_key_values.0.encoder.value', 'float', ['batch_size', 1, 'encoder_sequence_length_out', 1]);
  g.output('logits', ['batch_size', 'decoder_sequence_length', V]);
  g.output('present.0.decoder.key', ['batch_size', 1, 'present_decoder_sequence_length', 1]);
  g.output('present.0.decoder.value', ['batch_size', 1, 'present_decoder_sequence_length', 1]);
  g.output('present.0.encoder.key', ['batch_size', 1, 'encoder_sequence_length_out', 1]);
  g.output('present.0.encoder.value', ['batch_size', 1, 'encoder_sequence_length_out', 1]);

  const i0 = g.int64Init('i0', [], [0]);
  const i1 = g.int64Init('i1', [], [1]);
  const i2 = g.int64Init('i2', [], [2]);
  const past = g.node('Gather', [g.node('Shape', [pdk]), i2], { axis: 0 });
  const len = g.node('Gather', [g.node('Shape', [ids]), i1], { axis: 0 });
  const srcLen = g.node('Gather', [g.node('Shape', [enc]), i1], { axis: 0 });
  const pos = g.node('Range', [past, g.node('Add', [past, len]), i1]);
  const last = g.node('Sub', [srcLen, i1]);
  const clamped = g.node('Max', [g.node('Min', [pos, last]), i0]);
  const inside = g.node('Cast', [g.node('Less', [pos, srcLen])], { to: 1 }); // [L] 1.0 while inside the source
  const k = g.node('Gather', [enc, clamped], { axis: 1 }); // [B, L, 1]
  const axes01 = g.int64Init('axes_0_2', [2], [0, 2]);
  const kIn = g.node('Mul', [k, g.node('Unsqueeze', [inside, axes01])]);
  const range = g.floatInit('piece_ids', [V], Array.from({ length: V }, (_, i) => i));
  const diff = g.node('Sub', [range, kIn]); // [B, L, V]
  g.node('Neg', [g.node('Mul', [diff, diff])], {}, 'logits');

  const zero = g.floatInit('f0', [], [0]);
  const col = g.node('Mul', [g.node('Cast', [ids], { to: 1 }), zero]); // [B, L]
  const axes13 = g.int64Init('axes_1_3', [2], [1, 3]);
  const step = g.node('Unsqueeze', [col, axes13]); // [B, 1, L, 1]
  g.node('Concat', [pdk, step], { axis: 2 }, 'present.0.decoder.key');
  g.node('Concat', [pdv, step], { axis: 2 }, 'present.0.decoder.value');
  const axes1 = g.int64Init('axes_1', [1], [1]);
  const encKv = g.node('Mul', [g.node('Unsqueeze', [enc, axes1]), zero]); // [B, 1, S, 1]
  g.node('Identity', [encKv], {}, 'present.0.encoder.key');
  g.node('Identity', [encKv], {}, 'present.0.encoder.value');
  return g.toBytes(`CLIR Workbench tiny translation decoder "${name}" (generated, emits the encoder's target piece at each position)`);
}

function configFiles(v: Vocab, spec: TinyModelSpec): Record<string, unknown> {
  const V = v.pieces.length;
  const common = {
    d_model: 1,
    encoder_layers: 1,
    decoder_layers: 1,
    encoder_attention_heads: 1,
    decoder_attention_heads: 1,
    vocab_size: V,
    is_encoder_decoder: true,
    eos_token_id: 0,
    pad_token_id: 2,
    max_length: 256,
    num_beams: 1,
    max_position_embeddings: 512,
  };
  const config =
    spec.family === 'marian'
      ? { ...common, architectures: ['MarianMTModel'], model_type: 'marian', decoder_start_token_id: 2, decoder_vocab_size: V, forced_eos_token_id: 0, bad_words_ids: [[2]] }
      : { ...common, architectures: ['M2M100ForConditionalGeneration'], model_type: 'm2m_100', decoder_start_token_id: 0, bos_token_id: 0 };
  const generation = {
    decoder_start_token_id: config.decoder_start_token_id,
    eos_token_id: 0,
    pad_token_id: 2,
    max_length: 256,
    num_beams: 1,
  };
  const clir: Record<string, unknown> = {
    name: spec.name,
    family: spec.family,
    description: `tiny generated ${spec.family} test model (word-by-word ${spec.sources.join('/')}→en from the concept lexicon)`,
    dtype: 'fp32',
  };
  if (spec.family === 'marian') clir.pair = { src: spec.sources[0], tgt: 'en' };
  return { 'config.json': config, 'generation_config.json': generation, 'clir-model.json': clir };
}

export interface EnsureTranslationModelsOptions {
  /** Default `<repo>/.cache/translate-models`. */
  outDir?: string;
  /** Default `<repo>/sample/lexicon.json`. */
  lexiconPath?: string;
  models?: TinyModelSpec[];
}

/** Writes the tiny models (skipped when the stamp matches); returns name → folder. */
export function ensureTranslationModels(opts: EnsureTranslationModelsOptions = {}): Record<string, string> {
  const outDir = opts.outDir ?? path.join(repoRoot(), '.cache', 'translate-models');
  const lexiconPath = opts.lexiconPath ?? path.join(repoRoot(), 'sample', 'lexicon.json');
  const { lexicon, text } = readLexicon(lexiconPath);
  const out: Record<string, string> = {};
  for (const spec of opts.models ?? TINY_MODELS) {
    const dir = path.join(outDir, spec.name);
    out[spec.name] = dir;
    const stamp = crypto.createHash('sha256').update(TRANSLATE_GENERATOR_VERSION).update(JSON.stringify(spec)).update(text).digest('hex').slice(0, 16);
    const stampFile = path.join(dir, 'stamp.json');
    if (fs.existsSync(stampFile) && JSON.parse(fs.readFileSync(stampFile, 'utf8')).stamp === stamp) continue;
    const v = buildVocab(lexicon, spec);
    const files: Record<string, Uint8Array | string> = {};
    for (const [k, val] of Object.entries({ ...tokenizerFiles(v, spec), ...configFiles(v, spec) })) files[k] = JSON.stringify(val, null, 2) + '\n';
    files['onnx/encoder_model.onnx'] = encoderGraph(v, spec.name);
    files['onnx/decoder_model_merged.onnx'] = decoderGraph(v, spec.name);
    for (const [rel, content] of Object.entries(files)) {
      const abs = path.join(dir, rel);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, content);
    }
    fs.writeFileSync(stampFile, JSON.stringify({ stamp, generator: TRANSLATE_GENERATOR_VERSION }) + '\n');
  }
  return out;
}

if (require.main === module) {
  const dir = process.argv[2];
  const res = ensureTranslationModels(dir ? { outDir: path.resolve(dir) } : {});
  for (const [n, d] of Object.entries(res)) process.stdout.write(`${n}: ${d}\n`);
}
