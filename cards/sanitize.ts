// Makes an expanded card safe to show: each text field is treated by how the client renders it.
// Runs on the card as a whole, after templating, so that no view and no template can forget it;
// action data (ids, nonces, keys) is never touched.
import { cleanText, defangLinks, plainText } from './plainText';

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rewrite(node: Node, field: string, how: (text: string) => string): void {
  const value = node[field];
  if (typeof value === 'string') node[field] = how(value);
}

/** Shown as it is by every client (input values, choice and button titles): only visible characters, and no address to click. */
const verbatim = (text: string): string => defangLinks(cleanText(text));

/** Sanitizes `card` in place and returns it. */
export function sanitizeCard<T>(card: T): T {
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (!isNode(value)) return;
    const type = typeof value['type'] === 'string' ? value['type'] : '';
    // TextRun is not Markdown in the schema, but a client that parsed it would show a live link: escaped too.
    if (type === 'TextBlock' || type === 'TextRun') rewrite(value, 'text', plainText);
    else if (type === 'FactSet' && Array.isArray(value['facts'])) {
      for (const fact of value['facts']) {
        if (!isNode(fact)) continue;
        rewrite(fact, 'title', plainText);
        rewrite(fact, 'value', plainText);
      }
    } else if (type.startsWith('Action.')) {
      rewrite(value, 'title', verbatim);
      walkElements(value);
      return;
    } else if (type.startsWith('Input.')) {
      for (const field of ['placeholder', 'label', 'errorMessage', 'title']) rewrite(value, field, verbatim);
      // An input's value is what its own user typed (a search) or the bot's ids (a choice): it only loses invisible characters.
      rewrite(value, 'value', cleanText);
      if (Array.isArray(value['choices'])) for (const choice of value['choices']) if (isNode(choice)) rewrite(choice, 'title', verbatim);
    } else if (type === 'AdaptiveCard') {
      rewrite(value, 'fallbackText', cleanText);
    }
    walkElements(value);
  };
  /** Child elements only: an action's data is the bot's own ids and is left exactly as it is. */
  const walkElements = (node: Node): void => {
    for (const [key, child] of Object.entries(node)) if (key !== 'data') walk(child);
  };
  walk(card);
  return card;
}
