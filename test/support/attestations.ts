/**
 * Attestation and transparency-log fixtures for the signature tests: predicates as real
 * builders write them, and Rekor entries signed by a test log key.
 */

/** SLSA provenance v1 as GitHub's `actions/attest-build-provenance` writes it (fields trimmed). */
export function githubProvenance(builder: string, repository = 'https://github.com/acme/web'): unknown {
  return {
    buildDefinition: {
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      externalParameters: {
        workflow: { ref: 'refs/tags/v1.2.0', repository, path: '.github/workflows/release.yml' },
      },
      resolvedDependencies: [
        {
          uri: `git+${repository}@refs/tags/v1.2.0`,
          digest: { gitCommit: '0123456789abcdef0123456789abcdef01234567' },
        },
      ],
    },
    runDetails: { builder: { id: builder }, metadata: { invocationId: 'run-1' } },
  };
}
