/**
 * Built-in lexicon used when `sample/lexicon.json` does not exist (yet).
 * Same format as the sample lexicon; kept small on purpose.
 */
import type { Lexicon } from './lexicon';

export const FALLBACK_LEXICON: Lexicon = {
  "version": 1,
  "concepts": [
    {
      "id": "dog",
      "words": {
        "en": [
          "dog",
          "dogs"
        ],
        "de": [
          "hund",
          "hunde"
        ],
        "fr": [
          "chien",
          "chiens"
        ],
        "es": [
          "perro",
          "perros"
        ],
        "ru": [
          "собака",
          "собаки"
        ],
        "zh": [
          "狗"
        ],
        "ja": [
          "犬"
        ],
        "ar": [
          "كلب"
        ],
        "th": [
          "สุนัข"
        ]
      }
    },
    {
      "id": "cat",
      "words": {
        "en": [
          "cat",
          "cats"
        ],
        "de": [
          "katze",
          "katzen"
        ],
        "fr": [
          "chat",
          "chats"
        ],
        "es": [
          "gato",
          "gatos"
        ],
        "ru": [
          "кошка",
          "кошки"
        ],
        "zh": [
          "猫"
        ],
        "ja": [
          "猫"
        ],
        "ar": [
          "قطة"
        ],
        "th": [
          "แมว"
        ]
      }
    },
    {
      "id": "water",
      "words": {
        "en": [
          "water"
        ],
        "de": [
          "wasser"
        ],
        "fr": [
          "eau"
        ],
        "es": [
          "agua"
        ],
        "ru": [
          "вода",
          "воды"
        ],
        "zh": [
          "水"
        ],
        "ja": [
          "水"
        ],
        "ar": [
          "ماء"
        ],
        "th": [
          "น้ำ"
        ]
      }
    },
    {
      "id": "school",
      "words": {
        "en": [
          "school",
          "schools"
        ],
        "de": [
          "schule",
          "schulen"
        ],
        "fr": [
          "école",
          "écoles"
        ],
        "es": [
          "escuela",
          "escuelas"
        ],
        "ru": [
          "школа",
          "школы"
        ],
        "zh": [
          "学校"
        ],
        "ja": [
          "学校"
        ],
        "ar": [
          "مدرسة"
        ],
        "th": [
          "โรงเรียน"
        ]
      }
    },
    {
      "id": "train",
      "words": {
        "en": [
          "train",
          "trains",
          "railway"
        ],
        "de": [
          "zug",
          "züge",
          "bahn"
        ],
        "fr": [
          "train",
          "trains"
        ],
        "es": [
          "tren",
          "trenes"
        ],
        "ru": [
          "поезд",
          "поезда"
        ],
        "zh": [
          "火车"
        ],
        "ja": [
          "電車"
        ],
        "ar": [
          "قطار"
        ],
        "th": [
          "รถไฟ"
        ]
      }
    },
    {
      "id": "weather",
      "words": {
        "en": [
          "weather",
          "rain"
        ],
        "de": [
          "wetter",
          "regen"
        ],
        "fr": [
          "météo",
          "pluie"
        ],
        "es": [
          "tiempo",
          "lluvia"
        ],
        "ru": [
          "погода",
          "дождь"
        ],
        "zh": [
          "天气",
          "雨"
        ],
        "ja": [
          "天気",
          "雨"
        ],
        "ar": [
          "طقس",
          "مطر"
        ],
        "th": [
          "อากาศ",
          "ฝน"
        ]
      }
    },
    {
      "id": "doctor",
      "words": {
        "en": [
          "doctor",
          "doctors",
          "hospital"
        ],
        "de": [
          "arzt",
          "ärzte",
          "krankenhaus"
        ],
        "fr": [
          "médecin",
          "hôpital"
        ],
        "es": [
          "médico",
          "hospital"
        ],
        "ru": [
          "врач",
          "больница"
        ],
        "zh": [
          "医生",
          "医院"
        ],
        "ja": [
          "医者",
          "病院"
        ],
        "ar": [
          "طبيب",
          "مستشفى"
        ],
        "th": [
          "หมอ",
          "โรงพยาบาล"
        ]
      }
    },
    {
      "id": "money",
      "words": {
        "en": [
          "money",
          "bank"
        ],
        "de": [
          "geld",
          "bank"
        ],
        "fr": [
          "argent",
          "banque"
        ],
        "es": [
          "dinero",
          "banco"
        ],
        "ru": [
          "деньги",
          "банк"
        ],
        "zh": [
          "钱",
          "银行"
        ],
        "ja": [
          "お金",
          "銀行"
        ],
        "ar": [
          "مال",
          "بنك"
        ],
        "th": [
          "เงิน",
          "ธนาคาร"
        ]
      }
    }
  ]
};
