/**
 * tokenizer.json / tokenizer_config.json / special_tokens_map.json writers in the
 * Hugging Face `tokenizers` format, shaped like the real BERT and XLM-R files.
 */

function added(id: number, content: string) {
  return { id, content, single_word: false, lstrip: content === '<mask>', rstrip: false, normalized: false, special: true };
}

export function bertTokenizerFiles(tokens: string[], maxLength: number): Record<string, unknown> {
  const id = (t: string) => {
    const i = tokens.indexOf(t);
    if (i < 0) throw new Error(`missing special token ${t}`);
    return i;
  };
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((s) => added(id(s), s)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  const special_tokens_map = { unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' };
  const tokenizer_config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    strip_accents: false,
    tokenize_chinese_chars: true,
    clean_up_tokenization_spaces: true,
    model_max_length: maxLength,
    ...special_tokens_map,
  };
  return {
    'tokenizer.json': tokenizer,
    'tokenizer_config.json': tokenizer_config,
    'special_tokens_map.json': special_tokens_map,
  };
}

export function xlmrTokenizerFiles(tokens: string[], scores: number[], maxLength: number): Record<string, unknown> {
  const id = (t: string) => {
    const i = tokens.indexOf(t);
    if (i < 0) throw new Error(`missing special token ${t}`);
    return i;
  };
  const specials = ['<s>', '<pad>', '</s>', '<unk>', '<mask>'];
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((s) => added(id(s), s)),
    // Real XLM-R uses a Precompiled (NFKC-like) charsmap and keeps case; the demo
    // vocabulary is lowercase, so it lowercases too.
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }],
    },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: {
        '<s>': { id: '<s>', ids: [id('<s>')], tokens: ['<s>'] },
        '</s>': { id: '</s>', ids: [id('</s>')], tokens: ['</s>'] },
      },
    },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: {
      type: 'Unigram',
      unk_id: id('<unk>'),
      vocab: tokens.map((t, i) => [t, specials.includes(t) ? 0 : scores[i]]),
      byte_fallback: false,
    },
  };
  const special_tokens_map = {
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    sep_token: '</s>',
    pad_token: '<pad>',
    cls_token: '<s>',
    mask_token: '<mask>',
  };
  const tokenizer_config = {
    tokenizer_class: 'XLMRobertaTokenizer',
    clean_up_tokenization_spaces: true,
    model_max_length: maxLength,
    ...special_tokens_map,
  };
  return {
    'tokenizer.json': tokenizer,
    'tokenizer_config.json': tokenizer_config,
    'special_tokens_map.json': special_tokens_map,
  };
}
