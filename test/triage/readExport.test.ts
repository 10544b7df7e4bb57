/** The export readers: CSV dialects, dates as PowerShell writes them, client builds, joins across files. */
import { describe, expect, it } from 'vitest';
import { parseTimeZone, UTC } from '../../sim/time/TimeZone.js';
import { readCsv } from '../../sim/triage/readCsv.js';
import { parseDateFormat, readDate } from '../../sim/triage/readDate.js';
import { readExports } from '../../sim/triage/readExport.js';

const enUS = parseDateFormat('en-US');
const options = { dateFormat: enUS ?? fail(), zone: UTC };
function fail(): never {
  throw new Error('no en-US');
}

describe('readCsv', () => {
  it('reads Export-Csv quoting, the #TYPE line and a BOM, keeping lines and columns', () => {
    const t = readCsv(
      '\uFEFF#TYPE System.Management.Automation.PSCustomObject\r\n"A","B"\r\n"x ""y""","1,2"\r\n',
      'f.csv',
    );
    expect(t.header.map((c) => c.text)).toEqual(['A', 'B']);
    expect(t.rows[0]?.map((c) => [c.text, c.line, c.column])).toEqual([
      ['x "y"', 3, 1],
      ['1,2', 3, 11],
    ]);
  });

  it('takes ; as the delimiter where the header uses it (-UseCulture in de-DE)', () => {
    const t = readCsv('"Device";"Value"\n"PC1";"a,b"\n', 'f.csv');
    expect(t.rows[0]?.map((c) => c.text)).toEqual(['PC1', 'a,b']);
  });

  it('takes a tab as the delimiter where the header uses one (Excel\'s "Unicode Text")', () => {
    const t = readCsv('Device\tValue\r\nPC1\t"a,b;c"\r\n', 'f.txt');
    expect(t.header.map((c) => c.text)).toEqual(['Device', 'Value']);
    expect(t.rows[0]?.map((c) => [c.text, c.column])).toEqual([
      ['PC1', 1],
      ['a,b;c', 5],
    ]);
  });

  it('keeps a line break inside quotes, and counts lines after it', () => {
    const t = readCsv('A,B\n"one\ntwo",x\ny,z\n', 'f.csv');
    expect(t.rows.map((r) => r[0]?.line)).toEqual([2, 4]);
  });

  it('names a row with too few fields and an unclosed quote', () => {
    expect(() => readCsv('A,B\nx\n', 'f.csv')).toThrow(
      'f.csv:2:1: this row has 1 fields but the header (line 1) has 2',
    );
    expect(() => readCsv('A,B\n"x,y\n', 'f.csv')).toThrow('f.csv:2:1: a quoted field is never closed');
  });
});

describe('readDate', () => {
  const berlin = parseTimeZone('Europe/Berlin') ?? UTC;
  it('reads a CIM datetime (Get-WmiObject), its own offset in minutes whatever the zone', () => {
    const f = enUS ?? fail();
    expect(readDate('20260304040000.000000+060', f, berlin, true)).toBe(Date.UTC(2026, 2, 4, 3, 0, 0));
    expect(readDate('20260304040000.250000-300', f, UTC, false)).toBe(Date.UTC(2026, 2, 4, 9, 0, 0, 250));
    expect(readDate('20260230040000.000000+000', f, UTC, true)).toBeNull();
    // Without the fraction and offset it is not a CIM datetime: a bare integer is Unix seconds where those are allowed.
    expect(readDate('20260304040000', f, UTC, false)).toBeNull();
  });

  it('reads en-US and de-DE as PowerShell prints them, in the export time zone', () => {
    expect(readDate('10/18/2019 2:20:57 PM', enUS ?? fail(), berlin, false)).toBe(Date.UTC(2019, 9, 18, 12, 20, 57));
    expect(readDate('18.10.2019 14:20:57', parseDateFormat('de-DE') ?? fail(), berlin, false)).toBe(
      Date.UTC(2019, 9, 18, 12, 20, 57),
    );
    expect(readDate('1/5/2026 12:00:00 AM', enUS ?? fail(), UTC, false)).toBe(Date.UTC(2026, 0, 5, 0, 0, 0));
  });

  it('reads Unix seconds, ISO 8601 and /Date(ms)/ whatever the format', () => {
    expect(readDate('1571408457', enUS ?? fail(), berlin, true)).toBe(1571408457000);
    expect(readDate('2019-10-18T14:20:57+02:00', enUS ?? fail(), UTC, false)).toBe(Date.UTC(2019, 9, 18, 12, 20, 57));
    expect(readDate('/Date(1571408457000)/', enUS ?? fail(), UTC, false)).toBe(1571408457000);
  });

  it('refuses dates that do not exist or do not match', () => {
    expect(readDate('2/30/2026 1:00:00 PM', enUS ?? fail(), UTC, false)).toBeNull();
    expect(readDate('18.10.2019 14:20:57', enUS ?? fail(), UTC, false)).toBeNull();
    expect(parseDateFormat('yyyy-MM')).toBeNull();
  });
});

