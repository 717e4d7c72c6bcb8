/**
 * Paths a repository's configuration names (its policy folder, waivers file, key files) are
 * read from the repository and nowhere else. Whatever the snapshot (a git commit, a working
 * tree, the GitHub API), a path that is absolute, starts with `~`, climbs with `..`, or holds
 * a backslash or a control character is refused before anything is read. Symbolic links on
 * disk are the working tree's concern (src/core/local-repository.ts).
 */

/** The path normalised (`./a//b/` → `a/b`), or why it does not name something inside the repository. */
export function repositoryPath(value: string): { path: string } | { problem: string } {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) return { problem: 'contains a control character' };
  if (value.includes('\\')) return { problem: 'contains a backslash: separate folders with `/`' };
  if (value.startsWith('~')) {
    return { problem: 'starts with `~`: write it relative to the repository root, not the home folder' };
  }
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) {
    return { problem: 'is absolute: write it relative to the repository root' };
  }
  const segments = value.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { problem: 'climbs out with `..`: it must stay inside the repository' };
  if (segments.length === 0) return { problem: 'names the repository root itself: name something inside it' };
  return { path: segments.join('/') };
}
