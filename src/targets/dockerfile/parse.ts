/**
 * Dockerfile → policy facts. dockerfile-ast does the tokenising (heredocs, continuations,
 * parser directives, 0-based ranges); this module turns its tree into the documented,
 * 1-based `DockerfileFacts` that policies read.
 */
import {
  type Arg,
  Argument,
  DockerfileParser,
  type Env,
  type Flag,
  type From,
  type Heredoc,
  Instruction,
  JSONInstruction,
  type Label,
  type Onbuild,
  Property,
} from 'dockerfile-ast';
import { parseImageReference } from '../../image/reference.js';
import type {
  CopyFacts,
  DockerfileFacts,
  DockerfileInstruction,
  DockerfileStage,
  ShellCommand,
  StageBase,
} from '../../input/policy-input.js';
import { isPosixShell, splitShellCommands } from './shell.js';
import { substituteVariables } from './variables.js';

const EXEC_FORM_KEYWORDS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL']);

/** BuildKit's default shells (dockerfile2llb `defaultShell`): by the OS of the stage's platform. */
const LINUX_SHELL: readonly string[] = ['/bin/sh', '-c'];
const WINDOWS_SHELL: readonly string[] = ['cmd', '/S', '/C'];

/**
 * ARGs BuildKit defines in the global scope by itself (dockerfile2llb `defaultArgs`), usable in
 * `FROM` without a declaration. Their values depend on the build's platform: unknown here.
 */
const AUTOMATIC_ARGS = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'TARGETSTAGE',
];

/**
 * BuildKit (and buildah, which uses its parser) reads a Dockerfile line by line with Go's
 * `bufio.ScanLines`: lines end at LF only, a CR just before the LF is dropped, and a lone CR
 * is an ordinary character, whitespace where words are split. dockerfile-ast also breaks
 * lines at a lone CR, and would read `ENV A="b\rUSER app"` as an ENV and a USER that no
 * builder sees. So it is handed the text with each lone CR as a tab: the same length, so
 * every line and column stays exact, and whitespace to both parsers alike.
 */
const LONE_CR = /\r(?!\n)/g;

/**
 * dockerfile-ast tokenises an instruction's arguments anew on every `getRawArguments()`, and
 * calls it about eight times per instruction (three times building a JSON instruction, again
 * for its flags, its heredocs, and each `getArguments()`): half the time of a parse. Each
 * instruction's arguments are tokenised once here. Its text never changes after parsing, but
 * `From` moves the `start`/`end` of its first argument's range in place, so every caller gets
 * its own arguments and ranges, as before; `ModifiableInstruction` shifts the array it gets.
 */
// `getRawArguments` is private in dockerfile-ast's types, hence the casts.
type Tokenising = { getRawArguments(): Argument[]; portcullisArguments?: Argument[] };
const prototype = Instruction.prototype as unknown as Tokenising;
const tokenise = prototype.getRawArguments;
prototype.getRawArguments = function rawArgumentsOnce(this: Tokenising): Argument[] {
  const args = this.portcullisArguments ?? tokenise.call(this);
  this.portcullisArguments = args;
  return args.map((a) => {
    const { start, end } = a.getRange();
    return new Argument(a.getValue(), { start, end });
  });
};

