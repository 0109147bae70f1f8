import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureDemoModels, GENERATOR_VERSION } from '../../../scripts/demo-models';
import { LEXICON, testModels } from './helpers';

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}

describe('models: demo model generator', () => {
  it('writes transformers.js-shaped folders', async () => {
    const folders = await testModels().folders;
    for (const [name, dir] of Object.entries(folders)) {
      assert.ok(path.isAbsolute(dir), `${name} folder is absolute`);
      for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'clir-model.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) {
        assert.ok(fs.existsSync(path.join(dir, f)), `${name}/${f} exists`);
      }
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
      const tok = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
      assert.ok(config.model_type, 'model_type set');
      assert.ok(tok.pad_token, 'pad_token set');
      const offset = config.model_type === 'xlm-roberta' ? 2 : 0;
      assert.ok(tok.model_max_length <= config.max_position_embeddings - offset, 'model_max_length fits the position table');
      const size = fs.statSync(path.join(dir, 'onnx/model.onnx')).size;
      assert.ok(size < 4 * 1024 * 1024, `${name} is tiny (${size} bytes)`);
    }
    const rr = JSON.parse(fs.readFileSync(path.join(folders.reranker, 'config.json'), 'utf8'));
    assert.deepStrictEqual(rr.architectures, ['BertForSequenceClassification']);
    assert.strictEqual(rr.num_labels, 1);
    const x = JSON.parse(fs.readFileSync(path.join(folders.xlmr, 'tokenizer.json'), 'utf8'));
    assert.strictEqual(x.model.type, 'Unigram');
    assert.strictEqual(x.pre_tokenizer.type, 'Metaspace');
    const b = JSON.parse(fs.readFileSync(path.join(folders.bert, 'tokenizer.json'), 'utf8'));
    assert.strictEqual(b.model.type, 'WordPiece');
    assert.strictEqual(b.normalizer.strip_accents, false);
  });

  it('is deterministic: two runs give identical bytes', async () => {
    const a = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-gen-a-'));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-gen-b-'));
    try {
      const fa = await ensureDemoModels({ outDir: a, lexiconPath: LEXICON });
      const fb = await ensureDemoModels({ outDir: b, lexiconPath: LEXICON });
      for (const key of Object.keys(fa) as (keyof typeof fa)[]) {
        const files = listFiles(fa[key]);
        assert.deepStrictEqual(files, listFiles(fb[key]));
        for (const f of files) {
          assert.ok(fs.readFileSync(path.join(fa[key], f)).equals(fs.readFileSync(path.join(fb[key], f))), `${key}/${f} identical`);
        }
      }
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  });

  it('is idempotent and regenerates only when the lexicon changes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-gen-stamp-'));
    const lex = path.join(dir, 'lexicon.json');
    try {
      fs.copyFileSync(LEXICON, lex);
      const f1 = await ensureDemoModels({ outDir: path.join(dir, 'out'), lexiconPath: lex });
      const model = path.join(f1.bert, 'onnx', 'model.onnx');
      const stamp1 = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'stamp.json'), 'utf8'));
      assert.strictEqual(stamp1.generator, GENERATOR_VERSION);
      const ino1 = fs.statSync(model).ino;
      await ensureDemoModels({ outDir: path.join(dir, 'out'), lexiconPath: lex });
      assert.strictEqual(fs.statSync(model).ino, ino1, 'not rewritten when nothing changed');
      const data = JSON.parse(fs.readFileSync(lex, 'utf8'));
      data.concepts.push({ id: 'bread', words: { en: ['bread'], de: ['brot'] } });
      fs.writeFileSync(lex, JSON.stringify(data));
      const before = fs.readFileSync(model);
      await ensureDemoModels({ outDir: path.join(dir, 'out'), lexiconPath: lex });
      const stamp2 = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'stamp.json'), 'utf8'));
      assert.notStrictEqual(stamp2.hash, stamp1.hash);
      assert.ok(!before.equals(fs.readFileSync(model)), 'model regenerated for the new lexicon');
      const vocab = fs.readFileSync(path.join(f1.bert, 'vocab.txt'), 'utf8').split('\n');
      assert.ok(vocab.includes('brot'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a missing explicit lexicon clearly', async () => {
    await assert.rejects(ensureDemoModels({ outDir: path.join(os.tmpdir(), 'clir-never'), lexiconPath: '/nonexistent/lexicon.json' }), /Lexicon not found/);
  });
});
