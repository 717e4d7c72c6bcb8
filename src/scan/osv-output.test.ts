import { parseOsvReport } from './osv-output.js';

const SOURCE = 'osv-scanner output for /tmp/x.tar';

describe('parseOsvReport', () => {
  test('reads the packages and the vulnerability groups of a report', () => {
    const report = {
      results: [
        {
          packages: [
            {
              package: {
                name: 'openssl',
                os_package_name: 'libcrypto3',
                version: '3.1.4-r0',
                ecosystem: 'Alpine:v3.19',
                image_origin_details: { index: 2 },
              },
              vulnerabilities: [
                {
                  id: 'CVE-2024-0727',
                  summary: 'PKCS12 NULL dereference',
                  affected: [
                    {
                      package: { name: 'openssl', ecosystem: 'Alpine:v3.19' },
                      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.1.4-r5' }] }],
                    },
                  ],
                },
              ],
              groups: [{ ids: ['CVE-2024-0727'], aliases: ['CVE-2024-0727'], max_severity: '5.5' }],
            },
            { package: { name: 'busybox', ecosystem: 'Alpine:v3.19' } },
          ],
        },
      ],
    };
    const parsed = parseOsvReport(JSON.stringify(report), SOURCE);
    expect(parsed.packages).toBe(2);
    expect(parsed.packageList).toEqual([
      { name: 'libcrypto3', version: '3.1.4-r0', ecosystem: 'Alpine:v3.19', source_package: 'openssl' },
    ]);
    expect(parsed.vulnerabilities).toEqual([
      {
        id: 'CVE-2024-0727',
        aliases: [],
        summary: 'PKCS12 NULL dereference',
        package: {
          name: 'libcrypto3',
          version: '3.1.4-r0',
          ecosystem: 'Alpine:v3.19',
          source_package: 'openssl',
        },
        severity: 'MEDIUM',
        cvss_score: 5.5,
        fixed_version: '3.1.4-r5',
        history_index: 2,
      },
    ]);
  });

  test('a report of another shape is an error naming the report and the place, not a crash further on', () => {
    expect(() => parseOsvReport(JSON.stringify({ results: [{ packages: {} }] }), SOURCE)).toThrow(
      `${SOURCE}: /results/0/packages must be array`,
    );
    expect(() =>
      parseOsvReport(
        JSON.stringify({ results: [{ packages: [{ package: {}, groups: [{ ids: 'CVE-1' }] }] }] }),
        SOURCE,
      ),
    ).toThrow(`${SOURCE}: /results/0/packages/0/groups/0/ids must be array`);
    expect(() => parseOsvReport('{"results": ', SOURCE)).toThrow(`${SOURCE}: it is not JSON`);
  });
});