export function parseDockerfile(content: string): DockerfileFacts {
  const dockerfile = DockerfileParser.parse(content.replace(LONE_CR, '\t'));
  const propertyValue = propertyValueReader(content, dockerfile.getEscapeCharacter());
  const lines = content.split(/\r?\n/);
  // A final newline ends the last line rather than starting one: no position may point past it.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const escapeChar = dockerfile.getEscapeCharacter();
  const globalArgs = dockerfile.getInitialARGs().flatMap((arg) =>
    argProperties(arg, escapeChar).map((property) => ({
      name: property.getName(),
      default: propertyValue(property),
      line: property.getRange().start.line + 1,
    })),
  );
  // A default may use the ARGs declared before it (`ARG BASE=node:${NODE_VERSION}`); one that
  // uses an ARG without a value has no known value either.
  const argValues = new Map<string, string | null>(AUTOMATIC_ARGS.map((name) => [name, null]));
  for (const arg of globalArgs) {
    const substituted = arg.default === null ? null : substituteVariables(arg.default, argValues, escapeChar);
    argValues.set(arg.name, substituted && substituted.unresolved.length === 0 ? substituted.value : null);
  }

  const stages: DockerfileStage[] = [];
  // The SHELL in effect at the end of each stage: a stage built `FROM` it starts with it, as
  // BuildKit copies the image config (`Config.Shell`) of the stage it builds on.
  const finalShells: (readonly string[])[] = [];
  let shell: readonly string[] = LINUX_SHELL;
  const preamble: DockerfileFacts['preamble'] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const stage = startStage(instruction as From, stages, argValues, escapeChar, lines);
      stages.push(stage);
      shell =
        stage.base.stage !== null ? (finalShells[stage.base.stage] ?? LINUX_SHELL) : defaultShell(stage);
      finalShells[stage.index] = shell;
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) {
      // Global ARGs are reported in `global_args`; anything else has no stage to belong to.
      if (keyword !== 'ARG') {
        const range = instruction.getRange();
        preamble.push({
          keyword,
          line: range.start.line + 1,
          end_line: Math.min(range.end.line + 1, lines.length),
        });
      }
      continue;
    }
    const facts = describeInstruction(instruction, lines, escapeChar, propertyValue, shell);
    stage.instructions.push(facts);
    stage.end_line = facts.end_line;
    // BuildKit refuses a SHELL that is not a JSON array; the shell stays as it was.
    if (facts.keyword === 'SHELL' && facts.form === 'exec' && facts.arguments.length > 0 && !facts.onbuild) {
      shell = facts.arguments;
      finalShells[stage.index] = shell;
    }
  }
  const last = stages[stages.length - 1];
  if (last) last.final = true;

  return {
    directives: dockerfile.getDirectives().map((d) => ({
      name: d.getName().toLowerCase(),
      value: d.getValue(),
      line: d.getRange().start.line + 1,
    })),
    global_args: globalArgs,
    preamble,
    escape: escapeChar,
    stages,
  };
}

/**
 * BuildKit chooses the default shell by the OS of the image, which only the registry knows; the
 * file says it when the platform is written out or the base is one of Microsoft's Windows images.
 */
function defaultShell(stage: DockerfileStage): readonly string[] {
  const { platform, image } = stage.base;
  const windowsImage =
    image?.registry === 'mcr.microsoft.com' &&
    /^windows(?:\/|$)|^powershell|nanoserver|servercore/.test(image.repository);
  return platform?.toLowerCase().startsWith('windows') || windowsImage ? WINDOWS_SHELL : LINUX_SHELL;
}

function startStage(
  from: From,
  earlier: DockerfileStage[],
  argValues: ReadonlyMap<string, string | null>,
  escapeChar: string,
  lines: readonly string[],
): DockerfileStage {
  const range = from.getRange();
  const name = from.getBuildStage();
  return {
    index: earlier.length,
    name: name ? name.toLowerCase() : null,
    final: false,
    line: range.start.line + 1,
    end_line: Math.min(range.end.line + 1, lines.length),
    // As written (the name's case, `as` vs `AS`): the casing rules read it.
    source: lines.slice(range.start.line, range.end.line + 1).join('\n'),
    base: describeBase(from, earlier, argValues, escapeChar),
    instructions: [],
  };
}

function describeBase(
  from: From,
  earlier: DockerfileStage[],
  argValues: ReadonlyMap<string, string | null>,
  escapeChar: string,
): StageBase {
  const raw = from.getImage() ?? '';
  const {
    value: resolved,
    unresolved,
    undefined: undefinedVariables,
  } = substituteVariables(raw, argValues, escapeChar);
  const stage = earlier.find((s) => s.name !== null && s.name === resolved.toLowerCase());
  const scratch = resolved.toLowerCase() === 'scratch';
  const base: StageBase = {
    raw,
    resolved,
    unresolved_variables: unresolved,
    undefined_variables: undefinedVariables,
    platform: from.getPlatformFlag()?.getValue() ?? null,
    stage: stage ? stage.index : null,
    scratch,
    image: null,
    error: null,
    registry_facts: null,
  };
  if (stage || scratch) return base;
  if (resolved === '' && undefinedVariables.length > 0) {
    // BuildKit: "base name (…) should not be blank".
    const names = undefinedVariables.map((v) => `$${v}`).join(', ');
    base.error = `the base image "${raw}" is empty: no ARG before the first FROM declares ${names}, so BuildKit makes it empty`;
    return base;
  }
  if (unresolved.length > 0) {
    base.error = `the base image "${raw}" uses ${unresolved.map((v) => `$${v}`).join(', ')} without a default value`;
    return base;
  }
  const parsed = parseImageReference(resolved);
  if (parsed.ok) base.image = parsed.reference;
  else base.error = parsed.error;
  return base;
}

