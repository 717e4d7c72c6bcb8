package portcullis.lib.text_test

import rego.v1

import data.portcullis.lib.dockerfile

# The native text helpers give what the regular expression each replaces gives (OPA's own
# regex built-ins here), on texts chosen for their edges.
texts := [
	"", " ", "\t \n", "RUN", "  RUN  apt-get  ", "\tCOPY\ta b", " \u000b x", "\u00a0ADD x",
	"a'b'c", "'", "''", "a'b", "a'b'c'd", "'x' 'y' 'z", "it's",
	"$", "$$", "$1", "$A", "${A}", "${A", "${1A}", "${A}B$C_d9-e", "x$-y", "a${B}c${}d$", "${A}}", "$A{B}",
	"é$Ä ${_x}ü", "python:${PYTHON_VERSION}-slim", "$$A", "${A:-b}",
]

test_leading_space_is_regex_find_n_of_leading_white_space if {
	every text in texts {
		dockerfile.leading_space(text) == regex.find_n(`^\s*`, text, 1)[0]
	}
}

test_leading_blanks_is_regex_find_n_of_leading_blanks if {
	every text in texts {
		dockerfile.leading_blanks(text) == regex.find_n(`^[ \t]*`, text, 1)[0]
	}
}

test_first_word_is_regex_find_n_of_the_first_word if {
	every text in texts {
		found := regex.find_n(`^\s*\S+`, text, 1)
		_same_first(found, text)
	}
}

_same_first(found, text) if {
	count(found) == 0
	not dockerfile.first_word(text)
}

_same_first(found, text) if dockerfile.first_word(text) == found[0]

test_words_is_regex_split_on_white_space if {
	every text in texts {
		trimmed := trim_space(text)
		dockerfile.words(trimmed) == regex.split(`\s+`, trimmed)
	}
}

test_without_single_quoted_is_regex_replace_of_quoted_parts if {
	every text in texts {
		dockerfile.without_single_quoted(text) == regex.replace(text, `'[^']*'`, "")
	}
}

test_without_variable_references_is_regex_replace_of_references if {
	every text in texts {
		dockerfile.without_variable_references(text) == regex.replace(text, `\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*`, "")
	}
}

test_the_helpers_agree_on_the_examples_of_their_comments if {
	dockerfile.without_variable_references("python:${PYTHON_VERSION}-slim$TAG") == "python:-slim"
	dockerfile.without_single_quoted("echo 'a $b' $c 'd") == "echo  $c 'd"
	dockerfile.first_word("  add --chown=1 a b") == "  add"
	dockerfile.words("a \t b\nc") == ["a", "b", "c"]
}
