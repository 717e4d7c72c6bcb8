package portcullis.rules.gem_pin_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.gem_pin

test_unpinned_gems_are_reported if {
	findings := gem_pin.info with input as gem
	findings == {{
		"msg": "\"gem install --no-document bundler rake:13.2.1 -- --with-cfl…\" installs bundler without a version: pin it (name:version).",
		"line": 2,
	}}
}

test_pinned_forms_pass if {
	count(gem_pin.info) == 0 with input as gem_pinned
}

test_other_targets_are_ignored if {
	count(gem_pin.info) == 0 with input as test_inputs.other_kind(gem)
}

#  1 | FROM ruby:3.3
#  2 | RUN gem install --no-document bundler rake:13.2.1 -- --with-cflags=-O2
gem := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "ruby:3.3", "resolved": "ruby:3.3", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ruby", "tag": "3.3", "digest": null, "name": "docker.io/library/ruby", "normalized": "docker.io/library/ruby:3.3"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["gem", "install", "--no-document", "bundler", "rake:13.2.1", "--", "--with-cflags=-O2"], "value": "gem install --no-document bundler rake:13.2.1 -- --with-cflags=-O2", "form": "shell", "properties": [], "heredocs": [], "source": "RUN gem install --no-document bundler rake:13.2.1 -- --with-cflags=-O2",
						"commands": [
							{"argv": ["gem", "install", "--no-document", "bundler", "rake:13.2.1", "--", "--with-cflags=-O2"], "assignments": [], "text": "gem install --no-document bundler rake:13.2.1 -- --with-cflags=-O2", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM ruby:3.3
#  2 | RUN gem install bundler -v 2.5.11
#  3 | RUN gem i rails --version=7.1.3
#  4 | RUN gem install ./vendor/x-1.0.gem && gem list rails
gem_pinned := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "ruby:3.3", "resolved": "ruby:3.3", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ruby", "tag": "3.3", "digest": null, "name": "docker.io/library/ruby", "normalized": "docker.io/library/ruby:3.3"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["gem", "install", "bundler", "-v", "2.5.11"], "value": "gem install bundler -v 2.5.11", "form": "shell", "properties": [], "heredocs": [], "source": "RUN gem install bundler -v 2.5.11",
						"commands": [
							{"argv": ["gem", "install", "bundler", "-v", "2.5.11"], "assignments": [], "text": "gem install bundler -v 2.5.11", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["gem", "i", "rails", "--version=7.1.3"], "value": "gem i rails --version=7.1.3", "form": "shell", "properties": [], "heredocs": [], "source": "RUN gem i rails --version=7.1.3",
						"commands": [
							{"argv": ["gem", "i", "rails", "--version=7.1.3"], "assignments": [], "text": "gem i rails --version=7.1.3", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["gem", "install", "./vendor/x-1.0.gem", "&&", "gem", "list", "rails"], "value": "gem install ./vendor/x-1.0.gem && gem list rails", "form": "shell", "properties": [], "heredocs": [], "source": "RUN gem install ./vendor/x-1.0.gem && gem list rails",
						"commands": [
							{"argv": ["gem", "install", "./vendor/x-1.0.gem"], "assignments": [], "text": "gem install ./vendor/x-1.0.gem", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["gem", "list", "rails"], "assignments": [], "text": "gem list rails", "line": 4, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}
