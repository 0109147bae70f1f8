/** Deterministic multilingual text for the benchmarks: pseudo-words in six scripts. */
import { rng } from './vectors';

const SCRIPTS: { name: string; lang: string; cons: string; vow: string; spaced: boolean }[] = [
  { name: 'latin', lang: 'en', cons: 'bcdfghjklmnprstvwz', vow: 'aeiou', spaced: true },
  { name: 'latin-accents', lang: 'de', cons: 'bcdfghklmnprstwzß', vow: 'aeiouäöü', spaced: true },
  { name: 'cyrillic', lang: 'ru', cons: 'бвгдзклмнпрстфхцчшщ', vow: 'аеиоуыэюя', spaced: true },
  { name: 'greek', lang: 'el', cons: 'βγδζθκλμνξπρστφχψ', vow: 'αεηιουω', spaced: true },
  { name: 'arabic', lang: 'ar', cons: 'بتثجحخدذرزسشصضطظعغفقكلمنهو', vow: 'اوي', spaced: true },
  { name: 'devanagari', lang: 'hi', cons: 'कखगघचछजझटठडढतथदधनपफबभमयरलवशसह', vow: 'ािीुूेैोौ', spaced: true },
  { name: 'cjk', lang: 'zh', cons: '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切府', vow: '', spaced: false },
];

export interface TextGen {
  word(): string;
  /** About `words` words (CJK: characters) of one script, as sentences. */
  passage(words: number, script?: number): { text: string; lang: string };
}

export function textGen(seed: number): TextGen {
  const r = rng(seed);
  const pick = (s: string) => s[Math.floor(r() * s.length)];
  // Zipf-ish lexicon per script so that frequent words repeat (realistic postings).
  const lexicons = SCRIPTS.map((sc) => {
    const words: string[] = [];
    for (let i = 0; i < 4000; i++) {
      if (!sc.spaced) {
        const n = 1 + Math.floor(r() * 3);
        let w = '';
        for (let j = 0; j < n; j++) w += pick(sc.cons);
        words.push(w);
      } else {
        const syl = 1 + Math.floor(r() * 3) + (r() < 0.3 ? 1 : 0);
        let w = '';
        for (let j = 0; j < syl; j++) w += pick(sc.cons) + (sc.vow ? pick(sc.vow) : '') + (r() < 0.3 ? pick(sc.cons) : '');
        words.push(w);
      }
    }
    return words;
  });
  const zipf = (n: number) => Math.min(n - 1, Math.floor(Math.pow(r(), 2.2) * n));
  const word = (s: number) => lexicons[s][zipf(lexicons[s].length)];
  return {
    word: () => word(Math.floor(r() * SCRIPTS.length)),
    passage(words: number, script?: number) {
      const s = script ?? Math.floor(r() * SCRIPTS.length);
      const sc = SCRIPTS[s];
      const parts: string[] = [];
      let sentence: string[] = [];
      for (let i = 0; i < words; i++) {
        sentence.push(word(s));
        if (sentence.length >= 6 + Math.floor(r() * 10) || i === words - 1) {
          parts.push(sentence.join(sc.spaced ? ' ' : '') + (sc.spaced ? '.' : '。'));
          sentence = [];
        }
      }
      return { text: parts.join(sc.spaced ? ' ' : ''), lang: sc.lang };
    },
  };
}

/** Every pseudo-word of every script (for building a tokenizer vocabulary that fits the text). */
export function allWords(seed: number): string[] {
  const g = textGen(seed);
  const out = new Set<string>();
  for (let i = 0; i < 200000 && out.size < 60000; i++) out.add(g.word());
  return [...out];
}

export const SCRIPT_NAMES = SCRIPTS.map((s) => s.name);
