// Is a message plainly not English? The bot reads English only; a German or French sentence must get
// "I read English" rather than a misreading of its words as role names. Cheap on purpose: one pass over
// the characters (how much is a non-Latin script) and one over the words (function words of the common
// European languages against English ones). Role names are English product terms, so they count for nothing.
import { trimEnd, trimStart } from '../parsing/tokens';

/** Words that are frequent in one language and not English words (nor role or scope names). */
const FOREIGN_WORDS: ReadonlySet<string> = new Set([
  // German
  'ich', 'brauche', 'bitte', 'für', 'fuer', 'stunde', 'stunden', 'und', 'nicht', 'mit', 'ist', 'das', 'der', 'ein', 'eine', 'einen', 'mir',
  'möchte', 'moechte', 'kann', 'können', 'habe', 'welche', 'rollen', 'meine', 'aktivieren', 'danke', 'hallo', 'wie', 'lange', 'noch', 'zugriff',
  'kannst', 'du', 'geben', 'minuten', 'heute', 'morgen', 'warum', 'weil', 'wer', 'ist', 'sind', 'auf', 'bis', 'uhr', 'gib', 'geben', 'benötige',
  // French
  'peux', 'peux-tu', 'tu', 'pouvez', 'pouvez-vous', 'je', 'besoin', 'pour', 'une', 'heure', 'heures', 'le', 'les', 'des', 'est', 'pas', 'avec', 'mon', 'mes', 'moi', 'voudrais', 'veux',
  'bonjour', 'merci', 'rôle', 'rôles', 'activer', 'combien', 'temps', 'pourquoi', "j'ai", 'suis', 'qui', 'quels', 'quel', 'jusqu',
  // Spanish
  'puedes', 'podrías', 'podrias', 'necesito', 'para', 'hora', 'horas', 'por', 'favor', 'el', 'los', 'las', 'una', 'quiero', 'hola', 'gracias', 'activar', 'mis',
  'cuánto', 'tiempo', 'qué', 'puedo', 'tengo', 'también', 'porque', 'hasta', 'rol',
  // Dutch
  'kun', 'kunt', 'jij', 'ik', 'heb', 'nodig', 'voor', 'uur', 'een', 'het', 'niet', 'wil', 'graag', 'alsjeblieft', 'mijn', 'welke', 'rollen', 'dank', 'bedankt', 'hoe',
  'lang', 'nog', 'activeren', 'waarom', 'tot',
  // Italian
  'puoi', 'potresti', 'ho', 'bisogno', 'di', 'per', 'ora', 'ore', 'il', 'della', 'sono', 'voglio', 'ciao', 'grazie', 'attivare', 'miei', 'quanto', 'perché', 'fino',
  // Portuguese
  'podes', 'você', 'voce', 'preciso', 'obrigado', 'obrigada', 'olá', 'ola', 'meu', 'meus', 'uma', 'não', 'nao', 'quero', 'ativar', 'até',
]);

/** English function words: a sentence with as many of these is English, whatever else it holds. */
const ENGLISH_WORDS: ReadonlySet<string> = new Set([
  'i', 'need', 'the', 'for', 'to', 'an', 'a', 'and', 'my', 'me', 'is', 'are', 'what', 'who', 'how', 'can', 'please', 'give', 'get', 'hour',
  'hours', 'minutes', 'because', 'until', 'activate', 'with', 'of', 'it', 'you', 'do', 'have', 'want', 'role', 'roles', 'access', 'on', 'in',
  'turn', 'off', 'done', 'help', 'hi', 'hello', 'thanks', 'which', 'am', 'this', 'that', 'be', 'will', 'should', 'could', 'would', 'from',
]);

/** Greetings and thanks that make a whole message in another language. */
const FOREIGN_ALONE: ReadonlySet<string> = new Set(['hilfe', 'ayuda', 'aide', 'aiuto', 'ajuda', 'hulp', 'hallo', 'danke', 'bonjour', 'merci', 'hola', 'gracias', 'ciao', 'grazie', 'bedankt', 'obrigado', 'obrigada', 'olá', 'salut', 'servus', 'moin', 'tschüss']);

const LETTER = /\p{L}/u;
const NOT_LETTER = /^[^\p{L}']$/u;
const LATIN = /\p{Script=Latin}/u;

export function looksForeign(text: string): boolean {
  let letters = 0;
  let latin = 0;
  for (const ch of text) {
    if (!LETTER.test(ch)) continue;
    letters++;
    if (LATIN.test(ch)) latin++;
  }
  // Cyrillic, Greek, CJK, Arabic, Hebrew...: a good part of the letters outside the Latin script (role
  // names stay in English inside such a sentence: "Мне нужна роль Global Reader").
  const other = letters - latin;
  if (other >= 2 && other * 3 >= letters) return true;
  const words: string[] = [];
  for (const raw of text.toLowerCase().split(/\s+/)) {
    const word = trimEnd(trimStart(raw, NOT_LETTER), NOT_LETTER);
    if (word !== '') words.push(word);
  }
  if (words.length === 0) return false;
  if (words.length <= 2 && words.some((w) => FOREIGN_ALONE.has(w))) return true;
  let foreign = 0;
  let english = 0;
  for (const word of words) {
    if (ENGLISH_WORDS.has(word)) english++;
    else if (FOREIGN_WORDS.has(word)) foreign++;
  }
  return foreign >= 2 && foreign > english;
}
