import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  CmtraceFormatError,
  formatCmtraceLine,
  formatCmtraceLog,
  parseCmtraceStrict,
} from '../../../sim/report/cmtrace/cmtraceLine.js';

const record = {
  message: 'Execution engine result code: Success (0)',
  utcMs: Date.UTC(2019, 9, 18, 14, 30, 42, 753),
  biasMinutes: 240,
  component: 'TSManager',
  type: 1 as const,
  thread: 1964,
  file: 'tsmanager.cpp:1279',
};

describe('formatCmtraceLine', () => {
  it('writes the local time, the bias and the date as a real client does', () => {
    expect(formatCmtraceLine(record)).toBe(
      '<![LOG[Execution engine result code: Success (0)]LOG]!><time="10:30:42.753+240" date="10-18-2019" component="TSManager" context="" type="1" thread="1964" file="tsmanager.cpp:1279">',
    );
  });

  it('writes a negative bias east of Greenwich and +000 in UTC', () => {
    expect(formatCmtraceLine({ ...record, biasMinutes: -60 })).toContain('time="15:30:42.753-60" date="10-18-2019"');
    expect(formatCmtraceLine({ ...record, biasMinutes: 0 })).toContain('time="14:30:42.753+000"');
  });

  it('keeps a message that contains the end marker readable', () => {
    const log = formatCmtraceLog([{ ...record, message: 'a ]LOG]!> b' }]);
    expect(parseCmtraceStrict(log)[0]?.message).toBe('a ]LOG] !> b');
  });
});

describe('parseCmtraceStrict', () => {
  test.prop([
    fc.array(
      fc.record({
        message: fc.string({ maxLength: 40 }).map((s) => s.replace(/\r/g, '')),
        utcMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }),
        biasMinutes: fc.integer({ min: -840, max: 720 }),
        component: fc.constantFrom('TSManager', 'CcmExec', 'OSDSetupHook'),
        type: fc.constantFrom(1 as const, 2 as const, 3 as const),
        thread: fc.nat(99999),
        file: fc.constantFrom('', 'engine.cxx:143'),
      }),
      { maxLength: 5 },
    ),
  ])('reads back every record it writes', (records) => {
    const parsed = parseCmtraceStrict(formatCmtraceLog(records));
    expect(parsed.map(({ line: _line, ...r }) => r)).toEqual(
      records.map((r) => ({ ...r, message: r.message.replace(/\]LOG\]!>/g, ']LOG] !>') })),
    );
  });

  it('names the line of a record that breaks the format', () => {
    const good = formatCmtraceLog([record, { ...record, message: 'two\nlines' }]);
    const bad = `${good}${formatCmtraceLine(record).replace('type="1"', 'type="4"')}\r\n`;
    expect(() => parseCmtraceStrict(bad)).toThrow(CmtraceFormatError);
    expect(() => parseCmtraceStrict(bad)).toThrow(/^line 4: not a CMTrace record/);
  });

  it('refuses a missing CR LF, a date that does not exist and text between records', () => {
    expect(() => parseCmtraceStrict(formatCmtraceLine(record))).toThrow(/line 1/);
    expect(() => parseCmtraceStrict(`${formatCmtraceLine(record).replace('10-18-2019', '02-30-2019')}\r\n`)).toThrow(
      /does not exist/,
    );
    expect(() => parseCmtraceStrict(`noise\r\n${formatCmtraceLog([record])}`)).toThrow(/line 1/);
  });
});
