import { InvalidJsonError, parseJson, validateJson } from './parse-json.js';

interface Report {
  results: { packages: string[] }[];
}
const REPORT = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      items: { type: 'object', required: ['packages'], properties: { packages: { type: 'array' } } },
    },
  },
};

describe('parseJson', () => {
  test('returns the document when it has the shape', () => {
    expect(parseJson<Report>('{"results": [{"packages": []}]}', REPORT, 'a report')).toEqual({
      results: [{ packages: [] }],
    });
  });

  test('a document of the wrong shape names the source and the path', () => {
    expect(() =>
      parseJson('{"results": [{"packages": {}}]}', REPORT, 'osv-scanner output for /tmp/x.tar'),
    ).toThrow(new InvalidJsonError('osv-scanner output for /tmp/x.tar', '/results/0/packages must be array'));
    expect(() => parseJson('[]', REPORT, 'a report')).toThrow('a report: the document must be object');
  });

  test('text that is not JSON is named without quoting it (it may hold a secret)', () => {
    expect(() => parseJson(Buffer.from('{"token": "s3cret'), REPORT, 'a token response')).toThrow(
      /^a token response: it is not JSON$/,
    );
  });

  test('validates values parsed elsewhere', () => {
    expect(() => validateJson({ results: 1 }, REPORT, 'data')).toThrow('data: /results must be array');
  });
});
