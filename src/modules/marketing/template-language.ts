/**
 * The template language (docs/marketing.md#templates): text with `{{ path | filter: "arg" }}` holes. Paths read the
 * person's traits, computed traits, preferred store, profile and campaign; filters are a fixed safe list. A template is
 * parsed and checked once when saved (unknown variable or bad syntax: line and column) and rendered from its parse.
 */

/** A problem with a template, where it is. */
export interface TemplateIssue {
  line: number;
  column: number;
  message: string;
}

type Arg = string | number;
interface Filter {
  name: string;
  args: Arg[];
}
/** A hole: a variable path (or a string literal) and its filters. */
interface Hole {
  kind: 'hole';
  path: string[] | null;
  literal: string | null;
  filters: Filter[];
  line: number;
  column: number;
}
type Node = { kind: 'text'; text: string } | Hole;

/** A parsed template. */
export interface ParsedTemplate {
  nodes: Node[];
  variables: string[];
}

/** What the paths of a template may name. `computed` is the tenant's computed trait keys. */
export interface TemplateVocabulary {
  computed: ReadonlySet<string>;
}

const fixedFields: Record<string, readonly string[]> = {
  store: ['name', 'address', 'city', 'phone', 'hours_today', 'url'],
  profile: ['id', 'lifetime_value', 'orders'],
  campaign: ['name'],
  links: ['unsubscribe'],
};
const filterArity: Record<string, [number, number]> = { default: [1, 1], upcase: [0, 0], downcase: [0, 0], capitalize: [0, 0], truncate: [1, 1] };

class ParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function position(src: string, offset: number): { line: number; column: number } {
  const before = src.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Tokenises and parses one hole's inside (`start` is its offset in the source, for positions). */
function parseHole(src: string, start: number, end: number): Omit<Hole, 'line' | 'column'> {
  let i = start;
  const skip = () => {
    while (i < end && /\s/.test(src[i])) i++;
  };
  const ident = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, end));
    if (!m) throw new ParseError(i >= end ? 'expected a name before }}' : `unexpected "${src[i]}"`, i);
    i += m[0].length;
    return m[0];
  };
  const literal = (): Arg => {
    const q = src[i];
    if (q === '"' || q === "'") {
      const close = src.indexOf(q, i + 1);
      if (close < 0 || close >= end) throw new ParseError('unterminated string', i);
      const s = src.slice(i + 1, close);
      i = close + 1;
      return s;
    }
    const m = /^-?\d+(\.\d+)?/.exec(src.slice(i, end));
    if (!m) throw new ParseError('expected a "string" or a number', i);
    i += m[0].length;
    return Number(m[0]);
  };
  skip();
  let path: string[] | null = null;
  let lit: string | null = null;
  if (src[i] === '"' || src[i] === "'") lit = String(literal());
  else {
    path = [ident()];
    while (src[i] === '.') {
      i++;
      path.push(ident());
    }
  }
  const filters: Filter[] = [];
  skip();
  while (i < end) {
    if (src[i] !== '|') throw new ParseError(`unexpected "${src[i]}" (a filter starts with |)`, i);
    i++;
    skip();
    const at = i;
    const name = ident();
    const arity = filterArity[name];
    if (!arity) throw new ParseError(`unknown filter "${name}" (known: ${Object.keys(filterArity).join(', ')})`, at);
    const args: Arg[] = [];
    skip();
    if (src[i] === ':') {
      i++;
      skip();
      args.push(literal());
      skip();
      while (src[i] === ',') {
        i++;
        skip();
        args.push(literal());
        skip();
      }
    }
    if (args.length < arity[0] || args.length > arity[1]) throw new ParseError(`filter "${name}" takes ${arity[0]} argument${arity[0] === 1 ? '' : 's'}`, at);
    if (name === 'truncate' && (typeof args[0] !== 'number' || args[0] < 1)) throw new ParseError('truncate takes a positive length', at);
    filters.push({ name, args });
  }
  return { kind: 'hole', path, literal: lit, filters };
}

/** The problem with a variable path, or null when the vocabulary knows it. */
function pathProblem(path: string[], vocab: TemplateVocabulary): string | null {
  const [root, ...rest] = path;
  const name = path.join('.');
  if (root === 'traits') return rest.length === 1 ? null : `"${name}": write traits.<name>`;
  if (root === 'computed') {
    if (rest.length !== 1) return `"${name}": write computed.<key>`;
    return vocab.computed.has(rest[0]) ? null : `unknown computed trait "${rest[0]}"`;
  }
  const fields = fixedFields[root];
  if (!fields) return `unknown variable "${name}" (roots: traits, computed, ${Object.keys(fixedFields).join(', ')})`;
  if (rest.length !== 1 || !fields.includes(rest[0])) return `unknown variable "${name}" (${root}.${fields.join(`, ${root}.`)})`;
  return null;
}