function describeInstruction(
  instruction: Instruction,
  lines: string[],
  escapeChar: string,
  propertyValue: PropertyValueReader,
  shell: readonly string[],
): DockerfileInstruction {
  // `ONBUILD RUN …` is judged as the RUN it carries (it runs in every image built FROM this
  // one), on the ONBUILD's own lines.
  const carried =
    instruction.getKeyword() === 'ONBUILD' ? (instruction as Onbuild).getTriggerInstruction() : null;
  if (carried) {
    const facts = describeInstruction(carried, lines, escapeChar, propertyValue, shell);
    const range = instruction.getRange();
    return {
      ...facts,
      line: range.start.line + 1,
      end_line: Math.min(range.end.line + 1, lines.length),
      source: lines.slice(range.start.line, range.end.line + 1).join('\n'),
      onbuild: true,
    };
  }
  const range = instruction.getRange();
  const keyword = instruction.getKeyword();
  const line = range.start.line + 1;
  const endLine = Math.min(range.end.line + 1, lines.length);
  const flags: Flag[] =
    'getFlags' in instruction ? (instruction as unknown as { getFlags(): Flag[] }).getFlags() : [];
  const args = instruction.getArguments();
  const heredocs = readHeredocs(instruction, lines);
  const execForm = isExecForm(instruction);
  const argumentsText = textAfterFlags(instruction, args, lines);
  const value = heredocs.length > 0 ? argumentsText.text : foldContinuations(argumentsText.text, escapeChar);

  const facts: DockerfileInstruction = {
    keyword,
    line,
    end_line: endLine,
    flags: flags.map((f) => ({ name: f.getName(), value: f.getValue() })),
    arguments: execForm
      ? execArguments(instruction as JSONInstruction, value)
      : args.map((a) => a.getValue()),
    value,
    form: EXEC_FORM_KEYWORDS.has(keyword) ? (execForm ? 'exec' : 'shell') : null,
    properties: readProperties(instruction, escapeChar, propertyValue),
    heredocs,
    commands: [],
    shell: [...shell],
    source: lines.slice(range.start.line, range.end.line + 1).join('\n'),
  };
  if (keyword === 'COPY' || keyword === 'ADD') {
    // A heredoc's body words are among `args`: only the words before its first body line are the instruction's own.
    const firstBody = heredocs[0]?.line ?? Number.POSITIVE_INFINITY;
    const words = execForm
      ? facts.arguments
      : args.filter((a) => a.getRange().start.line + 1 < firstBody).map((a) => a.getValue());
    facts.copy = copyFacts(words);
  }
  // cmd and PowerShell scripts are not POSIX shell: splitting them would invent commands.
  if (keyword === 'RUN' && !execForm && isPosixShell(shell))
    facts.commands = runCommands(argumentsText, heredocs, escapeChar);
  return facts;
}

