/**
 * fix-now.ps1 read as text: its structure (SupportsShouldProcess, so -WhatIf works; the device list), and the
 * guard before each call: the registry re-read on the device, the mode, the window and a running task sequence
 * all checked before the one SetClientProvisioningMode($false) call, which sits inside ShouldProcess.
 */
import { describe, expect, it } from 'vitest';
import { formatFixNowScript, psString } from '../../sim/triage/fixNowScript.js';
import { triage } from '../../sim/triage/triage.js';
import { AS_OF_MS, cmpivotExports, simulateFleet } from './simulatedFleet.js';

const { report } = triage(cmpivotExports(simulateFleet()), { asOfMs: AS_OF_MS, tsWindowMs: 3 * 3_600_000 });
const script = formatFixNowScript(report);
const lines = script.split('\r\n');
const lineOf = (pattern: RegExp): number => lines.findIndex((l) => pattern.test(l));

describe('fix-now.ps1', () => {
  it('supports -WhatIf and takes the window from the triage', () => {
    expect(script).toMatch(/^\[CmdletBinding\(SupportsShouldProcess = \$true\)\]$/m);
    expect(script).toMatch(/^ {4}\[int\]\$WindowMinutes = 180$/m);
  });

  it('lists exactly the fix-now devices', () => {
    const listed = [...script.matchAll(/^ {4}'([^']+)',?$/gm)].map((m) => m[1]);
    const fixNow = report.devices.filter((d) => d.action === 'fix-now').map((d) => d.device);
    expect(fixNow.length).toBeGreaterThan(0);
    expect(listed).toEqual(fixNow);
  });

  it('calls SetClientProvisioningMode($false) once, inside ShouldProcess, after every guard', () => {
    const calls = lines.filter((l) => l.includes("-MethodName 'SetClientProvisioningMode'"));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain('@{ bEnable = $false }');
    const call = lineOf(/-MethodName 'SetClientProvisioningMode'/);
    const should = lineOf(/\$PSCmdlet\.ShouldProcess\(\$Device, 'SetClientProvisioningMode\(\$false\)'\)/);
    const guards = [
      lineOf(/Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\CCM\\CcmExec'/),
      lineOf(/\$InMode = \[string\]\$State\.ProvisioningMode -eq 'true'/),
      lineOf(/if \(-not \$InMode -and -not \$Inconsistent\)/),
      lineOf(/if \(\$Minutes -lt \$WindowMinutes\)/),
      lineOf(/if \(\$State\.TaskSequenceRunning\)/),
    ];
    for (const g of guards) {
      expect(g).toBeGreaterThan(0);
      expect(g).toBeLessThan(should);
    }
    expect(should).toBeLessThan(call);
    // Each failed guard skips the device (continue) and says so.
    for (const g of guards.slice(2))
      expect(lines.slice(g, g + 4).join('\n')).toMatch(/Write-Output "?.*skipped[\s\S]*continue/);
  });

  it('prints what it did per device, and what it would do under -WhatIf', () => {
    expect(script).toContain('SetClientProvisioningMode(`$false) called');
    expect(script).toContain('would call SetClientProvisioningMode(`$false)');
  });

  it('has balanced braces and parentheses (outside strings)', () => {
    const code = script.replace(/'[^'\r\n]*'|"(?:[^"`\r\n]|`.)*"/g, '""');
    const count = (c: string) => code.split(c).length - 1;
    expect(count('{')).toBe(count('}'));
    expect(count('(')).toBe(count(')'));
  });
});

describe('a device name in fix-now.ps1', () => {
  // PowerShell reads U+2018 to U+201B as single quotes too: each must be doubled, or a hostile export's device name
  // would end the string and run as code.
  const QUOTES = /['\u2018\u2019\u201a\u201b]/;
  /** Whether `literal` is one single-quoted string: every quote inside it doubled (a pair of the same character). */
  const oneString = (literal: string): boolean =>
    QUOTES.test(literal[0] ?? '') &&
    QUOTES.test(literal.at(-1) ?? '') &&
    !QUOTES.test(literal.slice(1, -1).replace(/(['\u2018\u2019\u201a\u201b])\1/g, ''));

  it.each(["O'Brien-PC", 'X\u2019; Write-Host pwned; \u2019', 'a\u2018b\u201ac\u201bd', "''", 'PC1'])(
    '%s stays one string',
    (name) => {
      const literal = psString(name);
      expect(oneString(literal)).toBe(true);
      // Undoubling gives the name back.
      expect(literal.slice(1, -1).replace(/(['\u2018\u2019\u201a\u201b])\1/g, '$1')).toBe(name);
    },
  );

  it('an unescaped typographic quote would end the string (the check above can fail)', () => {
    expect(oneString(`'${'X\u2019; Write-Host pwned; \u2019'.replaceAll("'", "''")}'`)).toBe(false);
  });
});
