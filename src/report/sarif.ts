import type * as Sarif from 'sarif';
import { type FindingIdentity, findingIdentities, sourceLinesOf } from '../core/fingerprint.js';
import type { Judgement, TargetFile } from '../core/judge.js';
import type { ResultSet, RuleMetadata } from '../policy/compile.js';
import type { Finding, Fix } from '../policy/findings.js';
import { plainFinding, plainText } from './plain-text.js';
import { redactSecrets } from './redact.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The App's public page (app.yml `url`), until the project has a documentation site. */
const INFORMATION_URI = 'https://github.com/apps/portcullis';
/** Paths are relative to the repository root, which code scanning calls %SRCROOT%. */
const SRCROOT = '%SRCROOT%';
/**
 * Our own partialFingerprints key: GitHub reserves `primaryLocationLineHash`, recomputes
 * it on upload and warns when a tool's value differs from its own.
 */
const FINGERPRINT = 'portcullisFindingHash/v1';

const LEVEL: Record<ResultSet, Sarif.ReportingConfiguration.level> = {
  deny: 'error',
  warn: 'warning',
  info: 'note',
};

export interface SarifTool {
  version: string;
}

/**
 * `rules` is the engine's metadata (keyed by package or by id: entries are read by their
 * `id`). `files` are the judged targets; their text makes fingerprints follow a finding's
 * line as it moves, and is optional (the message stands in for it).
 */
export function sarifReport(
  judgement: Judgement,
  rules: Readonly<Record<string, RuleMetadata>>,
  tool: SarifTool,
  files: readonly TargetFile[] = [],
): Sarif.Log {
  const descriptors = ruleDescriptors(judgement.findings, Object.values(rules));
  const ruleIndex = new Map(descriptors.map((rule, index) => [rule.id, index]));
  const sources = sourceLinesOf(files);
  // The fingerprint the review uses too, spelled as this key's version has always stored it.
  const identities = findingIdentities(judgement.findings, sources);
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Portcullis',
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: INFORMATION_URI,
            rules: descriptors,
          },
        },
        invocations: [
          {
            // The run completed; a file it could not judge is a hole in the results, which
            // Portcullis treats as an error (fail closed).
            executionSuccessful: true,
            toolExecutionNotifications: judgement.errors.map((error) => ({
              level: 'error' as const,
              message: { text: plainText(`${error.path}: ${error.message}`) },
              locations: [{ physicalLocation: { artifactLocation: artifactLocation(error.path) } }],
            })),
          },
        ],
        results: judgement.findings.map((finding, index) => {
          // Shown by code scanning and other tools: plain text, no credentials, no fix that carries one.
          const shown = plainFinding(finding);
          return {
            ruleId: finding.rule_id,
            ruleIndex: ruleIndex.get(finding.rule_id) as number,
            level: LEVEL[finding.severity],
            message: { text: shown.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: artifactLocation(finding.path),
                  region: { startLine: finding.line, endLine: finding.end_line },
                },
              },
            ],
            partialFingerprints: { [FINGERPRINT]: sarifFingerprint(identities[index]) },
            ...(shown.fix ? { fixes: [sarifFix(finding.path, shown.fix, sources.get(finding.path))] } : {}),
          };
        }),
      },
    ],
  };
}

/** Every rule of the policy, plus any rule a finding names that has no metadata, by id. */
function ruleDescriptors(
  findings: readonly Finding[],
  metadata: readonly RuleMetadata[],
): Sarif.ReportingDescriptor[] {
  const byId = new Map<string, Sarif.ReportingDescriptor>();
  for (const rule of metadata) byId.set(rule.id, ruleDescriptor(rule));
  for (const finding of findings) {
    if (!byId.has(finding.rule_id)) {
      byId.set(finding.rule_id, {
        id: finding.rule_id,
        shortDescription: { text: plainText(finding.title) },
      });
    }
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function ruleDescriptor(rule: RuleMetadata): Sarif.ReportingDescriptor {
  // Rule metadata is the policy author's markdown, kept as markdown; credentials are still redacted.
  const description = redactSecrets(rule.description || rule.title);
  const help = redactSecrets(rule.remediation) || description;
  // The folder of the rule's file says what it judges (`dockerfile/latest_tag.rego`).
  const kind = rule.file.includes('/') ? rule.file.split('/')[0] : undefined;
  return {
    id: rule.id,
    // SARIF wants an identifier-like name; the package says what the rule is about.
    name: rule.package.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: plainText(rule.title) },
    fullDescription: { text: description, markdown: description },
    help: { text: help, markdown: help },
    ...(rule.severity ? { defaultConfiguration: { level: LEVEL[rule.severity] } } : {}),
    properties: { tags: ['container', ...(kind ? [kind] : [])] },
  };
}

/**
 * A fix replaces whole lines, which is a SARIF region with lines and no columns (it ends
 * before the last line's line break). Deleting lines takes their line breaks too, so
 * that region runs to the start of the next line when there is one.
 */
function sarifFix(path: string, fix: Fix, lines: readonly string[] | undefined): Sarif.Fix {
  const deletes = fix.replacement === '';
  const hasNextLine = lines !== undefined && fix.end_line < lines.length;
  const replacement: Sarif.Replacement =
    deletes && hasNextLine
      ? { deletedRegion: { startLine: fix.line, startColumn: 1, endLine: fix.end_line + 1, endColumn: 1 } }
      : {
          deletedRegion: { startLine: fix.line, endLine: fix.end_line },
          insertedContent: { text: fix.replacement },
        };
  return {
    description: { text: fix.description },
    artifactChanges: [{ artifactLocation: artifactLocation(path), replacements: [replacement] }],
  };
}

/** `hash:n` with 32 hex digits: what `portcullisFindingHash/v1` has always held. */
function sarifFingerprint(identity: FindingIdentity | undefined): string {
  return identity ? `${identity.hash.slice(0, 32)}:${identity.occurrence}` : '';
}

function artifactLocation(path: string): Sarif.ArtifactLocation {
  return { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}