/** A heredoc word (`<<EOF`, `<<-"EOF"`, `3<<EOF`), as BuildKit's `reHeredoc` matches it, with the name unquoted. */
const HEREDOC_WORD = /^\d*<<-?(["']?)([^<]+)\1$/;

/**
 * Sources and destination of a COPY or ADD (BuildKit's `parseSourcesAndDest`): the last
 * word is the destination, a `<<NAME` word inline content, and every other word a path or URL.
 */
function copyFacts(words: readonly string[]): CopyFacts {
  if (words.length < 2) return { sources: [], heredoc_sources: [], destination: null };
  const sources: string[] = [];
  const heredocSources: string[] = [];
  // BuildKit takes any word of that form for inline content, whether a body follows or not.
  for (const word of words.slice(0, -1)) {
    const name = HEREDOC_WORD.exec(word)?.[2];
    if (name !== undefined) heredocSources.push(name);
    else sources.push(word);
  }
  return { sources, heredoc_sources: heredocSources, destination: words[words.length - 1] ?? null };
}

/** The instruction's text after its keyword and flags, with the 1-based line it starts on. */
function textAfterFlags(
  instruction: Instruction,
  args: Argument[],
  lines: string[],
): { text: string; line: number } {
  const first = args[0]?.getRange().start;
  const end = instruction.getRange().end;
  if (!first) return { text: '', line: end.line + 1 };
  const selected = lines.slice(first.line, end.line + 1);
  // An instruction cut off by the end of the file ends past the last line: keep that line whole.
  if (end.line < lines.length) {
    selected[selected.length - 1] = (selected[selected.length - 1] ?? '').slice(0, end.character);
  }
  selected[0] = (selected[0] ?? '').slice(first.character);
  return { text: selected.join('\n'), line: first.line + 1 };
}

/**
 * The elements of an exec-form array, read as JSON like BuildKit does. dockerfile-ast's
 * `getJSONValue()` drops the blanks inside strings (`"a b"` → `ab`) and mangles `\n`, `\u…`;
 * it is only the fallback for arrays that are not strict JSON.
 */
function execArguments(instruction: JSONInstruction, value: string): string[] {
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && parsed.every((e) => typeof e === 'string')) return parsed;
  } catch {
    // Not strict JSON: fall back to the tokenizer's strings below.
  }
  return instruction.getJSONStrings().map((s) => s.getJSONValue());
}

function isExecForm(instruction: Instruction): boolean {
  if (!(instruction instanceof JSONInstruction)) return false;
  return instruction.getOpeningBracket() !== null && instruction.getClosingBracket() !== null;
}

function readHeredocs(instruction: Instruction, lines: string[]): DockerfileInstruction['heredocs'] {
  if (!('getHeredocs' in instruction)) return [];
  const heredocs = (instruction as unknown as { getHeredocs(): Heredoc[] }).getHeredocs();
  return heredocs.map((h) => {
    const content = h.getContentRange();
    const startLine = h.getStartRange().start.line + 1; // the line with `<<NAME`
    const bodyStart = content ? content.start.line : startLine;
    const bodyEnd = content ? content.end.line : startLine - 1;
    return {
      name: h.getName(),
      body: content ? lines.slice(bodyStart, bodyEnd + 1).join('\n') : '',
      line: bodyStart + 1,
      end_line: Math.min((h.getDelimiterRange()?.start.line ?? bodyEnd) + 1, lines.length),
    };
  });
}

function readProperties(
  instruction: Instruction,
  escapeChar: string,
  propertyValue: PropertyValueReader,
): DockerfileInstruction['properties'] {
  let properties: Property[] = [];
  const keyword = instruction.getKeyword();
  if (keyword === 'ENV') properties = (instruction as Env).getProperties();
  else if (keyword === 'LABEL') properties = (instruction as Label).getProperties();
  else if (keyword === 'ARG') properties = argProperties(instruction as Arg, escapeChar);
  return properties.map((p) => ({
    name: p.getName(),
    value: propertyValue(p), // with quotes removed
    line: p.getRange().start.line + 1,
  }));
}

/** A property's value (quotes removed) as the builder reads it. */
type PropertyValueReader = (property: Property) => string | null;

/** Stands in for a lone CR while dockerfile-ast unquotes a value: an ordinary character to it. */
const STAND_IN = '\uE000';

/**
 * Values hold the lone CRs that dockerfile-ast was shown as tabs (`ENV A="b\rc"` is `b\rc`
 * to the builder): the value's text is taken from the original at the same range and
 * unquoted by dockerfile-ast's own routine, with the CRs as an ordinary stand-in character.
 */
