import { describe, expect, it } from 'vitest';
import { parseTimeZone, type TimeZone } from '../../sim/time/TimeZone.js';
import { readLogRecords } from '../../sim/import/readLogRecords.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const line = (msg: string, time = '10:30:42.753+240', date = '10-18-2019') =>
  `<![LOG[${msg}]LOG]!><time="${time}" date="${date}" component="TSManager" context="" type="1" thread="1964" file="x.cpp:1">`;

describe('readLogRecords', () => {
  it('reads a CMTrace line into UTC with its bias', () => {
    const r = readLogRecords('smsts.log', bytes(`${line('Hello')}\r\n`));
    expect(r.records).toEqual([
      expect.objectContaining({
        line: 1,
        message: 'Hello',
        component: 'TSManager',
        utcMs: Date.UTC(2019, 9, 18, 14, 30, 42, 753),
        biasMinutes: 240,
        type: 1,
      }),
    ]);
    expect(r.problems).toEqual([]);
  });

  it('reads a message over several lines and reports it at its first line', () => {
    const text = `${line('one')}\n<![LOG[Failed to run the action: X.\nUnknown error (Error: 000003E9; Source: Unknown)]LOG]!><time="10:30:43.000+240" date="10-18-2019" component="TSManager" context="" type="3" thread="1" file="">\n`;
    const r = readLogRecords('smsts.log', bytes(text));
    expect(r.records[1]).toEqual(
      expect.objectContaining({
        line: 2,
        message: 'Failed to run the action: X.\nUnknown error (Error: 000003E9; Source: Unknown)',
      }),
    );
  });

  it('reads UTF-8 with a byte-order mark, UTF-16 LE and UTF-16 BE', () => {
    const text = `${line('A')}\r\n`;
    const bom8 = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(text)]);
    const le = new Uint8Array([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0), 0])]);
    const be = new Uint8Array([0xfe, 0xff, ...[...text].flatMap((c) => [0, c.charCodeAt(0)])]);
    for (const b of [bom8, le, be]) expect(readLogRecords('f', b).records.map((x) => x.message)).toEqual(['A']);
  });

  it('skips and counts truncated records, unknown dates and unreadable lines, naming each line', () => {
    const text = [
      line('good'),
      '<![LOG[cut in the middle]LOG]!><time="10:3',
      line('bad date', '10:30:43.000+240', '13-45-2019'),
      'garbage that is not a record',
      line('good again'),
      '<![LOG[never closed',
    ].join('\r\n');
    const r = readLogRecords('smsts.log', bytes(text));
    expect(r.records.map((x) => x.message)).toEqual(['good', 'good again']);
    expect(r.skippedLines).toBe(4);
    expect(r.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '2: a truncated CMTrace record (the next record starts before it ends)',
      '3: unknown date "13-45-2019" with time "10:30:43.000+240" (expected a date MM-dd-yyyy that exists)',
      '4: an unreadable line: "garbage that is not a record"',
      '6: a truncated CMTrace record (the file ends inside it)',
    ]);
  });

  it('reads the clipboard form in the given time zone, with multi-line messages', () => {
    const text =
      'Start executing an instruction. Instruction name: A. Instruction pointer: 0\tTSManager\t3/14/2024 9:05:10 AM\t1888 (0x0760)\r\n' +
      'Failed to run the action: A.\r\nUnknown error\tTSManager\t3/14/2024 1:05:11 PM\t1888 (0x0760)\r\n';
    const r = readLogRecords('copy.txt', bytes(text), { timeZone: parseTimeZone('America/New_York') as TimeZone });
    expect(r.records.map((x) => [x.line, x.message, new Date(x.utcMs).toISOString()])).toEqual([
      [1, 'Start executing an instruction. Instruction name: A. Instruction pointer: 0', '2024-03-14T13:05:10.000Z'],
      [2, 'Failed to run the action: A.\nUnknown error', '2024-03-14T17:05:11.000Z'],
    ]);
  });

  it('refuses an empty file and a binary one as a whole', () => {
    expect(readLogRecords('e', new Uint8Array()).problems[0]?.message).toBe('the file is empty');
    expect(readLogRecords('e', bytes('\r\n  \r\n')).problems[0]?.message).toMatch(/empty/);
    const binary = new Uint8Array(256).map((_, i) => (i * 37) % 256);
    expect(readLogRecords('b', binary).problems[0]?.message).toMatch(/^a binary file/);
  });
});
