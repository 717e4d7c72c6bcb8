/**
 * Every command, subcommand and option of `portcullis`, as data: the one source the
 * option parser, `--help` and the shell completion scripts are made from. It imports
 * nothing, so that `--help`, `--version` and `completion` load no command, and a command
 * loads only its own module (src/cli/main.ts).
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  default?: string | boolean | string[];
  /** The value's name in the help (`DIR`, `REF`); for string options. */
  value?: string;
  /** The values accepted, offered by completion. */
  choices?: readonly string[];
  /** What completion offers for the value: file or folder names. */
  complete?: 'file' | 'directory';
  description: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec {
  /** One line, for the list of commands. */
  summary: string;
  /** What follows `portcullis NAME` in the synopsis. */
  synopsis: string;
  /** A few lines for `portcullis NAME --help`: what it does, what it exits with. */
  description: string;
  options: OptionTable;
  /** Positionals, for completion: file or folder names, or nothing. */
  operands?: 'file' | 'none';
  /** `policy test|impact`: each its own synopsis and options. */
  subcommands?: Readonly<Record<string, Omit<CommandSpec, 'subcommands'>>>;
}

const repo = {
  type: 'string',
  value: 'DIR',
  complete: 'directory',
  description:
    'The repository whose configuration, policies and waivers judge the files, and where the PATHs must be (default: the git repository each PATH is in).',
} as const satisfies OptionSpec;

const format = <const C extends readonly string[]>(choices: C) =>
  ({
    type: 'string',
    default: choices[0] as string,
    value: 'FORMAT',
    choices,
    description: `Report format: ${choices.join(', ')}.`,
  }) as const satisfies OptionSpec;

const offline = {
  type: 'boolean',
  default: false,
  description: 'No registry look-ups: no digest-pinning fixes or image-config rules.',
} as const satisfies OptionSpec;

const insecureRegistry = {
  type: 'string',
  multiple: true,
  default: [] as string[],
  value: 'HOST',
  description: 'Talk plain HTTP to this registry (repeatable).',
} as const satisfies OptionSpec;

const offlineDb = {
  type: 'string',
  value: 'DIR',
  complete: 'directory',
  description: 'The local OSV vulnerability database (default PORTCULLIS_OSV_DB).',
} as const satisfies OptionSpec;

/** Options every command takes, before or after its name. */
export const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h', description: 'Show the help of portcullis or of the command.' },
  version: { type: 'boolean', short: 'V', description: "Print Portcullis's version." },
  quiet: {
    type: 'boolean',
    short: 'q',
    description: 'Print only what needs attention: files with findings and errors, no summary or progress.',
  },
  'no-color': {
    type: 'boolean',
    description: 'No colour (also NO_COLOR, and whenever the output is not a terminal).',
  },
  output: {
    type: 'string',
    short: 'o',
    value: 'FILE',
    complete: 'file',
    description: 'Write the report to FILE instead of standard output.',
  },
} as const satisfies OptionTable;

