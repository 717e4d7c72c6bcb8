package portcullis.rules.pip_pin_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.pip_pin

test_unpinned_packages_are_reported if {
	findings := pip_pin.info with input as pip
	test_inputs.lines(findings) == {2, 3}
	test_inputs.at(findings, 2) == {{
		"msg": "\"pip install --no-cache-dir -i https://pypi.example/simple f…\" installs flask without a version: pin it (name==version).",
		"line": 2,
	}}
}

# Requirements and constraints files, specifiers, VCS refs, wheels and local paths pass.
# Pinned forms pass; a requirements file pins only its own lines, so `flask` beside it on
# line 2 is still reported (Hadolint exempts the whole command), while a constraints file
# pins everything installed with it (line 3).
test_pinned_forms_pass if {
	findings := pip_pin.info with input as pip_pinned
	test_inputs.lines(findings) == {2}
	test_inputs.at(findings, 2) == {{
		"msg": "\"pip install -r requirements.txt flask\" installs flask without a version: pin it (name==version).",
		"line": 2,
	}}
}

test_other_targets_are_ignored if {
	count(pip_pin.info) == 0 with input as test_inputs.other_kind(pip)
}

#  1 | FROM python:3.12-slim
#  2 | RUN pip install --no-cache-dir -i https://pypi.example/simple flask requests==2.32.3
#  3 | RUN python3 -m pip install --upgrade pip
pip := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["pip", "install", "--no-cache-dir", "-i", "https://pypi.example/simple", "flask", "requests==2.32.3"], "value": "pip install --no-cache-dir -i https://pypi.example/simple flask requests==2.32.3", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip install --no-cache-dir -i https://pypi.example/simple flask requests==2.32.3",
						"commands": [
							{"argv": ["pip", "install", "--no-cache-dir", "-i", "https://pypi.example/simple", "flask", "requests==2.32.3"], "assignments": [], "text": "pip install --no-cache-dir -i https://pypi.example/simple flask requests==2.32.3", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["python3", "-m", "pip", "install", "--upgrade", "pip"], "value": "python3 -m pip install --upgrade pip", "form": "shell", "properties": [], "heredocs": [], "source": "RUN python3 -m pip install --upgrade pip",
						"commands": [
							{"argv": ["python3", "-m", "pip", "install", "--upgrade", "pip"], "assignments": [], "text": "python3 -m pip install --upgrade pip", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM python:3.12-slim
#  2 | RUN pip install -r requirements.txt flask
#  3 | RUN pip install --constraint c.txt gunicorn
#  4 | RUN pip install "uvicorn>=0.30" "attrs~=23.2" git+https://github.com/psf/black@24.4.2 ./dist/app-1.0-py3-none-any.whl .
#  5 | RUN pip3 install -e ./src /opt/pkg
pip_pinned := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 5,
				"base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["pip", "install", "-r", "requirements.txt", "flask"], "value": "pip install -r requirements.txt flask", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip install -r requirements.txt flask",
						"commands": [
							{"argv": ["pip", "install", "-r", "requirements.txt", "flask"], "assignments": [], "text": "pip install -r requirements.txt flask", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["pip", "install", "--constraint", "c.txt", "gunicorn"], "value": "pip install --constraint c.txt gunicorn", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip install --constraint c.txt gunicorn",
						"commands": [
							{"argv": ["pip", "install", "--constraint", "c.txt", "gunicorn"], "assignments": [], "text": "pip install --constraint c.txt gunicorn", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["pip", "install", "\"uvicorn>=0.30\"", "\"attrs~=23.2\"", "git+https://github.com/psf/black@24.4.2", "./dist/app-1.0-py3-none-any.whl", "."], "value": "pip install \"uvicorn>=0.30\" \"attrs~=23.2\" git+https://github.com/psf/black@24.4.2 ./dist/app-1.0-py3-none-any.whl .", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip install \"uvicorn>=0.30\" \"attrs~=23.2\" git+https://github.com/psf/black@24.4.2 ./dist/app-1.0-py3-none-any.whl .",
						"commands": [
							{"argv": ["pip", "install", "uvicorn>=0.30", "attrs~=23.2", "git+https://github.com/psf/black@24.4.2", "./dist/app-1.0-py3-none-any.whl", "."], "assignments": [], "text": "pip install \"uvicorn>=0.30\" \"attrs~=23.2\" git+https://github.com/psf/black@24.4.2 ./dist/app-1.0-py3-none-any.whl .", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["pip3", "install", "-e", "./src", "/opt/pkg"], "value": "pip3 install -e ./src /opt/pkg", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip3 install -e ./src /opt/pkg",
						"commands": [
							{"argv": ["pip3", "install", "-e", "./src", "/opt/pkg"], "assignments": [], "text": "pip3 install -e ./src /opt/pkg", "line": 5, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
