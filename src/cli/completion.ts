/**
 * `portcullis completion bash|zsh|fish`: completion scripts made from the command table,
 * so that a new command or option completes without anyone editing three shell scripts.
 * Hand-written generators: each shell's script is a few dozen lines of its own idiom
 * (compgen, _arguments, complete -c), and the packages that write them (yargs, commander
 * plugins) would bring their own option parser, where node:util parseArgs serves here.
 */

import { type CliCommand, EXIT, UsageError } from './command.js';
import {
  COMMAND_TABLE,
  type CommandSpec,
  GLOBAL_OPTIONS,
  type OptionSpec,
  type OptionTable,
  SHELLS,
} from './command-table.js';

export const completionCommand: CliCommand = {
  name: 'completion',
  async run(args, io) {
    const [shell, ...extra] = args;
    if (shell === undefined || extra.length > 0 || !(SHELLS as readonly string[]).includes(shell))
      throw new UsageError(`completion takes one shell: ${SHELLS.join(', ')}`);
    io.stdout(completionScript(shell as (typeof SHELLS)[number]));
    return EXIT.ok;
  },
};

export function completionScript(shell: (typeof SHELLS)[number]): string {
  return shell === 'bash' ? bashScript() : shell === 'zsh' ? zshScript() : fishScript();
}

/** Every command and subcommand with its options (the global ones included): `check`, `policy test`. */
function commandPaths(): { path: string; spec: Omit<CommandSpec, 'subcommands'> }[] {
  return Object.entries(COMMAND_TABLE).flatMap(([name, spec]: [string, CommandSpec]) => [
    { path: name, spec },
    ...Object.entries(spec.subcommands ?? {}).map(([sub, subSpec]) => ({
      path: `${name} ${sub}`,
      spec: subSpec,
    })),
  ]);
}

const withGlobals = (options: OptionTable): [string, OptionSpec][] => [
  ...Object.entries(options),
  ...Object.entries(GLOBAL_OPTIONS),
];

/** The words an operand completes to: subcommands, shells, or nothing special. */
function operandWords(name: string, spec: CommandSpec): string[] | null {
  if (spec.subcommands) return Object.keys(spec.subcommands);
  if (name === 'completion') return [...SHELLS];
  return null;
}

function bashScript(): string {
  const valued = new Set<string>();
  for (const { spec } of commandPaths())
    for (const [name, option] of withGlobals(spec.options)) {
      if (option.type !== 'string') continue;
      valued.add(`--${name}`);
      if (option.short) valued.add(`-${option.short}`);
    }
  const parents = Object.entries(COMMAND_TABLE)
    .filter(([, spec]: [string, CommandSpec]) => spec.subcommands)
    .map(([name]) => name);
  const valueCases: string[] = [];
  const optionCases: string[] = [];
  for (const { path, spec } of commandPaths()) {
    for (const [name, option] of withGlobals(spec.options)) {
      if (option.type !== 'string') continue;
      const flags = [`--${name}`, ...(option.short ? [`-${option.short}`] : [])];
      const reply = option.choices
        ? `COMPREPLY=($(compgen -W "${option.choices.join(' ')}" -- "$cur"))`
        : option.complete === 'directory'
          ? 'COMPREPLY=($(compgen -d -- "$cur"))'
          : option.complete === 'file'
            ? 'COMPREPLY=($(compgen -f -- "$cur"))'
            : 'COMPREPLY=()';
      valueCases.push(`    ${flags.map((f) => `"${path}|${f}"`).join('|')}) ${reply}; return ;;`);
    }
    const flags = withGlobals(spec.options).flatMap(([name, o]) => [
      `--${name}`,
      ...(o.short ? [`-${o.short}`] : []),
    ]);
    optionCases.push(`      "${path}") words="${flags.join(' ')}" ;;`);
  }
  const operandCases = Object.entries(COMMAND_TABLE).flatMap(([name, spec]: [string, CommandSpec]) => {
    const words = operandWords(name, spec);
    if (words) return [`    "${name}") COMPREPLY=($(compgen -W "${words.join(' ')}" -- "$cur")) ;;`];
    return [];
  });
  const fileCommands = commandPaths()
    .filter(({ spec }) => spec.operands === 'file')
    .map(({ path }) => `"${path}"`);
  const globals = Object.entries(GLOBAL_OPTIONS).flatMap(([name, o]) => [
    `--${name}`,
    ...('short' in o ? [`-${o.short}`] : []),
  ]);
  return `# bash completion for portcullis (written by \`portcullis completion bash\`)
_portcullis() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local path="" word words i skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    case "$word" in
      ${[...valued].join('|')}) skip=1 ;;
      -*) ;;
      *)
        if [[ -z $path ]]; then path=$word
        elif [[ $path == @(${parents.join('|')}) ]]; then path="$path $word"
        fi ;;
    esac
  done
  case "$path|$prev" in
${valueCases.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    case "$path" in
${optionCases.join('\n')}
      *) words="${globals.join(' ')}" ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return
  fi
  case "$path" in
    "") COMPREPLY=($(compgen -W "${[...Object.keys(COMMAND_TABLE), 'help'].join(' ')}" -- "$cur")) ;;
${operandCases.join('\n')}
    ${fileCommands.join('|')}) COMPREPLY=($(compgen -f -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}
complete -o filenames -F _portcullis portcullis`;
}

