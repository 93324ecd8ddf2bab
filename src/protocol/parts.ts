/**
 * The network's four parts, as a part-by-part start names them: the first and second hidden layers,
 * the digit head (the output layer's 10 digit rows) and the auxiliary head (its m rows), each with
 * its bias. A pattern says which of them a student takes from the teacher's initialisation; the
 * others come from the student's independent draw. Written as a `+`-joined list in any order, or
 * as one of a few names; kept in one canonical text, so that equal patterns are equal strings.
 */

export const NETWORK_PARTS = ['hidden1', 'hidden2', 'digits', 'aux'] as const;
export type NetworkPart = (typeof NETWORK_PARTS)[number];

/** Each part in words, as the page's drawing of the network names it. */
export const PART_LABELS: Record<NetworkPart, string> = {
  hidden1: 'Hidden layer 1',
  hidden2: 'Hidden layer 2',
  digits: 'Digit head',
  aux: 'Auxiliary head',
};

/** Names for the patterns one talks about most; a pattern equal to one is written as its name. */
export const PATTERN_NAMES = {
  all: [...NETWORK_PARTS],
  none: [],
  heads: ['digits', 'aux'],
  hidden: ['hidden1', 'hidden2'],
} as const satisfies Record<string, readonly NetworkPart[]>;
type PatternName = keyof typeof PATTERN_NAMES;

/** A pattern in its canonical text: a name, or its parts joined by `+` in NETWORK_PARTS order. */
export type SharePattern = string;

const isPart = (word: string): word is NetworkPart => (NETWORK_PARTS as readonly string[]).includes(word);
const isName = (word: string): word is PatternName => Object.hasOwn(PATTERN_NAMES, word);

/** What a pattern may be, in words, for messages and help. */
export const PATTERN_RANGE =
  `parts from ${NETWORK_PARTS.join(', ')} joined by + (any order, each once), or one of ` +
  (Object.entries(PATTERN_NAMES) as [PatternName, readonly NetworkPart[]][])
    .map(([name, parts]) => (parts.length === 0 || parts.length === NETWORK_PARTS.length ? name : `${name} (${parts.join('+')})`))
    .join(', ');

/** The canonical text of a set of parts. */
export function patternOf(parts: Iterable<NetworkPart>): SharePattern {
  const set = new Set(parts);
  const ordered = NETWORK_PARTS.filter((part) => set.has(part));
  const name = (Object.keys(PATTERN_NAMES) as PatternName[]).find(
    (n) => PATTERN_NAMES[n].length === ordered.length && PATTERN_NAMES[n].every((part) => set.has(part)),
  );
  return name ?? ordered.join('+');
}

/** Reads a pattern ("aux+digits", "heads"): its canonical text, or what is wrong with it. */
export function parsePattern(text: string): { pattern: SharePattern } | { problem: string } {
  const trimmed = text.trim();
  if (isName(trimmed)) return { pattern: trimmed };
  // A link's query reads a typed "+" as a space (hidden1+aux arrives as "hidden1 aux"): a space joins parts too.
  const words = trimmed.split(/\s*\+\s*|\s+/);
  const parts: NetworkPart[] = [];
  for (const word of words) {
    if (word === '') return { problem: `"${text}" has an empty part` };
    if (isName(word)) return { problem: `"${text}" lists the name ${word} among parts; give a name alone` };
    if (!isPart(word)) return { problem: `"${word}" is not a part` };
    if (parts.includes(word)) return { problem: `"${text}" lists ${word} twice` };
    parts.push(word);
  }
  return { pattern: patternOf(parts) };
}

/** The parts a valid pattern shares, in network order. */
export function partsOf(pattern: SharePattern): NetworkPart[] {
  const read = parsePattern(pattern);
  if ('problem' in read) throw new Error(`not a pattern of parts: ${read.problem}`);
  const canonical = read.pattern;
  return isName(canonical) ? [...PATTERN_NAMES[canonical]] : (canonical.split('+') as NetworkPart[]);
}

/** A pattern with one part's start switched: shared if it was drawn independently, independent if it was shared. */
export function togglePart(pattern: SharePattern, part: NetworkPart): SharePattern {
  const parts = partsOf(pattern);
  return patternOf(parts.includes(part) ? parts.filter((p) => p !== part) : [...parts, part]);
}
