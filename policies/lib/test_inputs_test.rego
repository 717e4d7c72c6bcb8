# METADATA
# title: Test helpers
# description: >-
#   Small helpers for the rule tests (policies/**/*_test.rego). The tests' input
#   documents are the real output of scripts/print-input.mjs for the Dockerfile shown,
#   line-numbered, in a comment above each one. Nothing here produces findings; the file
#   is named `_test.rego` so that it stays out of the policy bundle.
package portcullis.lib.test_inputs

import rego.v1

# The same document, as if another extractor had produced it: no rule may fire.
other_kind(doc) := json.patch(doc, [{"op": "replace", "path": "/target/kind", "value": "kubernetes"}])

# The lines findings point at.
lines(findings) := {finding.line | some finding in findings}

# The fixes of a set of findings.
fixes(findings) := {finding.fix | some finding in findings; finding.fix}

# The findings on one line.
at(findings, line) := {finding | some finding in findings; finding.line == line}
