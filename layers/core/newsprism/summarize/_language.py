"""The language of a headline, and the names the language mark uses (issue 20).

A listed article carries its feed's language (``Article.language``: the edition searched,
"es" for a Spanish one), but a related report carries none, an outlet's own feed often
declares none, and an edition now and then returns a headline in another language. The
headline itself is the better witness when it is clear: its script (Hangul, kana, Cyrillic…)
or, for Latin script, which language's function words it uses. A headline too short to tell
("Venezuela: Maduro") keeps the declared language, or none.
"""

from __future__ import annotations

import re
from collections import Counter

# ISO 639-1: every code, with its English name for the mark "(in Spanish)" ("_" for a space).
_ISO_639_1 = """
aa=Afar ab=Abkhazian ae=Avestan af=Afrikaans ak=Akan am=Amharic an=Aragonese ar=Arabic
as=Assamese av=Avaric ay=Aymara az=Azerbaijani ba=Bashkir be=Belarusian bg=Bulgarian
bi=Bislama bm=Bambara bn=Bengali bo=Tibetan br=Breton bs=Bosnian ca=Catalan ce=Chechen
ch=Chamorro co=Corsican cr=Cree cs=Czech cu=Church_Slavonic cv=Chuvash cy=Welsh da=Danish
de=German dv=Divehi dz=Dzongkha ee=Ewe el=Greek en=English eo=Esperanto es=Spanish
et=Estonian eu=Basque fa=Persian ff=Fulah fi=Finnish fj=Fijian fo=Faroese fr=French
fy=Western_Frisian ga=Irish gd=Scottish_Gaelic gl=Galician gn=Guarani gu=Gujarati gv=Manx
ha=Hausa he=Hebrew hi=Hindi ho=Hiri_Motu hr=Croatian ht=Haitian_Creole hu=Hungarian
hy=Armenian hz=Herero ia=Interlingua id=Indonesian ie=Interlingue ig=Igbo ii=Sichuan_Yi
ik=Inupiaq io=Ido is=Icelandic it=Italian iu=Inuktitut ja=Japanese jv=Javanese ka=Georgian
kg=Kongo ki=Kikuyu kj=Kuanyama kk=Kazakh kl=Kalaallisut km=Khmer kn=Kannada ko=Korean
kr=Kanuri ks=Kashmiri ku=Kurdish kv=Komi kw=Cornish ky=Kyrgyz la=Latin lb=Luxembourgish
lg=Ganda li=Limburgish ln=Lingala lo=Lao lt=Lithuanian lu=Luba-Katanga lv=Latvian
mg=Malagasy mh=Marshallese mi=Maori mk=Macedonian ml=Malayalam mn=Mongolian mr=Marathi
ms=Malay mt=Maltese my=Burmese na=Nauru nb=Norwegian_Bokmål nd=North_Ndebele ne=Nepali
ng=Ndonga nl=Dutch nn=Norwegian_Nynorsk no=Norwegian nr=South_Ndebele nv=Navajo ny=Chichewa
oc=Occitan oj=Ojibwa om=Oromo or=Odia os=Ossetian pa=Punjabi pi=Pali pl=Polish ps=Pashto
pt=Portuguese qu=Quechua rm=Romansh rn=Kirundi ro=Romanian ru=Russian rw=Kinyarwanda
sa=Sanskrit sc=Sardinian sd=Sindhi se=Northern_Sami sg=Sango si=Sinhala sk=Slovak
sl=Slovenian sm=Samoan sn=Shona so=Somali sq=Albanian sr=Serbian ss=Swati st=Southern_Sotho
su=Sundanese sv=Swedish sw=Swahili ta=Tamil te=Telugu tg=Tajik th=Thai ti=Tigrinya
tk=Turkmen tl=Tagalog tn=Tswana to=Tongan tr=Turkish ts=Tsonga tt=Tatar tw=Twi ty=Tahitian
ug=Uyghur uk=Ukrainian ur=Urdu uz=Uzbek ve=Venda vi=Vietnamese vo=Volapük wa=Walloon
wo=Wolof xh=Xhosa yi=Yiddish yo=Yoruba za=Zhuang zh=Chinese zu=Zulu
"""
NAMES: dict[str, str] = {code: name.replace("_", " ") for code, name in
                         (pair.split("=") for pair in _ISO_639_1.split())}