/** Text inside a zsh `_arguments` spec in single quotes: brackets and colons are its syntax. */
function zshText(text: string): string {
  return text.replace(/([[\]:\\])/g, '\\$1').replace(/'/g, `'\\''`);
}

function zshOption(name: string, option: OptionSpec): string[] {
  const description = `[${zshText(option.description)}]`;
  const value =
    option.type !== 'string'
      ? ''
      : `:${option.value ?? 'value'}:${
          option.choices
            ? `(${option.choices.join(' ')})`
            : option.complete === 'directory'
              ? '_files -/'
              : option.complete === 'file'
                ? '_files'
                : ' '
        }`;
  const repeat = option.multiple ? '*' : '';
  const long = `'${repeat}--${name}${option.type === 'string' ? '=' : ''}${description}${value}'`;
  if (!option.short) return [long];
  return [`'${repeat}(-${option.short} --${name})-${option.short}${description}${value}'`, long];
}

function zshArguments(spec: Omit<CommandSpec, 'subcommands'>, indent: string): string {
  const operand =
    spec.operands === 'file' ? ["'*:file:_files'"] : spec.operands === 'none' ? [] : ["'*::argument: '"];
  const specs = [...withGlobals(spec.options).flatMap(([n, o]) => zshOption(n, o)), ...operand];
  return `_arguments -s ${specs.join(` \\\n${indent}  `)}`;
}

function zshScript(): string {
  const describe = (entries: [string, { summary: string }][]) =>
    entries.map(([name, spec]) => `'${name}:${zshText(spec.summary)}'`).join(' ');
  const cases = Object.entries(COMMAND_TABLE).map(([name, spec]: [string, CommandSpec]) => {
    if (spec.subcommands) {
      const subs = Object.entries(spec.subcommands)
        .map(([sub, subSpec]) => `            ${sub}) ${zshArguments(subSpec, '              ')} ;;`)
        .join('\n');
      return `        ${name})
          if (( CURRENT == 2 )); then
            local -a subcommands=(${describe(Object.entries(spec.subcommands))})
            _describe -t subcommands '${name} subcommand' subcommands
            return
          fi
          shift words; (( CURRENT-- ))
          case $words[1] in
${subs}
          esac ;;`;
    }
    if (name === 'completion') return `        completion) _values shell ${SHELLS.join(' ')} ;;`;
    return `        ${name}) ${zshArguments(spec, '          ')} ;;`;
  });
  const globals = Object.entries(GLOBAL_OPTIONS).flatMap(([n, o]) => zshOption(n, o));
  return `#compdef portcullis
# zsh completion for portcullis (written by \`portcullis completion zsh\`)
_portcullis() {
  local curcontext="$curcontext" state line
  _arguments -C ${globals.join(' ')} '1:command:->command' '*::argument:->argument'
  case $state in
    command)
      local -a commands=(${describe(Object.entries(COMMAND_TABLE))} 'help:Show the help of portcullis or of a command.')
      _describe -t commands 'portcullis command' commands ;;
    argument)
      case $line[1] in
${cases.join('\n')}
      esac ;;
  esac
}
if [[ $funcstack[1] == _portcullis ]]; then _portcullis "$@"; else compdef _portcullis portcullis; fi`;
}

/** Text in fish's single quotes. */
const fishText = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fishOption(condition: string | null, name: string, option: OptionSpec): string {
  const parts = ['complete -c portcullis'];
  if (condition) parts.push(`-n ${fishText(condition)}`);
  if (option.short) parts.push(`-s ${option.short}`);
  parts.push(`-l ${name}`);
  if (option.type === 'string') {
    if (option.choices) parts.push(`-x -a ${fishText(option.choices.join(' '))}`);
    else if (option.complete === 'directory') parts.push(`-x -a '(__fish_complete_directories)'`);
    else if (option.complete === 'file') parts.push('-r -F');
    else parts.push('-x');
  }
  parts.push(`-d ${fishText(option.description)}`);
  return parts.join(' ');
}

function fishScript(): string {
  const names = Object.keys(COMMAND_TABLE);
  const lines = [
    '# fish completion for portcullis (written by `portcullis completion fish`)',
    'complete -c portcullis -f',
    ...Object.entries(GLOBAL_OPTIONS).map(([n, o]) => fishOption(null, n, o)),
    ...Object.entries(COMMAND_TABLE).map(
      ([name, spec]) =>
        `complete -c portcullis -n '__fish_use_subcommand' -a ${name} -d ${fishText(spec.summary)}`,
    ),
    `complete -c portcullis -n '__fish_use_subcommand' -a help -d 'Show the help of portcullis or of a command.'`,
    `complete -c portcullis -n '__fish_seen_subcommand_from help' -a ${fishText(names.join(' '))}`,
  ];
  for (const [name, spec] of Object.entries(COMMAND_TABLE) as [string, CommandSpec][]) {
    const seen = `__fish_seen_subcommand_from ${name}`;
    const subcommands = spec.subcommands;
    if (subcommands) {
      const subNames = Object.keys(subcommands).join(' ');
      for (const [sub, subSpec] of Object.entries(subcommands)) {
        lines.push(
          `complete -c portcullis -n ${fishText(`${seen}; and not __fish_seen_subcommand_from ${subNames}`)} -a ${sub} -d ${fishText(subSpec.summary)}`,
        );
        const condition = `${seen}; and __fish_seen_subcommand_from ${sub}`;
        for (const [n, o] of Object.entries(subSpec.options)) lines.push(fishOption(condition, n, o));
      }
      continue;
    }
    if (name === 'completion')
      lines.push(`complete -c portcullis -n ${fishText(seen)} -a ${fishText(SHELLS.join(' '))}`);
    for (const [n, o] of Object.entries(spec.options)) lines.push(fishOption(seen, n, o));
    if (spec.operands === 'file') lines.push(`complete -c portcullis -n ${fishText(seen)} -F`);
  }
  return lines.join('\n');
}