/** Parses and checks a template: the parse, or every problem with its line and column. */
export function checkTemplate(src: string, vocab: TemplateVocabulary): { ok: true; template: ParsedTemplate } | { ok: false; issues: TemplateIssue[] } {
  const nodes: Node[] = [];
  const issues: TemplateIssue[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      nodes.push({ kind: 'text', text: src.slice(i) });
      break;
    }
    if (open > i) nodes.push({ kind: 'text', text: src.slice(i, open) });
    const close = src.indexOf('}}', open + 2);
    const nextOpen = src.indexOf('{{', open + 2);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      issues.push({ ...position(src, open), message: '{{ is not closed with }}' });
      break;
    }
    try {
      const hole = parseHole(src, open + 2, close);
      const at = position(src, open);
      if (hole.path) {
        const problem = pathProblem(hole.path, vocab);
        if (problem)
          issues.push({ ...position(src, open + 2 + (src.slice(open + 2, close).length - src.slice(open + 2, close).trimStart().length)), message: problem });
      }
      nodes.push({ ...hole, ...at });
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      issues.push({ ...position(src, err.offset), message: err.message });
    }
    i = close + 2;
  }
  if (issues.length > 0) return { ok: false, issues };
  const variables = [...new Set(nodes.flatMap((n) => (n.kind === 'hole' && n.path ? [n.path.join('.')] : [])))].sort();
  return { ok: true, template: { nodes, variables } };
}

/** The values a template is rendered with: nested objects by root (`traits`, `computed`, `store`, …). */
export type TemplateValues = Record<string, Record<string, unknown> | undefined>;

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function applyFilter(value: string, f: Filter): string {
  switch (f.name) {
    case 'default':
      return value.trim() === '' ? String(f.args[0]) : value;
    case 'upcase':
      return value.toUpperCase();
    case 'downcase':
      return value.toLowerCase();
    case 'capitalize':
      return value.charAt(0).toUpperCase() + value.slice(1);
    case 'truncate': {
      const n = Number(f.args[0]);
      return [...value].length > n ? `${[...value].slice(0, n).join('')}…` : value;
    }
    default:
      return value;
  }
}

/**
 * Renders a parsed template. A missing value is empty, or its `default`; braces inside values are broken up, so nothing
 * rendered ever reads `{{` (a trait set to "{{name}}" cannot smuggle a hole out).
 */
export function renderTemplate(t: ParsedTemplate, values: TemplateValues): string {
  let out = '';
  for (const n of t.nodes) {
    if (n.kind === 'text') {
      out += n.text;
      continue;
    }
    let v = n.literal ?? (n.path ? text(values[n.path[0]]?.[n.path.slice(1).join('.')]) : '');
    if (n.path) v = v.replaceAll('{{', '{ {').replaceAll('}}', '} }');
    for (const f of n.filters) v = applyFilter(v, f);
    out += v;
  }
  return out;
}

/** A template compiled once for many renders: the same output as `renderTemplate`, without walking the parse per message. */
export type CompiledTemplate = (values: TemplateValues) => string;

/** Compiles a parsed template into one function of the values (the send loop renders a whole batch with it). */
export function compileTemplate(t: ParsedTemplate): CompiledTemplate {
  const parts: (string | CompiledTemplate)[] = t.nodes.map((n) => {
    if (n.kind === 'text') return n.text;
    const { filters, literal, path } = n;
    if (!path) return filters.reduce((v, f) => applyFilter(v, f), literal ?? '');
    const [root, key] = [path[0], path.slice(1).join('.')];
    return (values) => {
      let v = text(values[root]?.[key]);
      if (v.includes('{{') || v.includes('}}')) v = v.replaceAll('{{', '{ {').replaceAll('}}', '} }');
      for (const f of filters) v = applyFilter(v, f);
      return v;
    };
  });
  return (values) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(values);
    return out;
  };
}

/** The vocabulary's fixed fields, for the editor's list of variables. */
export function knownVariables(vocab: TemplateVocabulary): string[] {
  return [
    'traits.<name>',
    ...[...vocab.computed].sort().map((k) => `computed.${k}`),
    ...Object.entries(fixedFields).flatMap(([root, fields]) => fields.map((f) => `${root}.${f}`)),
  ];
}