# Scripts that name their language outright: a block, its language, and letters of the
# block only some of its languages use (kana: Japanese also writes Han; Persian and Urdu
# letters in the Arabic block; Ukrainian ones in Cyrillic).
_SCRIPTS: tuple[tuple[re.Pattern[str], str, tuple[tuple[re.Pattern[str], str], ...]], ...] = (
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), "ko", ()),
    (re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"), "zh",
     ((re.compile(r"[\u3040-\u30ff]"), "ja"),)),
    (re.compile(r"[\u0400-\u04ff]"), "ru", ((re.compile(r"[іїєґІЇЄҐ]"), "uk"),)),
    (re.compile(r"[\u0600-\u06ff]"), "ar",
     ((re.compile(r"[ٹڈڑںے]"), "ur"), (re.compile(r"[پچژگ]"), "fa"))),
    (re.compile(r"[\u0900-\u097f]"), "hi", ()),
    (re.compile(r"[\u0980-\u09ff]"), "bn", ()),
    (re.compile(r"[\u0b80-\u0bff]"), "ta", ()),
    (re.compile(r"[\u0590-\u05ff]"), "he", ()),
    (re.compile(r"[\u0370-\u03ff]"), "el", ()),
    (re.compile(r"[\u0e00-\u0e7f]"), "th", ()),
)
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# Function words of the Latin-script languages newsprism's feeds bring, each listed where it
# is a word of that language (many are of several: "en", "de", "a" count for each).
_FUNCTION_WORDS = {
    "en": "the of and to in on for with is are was were as at by from after over says said "
          "will has have be its it this that what how why who not amid against about into "
          "than more his her their an new could would up out",
    "es": "el la los las del de y en con por para que se su sus un una es al tras sobre como "
          "más entre ante desde hasta contra sin según este esta dice ya pero fue ha han lo "
          "le muy cómo qué",
    "pt": "o os da do das dos em no na nas nos um uma com para por e é não ao à pelo pela "
          "mais que se sobre diz após",
    "fr": "le la les des du de et en un une dans pour sur avec par est au aux ce qui que pas "
          "ne plus selon après",
    "de": "der die das und den dem des ist mit von zu im auf für nicht ein eine sich bei "
          "nach aus wie wird",
    "it": "il lo gli della dello delle degli di e che per con un una sono nel nella alla "
          "dal dalla è del",
}
_WORDS_OF = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_MARKS = {"es": re.compile(r"[ñ¿¡]"), "pt": re.compile(r"[ãõ]"), "de": re.compile(r"[äöüß]")}


def _script(title: str) -> str:
    """The language a non-Latin script names, ``""`` for Latin script or no letters."""
    letters = len(_LETTER.findall(title))
    for script, code, witnesses in _SCRIPTS:
        if letters and len(script.findall(title)) * 2 >= letters:
            return next((lang for witness, lang in witnesses if witness.search(title)), code)
    return ""


def _scores(title: str) -> list[tuple[str, int]]:
    """Function words (and letters such as "ñ", worth two) of each language, most first;
    ties in code order, so that the guess is deterministic."""
    words = {word.casefold() for word in _WORD.findall(title)}
    scores = Counter({lang: len(words & vocabulary) for lang, vocabulary in _WORDS_OF.items()})
    for lang, mark in _MARKS.items():
        if mark.search(title):
            scores[lang] += 2
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def guess_language(title: str) -> tuple[str, bool]:
    """``(code, sure)``: the headline's language, ``""`` when it cannot tell; ``sure`` when
    its script says so or its function words clearly do."""
    if script := _script(title):
        return script, True
    (best, top), (_, second) = _scores(title)[:2]
    if top < 2 and top == second:  # "en" alone: Spanish or French, no telling
        return "", False
    return best, top >= 2 and top >= 2 * second


def report_language(title: str, declared: str = "") -> str:
    """A report's language: its script's; else the one its feed declared, unless the
    headline's function words plainly are another language's ("Llegan 142 migrantes a
    Venezuela en un vuelo..." from an English edition, which shares "en", "un", "de" with
    French: Spanish or French, it is not English); else the headline's best guess."""
    if script := _script(title):
        return script
    if not declared:
        return guess_language(title)[0]
    scores = _scores(title)
    best, top = scores[0]
    own = dict(scores).get(declared, 0)
    return best if top >= 2 and top >= 2 * (own + 1) else declared


def language_name(code: str) -> str:
    return NAMES.get(code, code)
