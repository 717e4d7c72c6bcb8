package portcullis.rules.image_vulnerable_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.rules.image_vulnerable

vuln(id, severity, fixed) := {
	"id": id,
	"aliases": [],
	"package": "libcrypto3",
	"installed_version": "3.1.4-r1",
	"fixed_version": fixed,
	"severity": severity,
}

scanned(vulnerabilities) := inputs.found({"vulnerabilities": vulnerabilities})

test_fixable_critical_and_high_are_warned if {
	facts := {24: scanned([
		vuln("ALPINE-CVE-2024-0004", "HIGH", "1.2.4-r1"),
		vuln("ALPINE-CVE-2024-0001", "CRITICAL", "3.1.4-r5"),
		vuln("ALPINE-CVE-2024-0002", "MEDIUM", "1.36.1-r16"),
		vuln("ALPINE-CVE-2024-0005", "CRITICAL", null),
	])}
	findings := image_vulnerable.warn with input as inputs.with_facts(inputs.kubernetes, facts)
	findings == {{
		"msg": "Image \"quay.io/prometheus/node-exporter:latest\" (spec.template.spec.containers[3].image) has 2 fixable critical/high vulnerabilities (ALPINE-CVE-2024-0001, ALPINE-CVE-2024-0004): update it to a version with the fixes.",
		"line": 24,
	}}
}

test_one_vulnerability if {
	facts := {24: scanned([vuln("CVE-1", "HIGH", "2")])}
	findings := image_vulnerable.warn with input as inputs.with_facts(inputs.kubernetes, facts)
	findings == {{
		"msg": "Image \"quay.io/prometheus/node-exporter:latest\" (spec.template.spec.containers[3].image) has 1 fixable critical/high vulnerability (CVE-1): update it to a version with the fixes.",
		"line": 24,
	}}
}

test_at_most_five_ids_are_listed if {
	facts := {24: scanned([vuln(sprintf("CVE-%d", [i]), "HIGH", "2") | some i in numbers.range(1, 7)])}
	findings := image_vulnerable.warn with input as inputs.with_facts(inputs.kubernetes, facts)
	findings == {{
		"msg": "Image \"quay.io/prometheus/node-exporter:latest\" (spec.template.spec.containers[3].image) has 7 fixable critical/high vulnerabilities (CVE-1, CVE-2, CVE-3, CVE-4, CVE-5 and 2 more): update it to a version with the fixes.",
		"line": 24,
	}}
}

test_dockerfile_from_lines_are_judged if {
	facts := {7: scanned([vuln("CVE-9", "CRITICAL", "2")])}
	findings := image_vulnerable.warn with input as inputs.with_facts(inputs.dockerfile, facts)
	findings == {{
		"msg": "Image \"alpine\" (FROM) has 1 fixable critical/high vulnerability (CVE-9): update it to a version with the fixes.",
		"line": 7,
	}}
}

test_nothing_when_unfixable_or_low_or_not_scanned if {
	unfixable := {24: scanned([vuln("CVE-1", "CRITICAL", null), vuln("CVE-2", "LOW", "2"), vuln("CVE-3", "HIGH", "")])}
	count(image_vulnerable.warn) == 0 with input as inputs.with_facts(inputs.kubernetes, unfixable)
	count(image_vulnerable.warn) == 0 with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
	count(image_vulnerable.warn) == 0 with input as inputs.kubernetes
	scan_failed := {24: inputs.found({"scan_error": {"code": "too_large", "message": "too large"}})}
	count(image_vulnerable.warn) == 0 with input as inputs.with_facts(inputs.kubernetes, scan_failed)
}