function propertyValueReader(content: string, escapeChar: string): PropertyValueReader {
  if (!/\r(?!\n)/.test(content) || content.includes(STAND_IN)) return (p) => p.getValue();
  const unquote = (Property as unknown as { getValue(value: string, escapeChar: string): string }).getValue;
  // dockerfile-ast's lines, once lone CRs are gone, are the LF-separated ones.
  const rows = content.split('\n');
  return (property) => {
    const range = property.getValueRange();
    if (!range) return property.getValue();
    const raw = rows.slice(range.start.line, range.end.line + 1);
    raw[raw.length - 1] = (raw[raw.length - 1] ?? '').slice(0, range.end.character);
    raw[0] = (raw[0] ?? '').slice(range.start.character);
    return unquote(raw.join('\n').replace(LONE_CR, STAND_IN), escapeChar).replaceAll(STAND_IN, '\r');
  };
}

/**
 * The declarations of an `ARG`, which may name several (`ARG TARGETOS TARGETARCH`,
 * `ARG A=1 B=2`). dockerfile-ast's `getProperty()` reads only a lone declaration and its
 * `getProperties()` reads `ARG A B` as ENV's legacy `A` = `B`, so each word is read here.
 */
function argProperties(arg: Arg, escapeChar: string): Property[] {
  const single = arg.getProperty();
  if (single) return [single];
  // The Property constructor needs the parser's text document, a protected field of Line.
  const { document } = arg as unknown as { document: ConstructorParameters<typeof Property>[0] };
  return arg.getPropertyArguments().map((word) => new Property(document, escapeChar, word));
}

/**
 * Commands of a shell-form RUN. With heredocs, the text before the first `<<` is the command
 * line. BuildKit (dockerfile2llb `dispatchRun`) runs the body of a lone `RUN <<EOF` as the
 * script itself, unless it starts with `#!` (then it is a file run by that interpreter); any
 * other command line goes to the shell with its heredocs as the shell's own, so a body is a
 * script only when a shell reads it (`RUN bash <<EOF`).
 */
function runCommands(
  args: { text: string; line: number },
  heredocs: DockerfileInstruction['heredocs'],
  escapeChar: string,
): ShellCommand[] {
  if (heredocs.length === 0) return splitShellCommands(args.text, args.line, escapeChar);
  const header = (args.text.split('\n')[0] ?? '').replace(/<<-?\s*(["']?)\w+\1/g, ' ');
  const headerCommands = splitShellCommands(header, args.line, escapeChar);
  const bodyCommands = heredocScripts(headerCommands, heredocs).flatMap((h) =>
    splitShellCommands(h.body, h.line, null),
  );
  // Pipelines are numbered per call; renumber so they stay unique across the instruction.
  let offset = 0;
  return [headerCommands, bodyCommands].flatMap((group) => {
    const shifted = group.map((c) => ({ ...c, pipeline: c.pipeline + offset }));
    offset += group.length === 0 ? 0 : Math.max(...group.map((c) => c.pipeline)) + 1;
    return shifted;
  });
}

/** The heredocs of a shell-form RUN whose bodies a POSIX shell runs as scripts (see runCommands). */
export function heredocScripts(
  headerCommands: readonly ShellCommand[],
  heredocs: DockerfileInstruction['heredocs'],
): DockerfileInstruction['heredocs'] {
  const program = headerCommands[0]?.argv[0];
  if (program === undefined) {
    const only = heredocs.length === 1 ? heredocs[0] : undefined;
    if (!only) return []; // `RUN <<A <<B`: an empty command with two inputs runs nothing.
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(only.body);
    if (!shebang) return [only];
    const interpreter = shebang[1]?.endsWith('/env') ? shebang[2] : shebang[1];
    return interpreter && isPosixShell([interpreter]) ? [only] : [];
  }
  return isPosixShell([program]) ? heredocs : [];
}

/** Joins continuation lines and drops the comment lines BuildKit removes from them. */
function foldContinuations(text: string, escapeChar: string): string {
  const out: string[] = [];
  let continued = false;
  for (const physical of text.split('\n')) {
    if (continued && /^\s*#/.test(physical)) continue;
    const trimmed = physical.replace(/\s+$/, '');
    const piece = continued ? physical.trimStart() : physical;
    continued = trimmed.endsWith(escapeChar);
    out.push(
      continued ? `${piece.replace(/\s+$/, '').slice(0, -escapeChar.length).trimEnd()} ` : `${piece}\n`,
    );
  }
  return out.join('').trim();
}
