/** A finding to render, with defaults the report tests share: PC-DF-001 at deny on line 1 of Dockerfile. */
import type { Finding } from '../../src/policy/findings.js';

export const finding = (overrides: Partial<Finding> = {}): Finding => ({
  rule_id: 'PC-DF-001',
  severity: 'deny',
  path: 'Dockerfile',
  line: 1,
  end_line: 1,
  message: 'Base image has no tag',
  title: 'Base image uses latest or no tag',
  ...overrides,
});