export const COMMAND_TABLE = {
  check: {
    summary: 'Judge container files with the policies.',
    synopsis: '[--repo DIR] [--format text|json|sarif] [--offline] [--policy-ref REF] [--build] [PATH...]',
    description: `Judge container files with the policies. With no PATH, every container file of
the repository (tracked, or untracked and not ignored). A PATH may be anywhere:
it is judged with the configuration of the git repository it is in, or with the
default configuration when it is in none. The configuration, policies and
waivers come from the working tree, or from commit REF with --policy-ref.
Exit 0 when nothing is denied, 1 on a deny finding, 2 on a usage or
configuration error.`,
    operands: 'file',
    options: {
      repo,
      format: format(['text', 'json', 'sarif'] as const),
      offline,
      'policy-ref': {
        type: 'string',
        value: 'REF',
        description: 'Read configuration, policies and waivers from this commit (as the App reads the base).',
      },
      build: {
        type: 'boolean',
        default: false,
        description:
          'Also build and scan the Dockerfiles changed since the base, at the working tree and at the base (docs/build-and-scan.md).',
      },
      base: {
        type: 'string',
        value: 'REF',
        description:
          "With --build: compare with the merge base of REF (default HEAD's upstream, else HEAD~1).",
      },
      'offline-db': { ...offlineDb, description: `With --build: ${offlineDb.description}` },
    },
  },
  fix: {
    summary: 'Apply the fixes the policies suggest.',
    synopsis: '[--repo DIR] [--write] [--offline] [PATH...]',
    description: `Apply the fixes the policies suggest to container files (chosen as for check):
print them as a unified diff, or change the files with --write. Exit 0 once
done, whatever findings remain; 2 when a file is not written (a symbolic or
hard link, or outside the repository). --write changes files only in the
repository of the current folder (or --repo).`,
    operands: 'file',
    options: {
      repo,
      write: { type: 'boolean', default: false, description: 'Change the files instead of printing a diff.' },
      offline: { ...offline, description: 'No registry look-ups: no digests to pin.' },
    },
  },
  refs: {
    summary: 'List the image references of a repository.',
    synopsis: '[--repo DIR] [--format text|json] [PATH...]',
    description: `List the image references in Dockerfiles, Kubernetes manifests, Compose files,
workflows, Helm values and kustomizations, with their lines. Exit 0.`,
    operands: 'file',
    options: { repo, format: format(['text', 'json'] as const) },
  },
  scan: {
    summary: "Scan an image's packages for vulnerabilities, offline.",
    synopsis:
      'IMAGE [--format text|json] [--offline-db DIR] [--insecure-registry HOST] [--dockerfile FILE] [--platform OS/ARCH]',
    description: `Scan an image for vulnerabilities against the OSV database in DIR (default
PORTCULLIS_OSV_DB; --db is an alias), offline. IMAGE is a registry reference
(pulled), docker-archive:PATH, oci-archive:PATH or a plain archive PATH.
Exit 1 when a critical or high vulnerability has a fix.`,
    operands: 'file',
    options: {
      'offline-db': offlineDb,
      db: { ...offlineDb, description: 'Alias of --offline-db.' },
      format: format(['text', 'json'] as const),
      'insecure-registry': insecureRegistry,
      dockerfile: {
        type: 'string',
        value: 'FILE',
        complete: 'file',
        description: 'The Dockerfile the image was built from: each vulnerability points at its line.',
      },
      platform: {
        type: 'string',
        value: 'OS/ARCH',
        description: 'The platform to pull from a multi-platform image.',
      },
    },
  },
  verify: {
    summary: "Verify an image's cosign signatures.",
    synopsis: 'IMAGE [--key FILE]... [--insecure-registry HOST]... [--format text|json]',
    description: `Verify the image's cosign signatures (Sigstore bundle or .sig) for the digest
it resolves to, against --key or the trust policy in PORTCULLIS_TRUST_POLICY.
Exit 0 when verified, 1 when not.`,
    operands: 'none',
    options: {
      key: {
        type: 'string',
        multiple: true,
        value: 'FILE',
        complete: 'file',
        description: 'A public key (PEM) that may have signed the image (repeatable).',
      },
      'insecure-registry': insecureRegistry,
      format: format(['text', 'json'] as const),
    },
  },
  policy: {
    summary: "Test the repository's policies, or show a policy change's impact.",
    synopsis: 'test|impact ...',
    description: "The repository's own policies: their tests, and what a change to them changes.",
    options: {},
    subcommands: {
      test: {
        summary: "Run `opa test` on the repository's policies.",
        synopsis: '[--repo DIR]',
        description: `Run \`opa test\` on the repository's policy folder, with the built-in pack's
helpers (lib) beside it. Exit 1 when a test fails.`,
        operands: 'none',
        options: { repo: { ...repo, default: '.', description: 'The repository (default: .).' } },
      },
      impact: {
        summary: 'List the findings a policy change makes appear or go away.',
        synopsis: '--base REF --head REF [--repo DIR] [--format text|json]',
        description: `Judge every container file at commit HEAD by the policies of BASE and by those
of HEAD, and list the findings that would appear or go away. Exit 0.`,
        operands: 'none',
        options: {
          repo: { ...repo, default: '.', description: 'The repository (default: .).' },
          base: { type: 'string', value: 'REF', description: 'The commit whose policies judge today.' },
          head: { type: 'string', value: 'REF', description: 'The commit with the changed policies.' },
          format: format(['text', 'json'] as const),
        },
      },
    },
  },
  init: {
    summary: 'Write a starter configuration, waivers file and repository rule.',
    synopsis: '[--repo DIR]',
    description: `Write a commented .github/portcullis.yml, a waivers file and a sample repository
rule with its test (which \`portcullis policy test\` passes). Refuses to
overwrite a file that exists. Exit 0 once written, 2 when a file exists.`,
    operands: 'none',
    options: { repo: { ...repo, default: '.', description: 'The repository (default: .).' } },
  },
  migrate: {
    summary: "Convert a peer tool's configuration (.hadolint.yaml) to .github/portcullis.yml.",
    synopsis: 'hadolint ...',
    description: "Move a repository's linter configuration to Portcullis in one change.",
    options: {},
    subcommands: {
      hadolint: {
        summary: 'Map .hadolint.yaml to .github/portcullis.yml.',
        synopsis: '[FILE] [--repo DIR] [--dry-run|--write] [--format text|json]',
        description: `Read FILE (default .hadolint.yaml or .hadolint.yml at the repository's root) and
map ignored, override, trustedRegistries, failure-threshold, no-fail,
disable-ignore-pragma, label-schema and strict-labels to rules (ShellCheck codes:
shellcheck.ignore), trusted_registries, fail_on, hadolint_pragmas, label_schema
and strict_labels of .github/portcullis.yml, through the peer rules in the
rules' metadata; the configuration's own settings are kept. Each setting is
reported: mapped, kept, or why not (no Portcullis rule). Prints the configuration's
diff (--dry-run, the default), or writes it with --write. Exit 0 once done,
2 on an unreadable file or when the configuration is not written.`,
        operands: 'file',
        options: {
          repo,
          'dry-run': { type: 'boolean', default: false, description: 'Print the diff only (the default).' },
          write: {
            type: 'boolean',
            default: false,
            description: 'Write .github/portcullis.yml instead of printing a diff.',
          },
          format: format(['text', 'json'] as const),
        },
      },
    },
  },
  completion: {
    summary: 'Print a shell completion script (bash, zsh or fish).',
    synopsis: 'bash|zsh|fish',
    description: `Print the completion script for the shell. Install it with, for example:
  bash:  portcullis completion bash > ~/.local/share/bash-completion/completions/portcullis
  zsh:   portcullis completion zsh > "\${fpath[1]}/_portcullis"
  fish:  portcullis completion fish > ~/.config/fish/completions/portcullis.fish`,
    operands: 'none',
    options: {},
  },
} as const satisfies Readonly<Record<string, CommandSpec>>;