describe('readExports', () => {
  it('joins files by device name, whatever its case, and maps builds to releases', () => {
    const records = readExports(
      [
        { file: 'r.csv', text: 'Device,Key,Property,Value\nPC1,k,ProvisioningMode,true\nPC1,k,Other,1\n' },
        {
          file: 's.csv',
          text: 'Device,Name,StartMode,State\npc1,wuauserv,Manual,Running\npc1,CcmExec,Disabled,Stopped\n',
        },
        { file: 'v.csv', text: 'Device,Property,Value\nPC1,ProductVersion,5.00.8740.1000\n' },
      ],
      options,
    );
    expect(records).toHaveLength(1);
    const f = records[0]?.fields;
    expect([
      f?.ProvisioningMode?.value,
      f?.CcmExecStartMode?.value,
      f?.CcmExecState?.value,
      f?.ClientVersion?.value,
    ]).toEqual(['true', 'disabled', 'stopped', '1810']);
  });

  it('refuses a device name with a control character (CSV and JSON), naming where it is', () => {
    const csv = '"ComputerName","ProvisioningMode"\n"PC1","true"\n"X\u001b[31mRED","true"\n';
    expect(() => readExports([{ file: 'w.csv', text: csv }], options)).toThrow(
      'w.csv:3:1: ComputerName: the device name "X\\u001b[31mRED" holds a control character (an escape, a line break, ...); a device name is one line of plain text',
    );
    const json = '[{ "Hostname": "A\\u0007B", "ProvisioningMode": "true" }]';
    expect(() => readExports([{ file: 'h.json', text: json }], options)).toThrow(
      /h\.json:1:\d+: Hostname: the device name "A\\u0007B" holds a control character/,
    );
    expect(() =>
      readExports([{ file: 'q.csv', text: 'Device,Property,Value\n"PC\u2028","ProvisioningMode",true\n' }], options),
    ).toThrow(/q\.csv:2:1: Device: the device name/);
  });

  it('refuses a ProvisioningMode that is neither "true" nor "false" (a 1 from a database would hide a stuck device)', () => {
    for (const [file, text, where] of [
      ['w.csv', '"ComputerName","ProvisioningMode"\n"PC1","TRUE"\n"PC2","1"\n', 'w.csv:3:7'],
      ['h.json', '[{ "Hostname": "PC1", "ProvisioningMode": 0 }]', 'h.json:1:43'],
      ['l.csv', 'Device,Property,Value\nPC1,ProvisioningMode,yes\n', 'l.csv:2:22'],
    ] as const) {
      expect(() => readExports([{ file, text }], options)).toThrow(
        new RegExp(
          `^${where.replace('.', '\\.')}: ProvisioningMode: "(1|0|yes)" is neither "true" nor "false", the values the client writes`,
        ),
      );
    }
    const ok =
      '[{ "Hostname": "PC1", "ProvisioningMode": true }, { "Hostname": "PC2", "ProvisioningMode": " False " }]';
    expect(readExports([{ file: 'h.json', text: ok }], options).map((r) => r.fields.ProvisioningMode?.value)).toEqual([
      'true',
      ' False ',
    ]);
  });

  it('refuses a header that names a column it reads twice', () => {
    expect(() =>
      readExports([{ file: 'd.csv', text: 'Device,device ,ProvisioningMode\nPC1,PC2,true\n' }], options),
    ).toThrow('d.csv:1:8: the header names "device" twice (columns 1 and 2); keep one of them');
    // A column it does not read may repeat.
    const twice = 'Device,Note,Note,ProvisioningMode\nPC1,a,b,true\n';
    expect(readExports([{ file: 'n.csv', text: twice }], options)).toHaveLength(1);
  });

  it('keeps a device whose row has no value at all', () => {
    const records = readExports([{ file: 'w.csv', text: '"ComputerName","ProvisioningMode"\n"PC1",""\n' }], options);
    expect(records.map((r) => [r.device, Object.keys(r.fields).length])).toEqual([['PC1', 0]]);
  });

  it('reads the JSON of Windows PowerShell 5.1 (a date as an object with its value)', () => {
    const [r] = readExports(
      [
        {
          file: 'h.json',
          text: '{"ComputerName":"PC1","ProvisioningEnabledTime":{"value":"/Date(1571408457000)/","DisplayHint":2},"ProvisioningMaxMinutes":240}',
        },
      ],
      options,
    );
    expect(r?.fields.ProvisioningEnabledTime?.value).toBe(1571408457);
    expect(r?.fields.ProvisioningMaxMinutes?.value).toBe(240);
  });

  it('names the line and column of a JSON value of the wrong kind', () => {
    expect(() =>
      readExports([{ file: 'h.json', text: '[\n  {"Hostname": "PC1", "ClientVersion": "9.9"}\n]' }], options),
    ).toThrow('h.json:2:40: ClientVersion: "9.9" is not a client version');
  });
});
