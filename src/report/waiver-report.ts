/** The summary section that calls out waivers a pull request adds or extends. */
import { type WaiverChange, waiverScope } from '../policy/waivers.js';
import { markdownCode, markdownText } from './markdown.js';

export function waiverChangesSection(changes: readonly WaiverChange[], file: string): string {
  if (changes.length === 0) return '';
  const lines = [
    '',
    `### 🏳️ This pull request adds or extends waivers in ${markdownCode(file)}`,
    '',
    'They take effect only once merged: this check still judges by the base commit. Review them as you would a change to the rules.',
    '',
    '| Change | Rule | Scope | Owner | Expires | Reason |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const { kind, waiver, before } of changes) {
    const scope = waiverScope(waiver);
    const expires =
      before && before.expires !== waiver.expires ? `${before.expires} → ${waiver.expires}` : waiver.expires;
    lines.push(
      `| ${kind} | ${markdownText(waiver.rule)} | ${markdownText(scope || 'everywhere')} | ${markdownText(waiver.owner)} | ${markdownText(expires)} | ${markdownText(waiver.reason)} |`,
    );
  }
  return lines.join('\n');
}