export type CommandName = keyof typeof COMMAND_TABLE;

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** The table's entry for `name`, own properties only (`portcullis constructor` is no command). */
export function commandSpec(name: string): CommandSpec | undefined {
  return Object.hasOwn(COMMAND_TABLE, name) ? COMMAND_TABLE[name as CommandName] : undefined;
}

/** `--repo DIR` lines of a command's help, aligned. */
export function optionLines(options: OptionTable): string[] {
  const heads = Object.entries(options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
    return `${short}--${name}${value}`;
  });
  const width = Math.max(0, ...heads.map((h) => h.length));
  return Object.values(options).map(
    (spec, index) => `  ${(heads[index] as string).padEnd(width)}  ${spec.description}`,
  );
}

/** The help of `portcullis`, or of one command or subcommand. */
export function helpText(path: readonly string[] = []): string {
  const [name, sub] = path;
  const spec = name === undefined ? undefined : commandSpec(name);
  if (!spec || name === undefined) {
    const width = Math.max(...Object.keys(COMMAND_TABLE).map((n) => n.length));
    return `Usage: portcullis <command> [options]

Commands:
${Object.entries(COMMAND_TABLE)
  .map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Options:
${optionLines(GLOBAL_OPTIONS).join('\n')}

Run \`portcullis COMMAND --help\` for a command's options.
Exit status: 0 when nothing is denied, 1 when a finding is at deny level,
2 on a usage or configuration error.`;
  }
  const subSpec = sub !== undefined && spec.subcommands ? subcommandSpec(spec, sub) : undefined;
  if (spec.subcommands && !subSpec) {
    return `Usage: portcullis ${name} ${spec.synopsis}

${spec.description}

Subcommands:
${Object.entries(spec.subcommands)
  .map(([n, s]) => `  ${name} ${n} ${s.synopsis}\n      ${s.summary}`)
  .join('\n')}

Run \`portcullis ${name} SUBCOMMAND --help\` for its options.`;
  }
  const shown = subSpec ?? spec;
  const command = subSpec ? `${name} ${sub}` : name;
  const options = optionLines(shown.options);
  return `Usage: portcullis ${command} ${shown.synopsis}

${shown.description}
${options.length > 0 ? `\nOptions:\n${options.join('\n')}\n` : ''}
Global options: ${Object.keys(GLOBAL_OPTIONS)
    .map((o) => `--${o}`)
    .join(', ')} (see portcullis --help).`;
}

export function subcommandSpec(spec: CommandSpec, sub: string): Omit<CommandSpec, 'subcommands'> | undefined {
  return spec.subcommands && Object.hasOwn(spec.subcommands, sub) ? spec.subcommands[sub] : undefined;
}
