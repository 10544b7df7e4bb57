/**
 * `fix-now.ps1`: for each `fix-now` device, re-read its registry on the device and call
 * `SetClientProvisioningMode($false)` only where it is still in provisioning mode outside the task-sequence
 * window and with no task sequence running (`TSManager` is the task sequence's process: this also covers a
 * client with no timestamp, whose window the triage could not check); print what was done per device; `-WhatIf`
 * supported (`SupportsShouldProcess`). The method and its
 * argument are those of the client's WMI class `root\ccm:SMS_Client` (`bEnable`, as PSCCMClient's
 * `Set-CCMProvisioningMode` calls it); it runs on the device through `Invoke-Command` (WinRM), because the
 * client's methods do not answer remote CIM calls well (PSCCMClient's README). Pure: returns the text.
 */
import type { TriageReport } from './triage.js';

/**
 * A PowerShell single-quoted string. PowerShell reads the typographic single quotes (U+2018 to U+201B) as quotes
 * too, so each of the five is doubled, as the language's escape for a quote inside such a string: a device name
 * cannot end the string and run as code.
 */
export const psString = (s: string): string => `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;

export function formatFixNowScript(r: TriageReport): string {
  const devices = r.devices.filter((d) => d.action === 'fix-now');
  const windowMinutes = Math.round(r.tsWindowMs / 60_000);
  const list =
    devices.length === 0 ? '@()' : `@(\r\n${devices.map((d) => `    ${psString(d.device)}`).join(',\r\n')}\r\n)`;
  const lines = [
    '<#',
    '.SYNOPSIS',
    '    Takes the fix-now devices of a provsim triage out of provisioning mode, safely.',
    '.DESCRIPTION',
    `    Written by provsim triage as of ${r.asOf}. For each device it re-reads`,
    '    HKLM:\\SOFTWARE\\Microsoft\\CCM\\CcmExec on the device, and calls SetClientProvisioningMode($false) only',
    '    where ProvisioningMode is still "true" (or the registry is inconsistent) and the device entered provisioning',
    `    mode more than $WindowMinutes minutes ago (default ${windowMinutes}, the triage's --ts-window) and no task`,
    '    sequence runs on it (no TSManager process), so that no running task sequence is cut. It prints what it',
    '    did per device. Use -WhatIf to see what it would do.',
    '#>',
    '[CmdletBinding(SupportsShouldProcess = $true)]',
    'param(',
    `    [int]$WindowMinutes = ${windowMinutes}`,
    ')',
    '',
    `$Devices = ${list}`,
    '',
    'foreach ($Device in $Devices) {',
    '    try {',
    '        # Re-read the registry on the device: the export may be hours old.',
    '        $State = Invoke-Command -ComputerName $Device -ErrorAction Stop -ScriptBlock {',
    "            $Values = Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\CCM\\CcmExec' -ErrorAction Stop",
    '            [pscustomobject]@{',
    '                ProvisioningMode        = $Values.ProvisioningMode',
    '                ProvisioningEnabledTime = $Values.ProvisioningEnabledTime',
    '                SystemTaskExcludes      = $Values.SystemTaskExcludes',
    "                TaskSequenceRunning     = $null -ne (Get-Process -Name 'TSManager' -ErrorAction SilentlyContinue)",
    '            }',
    '        }',
    '    } catch {',
    '        Write-Output "$Device`: skipped, cannot read its registry ($($_.Exception.Message))"',
    '        continue',
    '    }',
    "    $InMode = [string]$State.ProvisioningMode -eq 'true'",
    '    $Inconsistent = -not $InMode -and -not [string]::IsNullOrEmpty([string]$State.SystemTaskExcludes)',
    '    if (-not $InMode -and -not $Inconsistent) {',
    '        Write-Output "$Device`: skipped, no longer in provisioning mode"',
    '        continue',
    '    }',
    '    if ($null -ne $State.ProvisioningEnabledTime) {',
    '        $Entered = [DateTimeOffset]::FromUnixTimeSeconds([long]$State.ProvisioningEnabledTime)',
    '        $Minutes = ([DateTimeOffset]::UtcNow - $Entered).TotalMinutes',
    '        if ($Minutes -lt $WindowMinutes) {',
    '            Write-Output ("{0}: skipped, entered {1:N0} minutes ago, inside the {2}-minute window (a task sequence may be running)" -f $Device, $Minutes, $WindowMinutes)',
    '            continue',
    '        }',
    '    }',
    '    if ($State.TaskSequenceRunning) {',
    '        Write-Output "$Device`: skipped, a task sequence is running (TSManager)"',
    '        continue',
    '    }',
    "    if ($PSCmdlet.ShouldProcess($Device, 'SetClientProvisioningMode($false)')) {",
    '        try {',
    '            Invoke-Command -ComputerName $Device -ErrorAction Stop -ScriptBlock {',
    "                Invoke-CimMethod -Namespace 'root\\ccm' -ClassName 'SMS_Client' -MethodName 'SetClientProvisioningMode' -Arguments @{ bEnable = $false } | Out-Null",
    '            }',
    '            Write-Output "$Device`: SetClientProvisioningMode(`$false) called"',
    '        } catch {',
    '            Write-Output "$Device`: failed, $($_.Exception.Message)"',
    '        }',
    '    } else {',
    '        Write-Output "$Device`: would call SetClientProvisioningMode(`$false)"',
    '    }',
    '}',
    '',
  ];
  return lines.join('\r\n');
}
