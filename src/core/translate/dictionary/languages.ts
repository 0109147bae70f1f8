/** ISO 639-3 / 639-2 codes (as in FreeDict names such as deu-eng) → ISO 639-1 used by the workbench. */
export const ISO3_TO_1: Record<string, string> = {
  afr: 'af', ara: 'ar', bul: 'bg', ben: 'bn', bre: 'br', cat: 'ca', ces: 'cs', cze: 'cs', cym: 'cy', wel: 'cy', dan: 'da',
  deu: 'de', ger: 'de', ell: 'el', gre: 'el', eng: 'en', epo: 'eo', spa: 'es', est: 'et', eus: 'eu', fas: 'fa', per: 'fa',
  fin: 'fi', fra: 'fr', fre: 'fr', gle: 'ga', gla: 'gd', glg: 'gl', heb: 'he', hin: 'hi', hrv: 'hr', hun: 'hu', hye: 'hy',
  ind: 'id', isl: 'is', ice: 'is', ita: 'it', jpn: 'ja', kat: 'ka', kor: 'ko', kur: 'ku', lat: 'la', lit: 'lt', lav: 'lv',
  mkd: 'mk', mar: 'mr', msa: 'ms', nld: 'nl', dut: 'nl', nno: 'nn', nob: 'nb', nor: 'no', pol: 'pl', por: 'pt', ron: 'ro',
  rum: 'ro', rus: 'ru', slk: 'sk', slo: 'sk', slv: 'sl', sqi: 'sq', srp: 'sr', swe: 'sv', swh: 'sw', swa: 'sw', tha: 'th',
  tur: 'tr', ukr: 'uk', urd: 'ur', vie: 'vi', zho: 'zh', chi: 'zh', cmn: 'zh',
};

export function toIso1(code: string): string {
  const c = code.toLowerCase();
  return ISO3_TO_1[c] ?? c;
}

/** The language pair in a FreeDict-style file name (`freedict-deu-eng.index`, `deu-eng.tei`), if any. */
export function pairFromFileName(file: string): { src: string; tgt: string } | undefined {
  const base = file.split(/[\\/]/).pop() ?? '';
  const m = /(?:^|[^a-z])([a-z]{3})-([a-z]{3})(?:[^a-z]|$)/i.exec(base);
  if (!m) return undefined;
  const [src, tgt] = [m[1].toLowerCase(), m[2].toLowerCase()];
  if (!ISO3_TO_1[src] || !ISO3_TO_1[tgt]) return undefined;
  return { src: ISO3_TO_1[src], tgt: ISO3_TO_1[tgt] };
}
