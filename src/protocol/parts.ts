/**
 * The network's parts, as a part-by-part start names them: each hidden layer (hidden1 … hiddenD,
 * for a network of depth D) and the output layer's two heads, the digit head (its 10 digit rows)
 * and the auxiliary head (its m rows), each with its bias. A pattern says which of them a student
 * takes from the teacher's initialisation; the others come from the student's independent draw.
 * Written as a `+`-joined list in any order, or as one of a few names; kept in one canonical text
 * for the network's depth, so that equal patterns are equal strings.
 */

/** The most hidden layers a network may have (the `depth` setting's maximum). */
export const MAX_DEPTH = 4;
/** The paper's network: two hidden layers. */
export const PAPER_DEPTH = 2;

export type NetworkPart = `hidden${number}` | 'digits' | 'aux';

const HEADS = ['digits', 'aux'] as const satisfies readonly NetworkPart[];
export const hiddenPart = (layer: number): NetworkPart => `hidden${layer}`;
const hiddenParts = (depth: number): NetworkPart[] => Array.from({ length: depth }, (_, i) => hiddenPart(i + 1));

/** Every part of a network with `depth` hidden layers, in network order (input side first). */
export const networkParts = (depth: number = PAPER_DEPTH): NetworkPart[] => [...hiddenParts(depth), ...HEADS];

/** A part in words, as the page's drawing of the network names it. */
export function partLabel(part: NetworkPart): string {
  if (part === 'digits') return 'Digit head';
  if (part === 'aux') return 'Auxiliary head';
  return `Hidden layer ${part.slice('hidden'.length)}`;
}

/** Names for the patterns one talks about most, for a network of `depth`; a pattern equal to one is written as its name. */
const PATTERN_NAMES = {
  all: (depth: number) => networkParts(depth),
  none: () => [],
  heads: () => [...HEADS],
  hidden: (depth: number) => hiddenParts(depth),
} as const satisfies Record<string, (depth: number) => NetworkPart[]>;
type PatternName = keyof typeof PATTERN_NAMES;

/** A pattern in its canonical text: a name, or its parts joined by `+` in network order. */
export type SharePattern = string;

const isName = (word: string): word is PatternName => Object.hasOwn(PATTERN_NAMES, word);
/** hidden1 … hidden{MAX_DEPTH}, digits, aux: the words a pattern may use at any depth. */
const isPart = (word: string): word is NetworkPart => networkParts(MAX_DEPTH).includes(word as NetworkPart);

/** What a pattern may be, in words, for messages and help. */
export const PATTERN_RANGE =
  `parts from hidden1, hidden2, … (one per hidden layer: hidden1 to hidden${MAX_DEPTH} at most), digits, aux joined by + ` +
  `(any order, each once), or one of all, none, heads (digits+aux), hidden (every hidden layer)`;

/** The canonical text of a set of parts of a network of `depth`. */
export function patternOf(parts: Iterable<NetworkPart>, depth: number = PAPER_DEPTH): SharePattern {
  const set = new Set(parts);
  const ordered = networkParts(MAX_DEPTH).filter((part) => set.has(part));
  const name = (Object.keys(PATTERN_NAMES) as PatternName[]).find((n) => {
    const named = PATTERN_NAMES[n](depth);
    return named.length === ordered.length && named.every((part) => set.has(part));
  });
  return name ?? ordered.join('+');
}

/**
 * Reads a pattern ("aux+digits", "heads") for a network of `depth` hidden layers: its canonical
 * text, or what is wrong with it.
 */
export function parsePattern(text: string, depth: number = PAPER_DEPTH): { pattern: SharePattern } | { problem: string } {
  const trimmed = text.trim();
  if (isName(trimmed)) return { pattern: patternOf(PATTERN_NAMES[trimmed](depth), depth) };
  // A link's query reads a typed "+" as a space (hidden1+aux arrives as "hidden1 aux"): a space joins parts too.
  const words = trimmed.split(/\s*\+\s*|\s+/);
  const parts: NetworkPart[] = [];
  for (const word of words) {
    if (word === '') return { problem: `"${text}" has an empty part` };
    if (isName(word)) return { problem: `"${text}" lists the name ${word} among parts; give a name alone` };
    if (!isPart(word)) return { problem: `"${word}" is not a part` };
    if (!networkParts(depth).includes(word))
      return { problem: `"${word}" is not a part of a network with ${depth} hidden layer${depth > 1 ? 's' : ''}` };
    if (parts.includes(word)) return { problem: `"${text}" lists ${word} twice` };
    parts.push(word);
  }
  return { pattern: patternOf(parts, depth) };
}

/** The parts a valid pattern shares in a network of `depth`, in network order. */
export function partsOf(pattern: SharePattern, depth: number = PAPER_DEPTH): NetworkPart[] {
  const read = parsePattern(pattern, depth);
  if ('problem' in read) throw new Error(`not a pattern of parts: ${read.problem}`);
  const canonical = read.pattern;
  return isName(canonical) ? PATTERN_NAMES[canonical](depth) : (canonical.split('+') as NetworkPart[]);
}

/**
 * A pattern read at the deepest network (any hidden layer named) kept to the parts a network of
 * `depth` has: its canonical text there, and the parts it had to leave out.
 */
export function patternAtDepth(pattern: SharePattern, depth: number): { pattern: SharePattern; dropped: NetworkPart[] } {
  const trimmed = pattern.trim();
  const parts = isName(trimmed) ? PATTERN_NAMES[trimmed](depth) : partsOf(pattern, MAX_DEPTH);
  const kept = networkParts(depth);
  return {
    pattern: patternOf(
      parts.filter((part) => kept.includes(part)),
      depth,
    ),
    dropped: parts.filter((part) => !kept.includes(part)),
  };
}

/** A pattern with one part's start switched: shared if it was drawn independently, independent if it was shared. */
export function togglePart(pattern: SharePattern, part: NetworkPart, depth: number = PAPER_DEPTH): SharePattern {
  const parts = partsOf(pattern, depth);
  return patternOf(parts.includes(part) ? parts.filter((p) => p !== part) : [...parts, part], depth);
}
