/**
 * Colours and shapes of the HTML timeline, one per span state and mark kind, shared by the chart and its legend
 * so that they always agree. Chosen to read at a glance: green is a healthy client, red is trouble (disabled,
 * failed, expired, hazards), orange is provisioning mode, grey is "nothing happens".
 */
import type { MarkKind, SpanState } from '../timelineOf.js';

export const STATE_COLORS: Readonly<Record<SpanState, string>> = {
  on: '#cfe8cf',
  off: '#3b3b3b',
  booting: '#f2c14e',
  running: '#4c9f70',
  'running-disabled': '#9467bd',
  stopped: '#d9d9d9',
  restarting: '#a9c6e8',
  disabled: '#d62728',
  provisioning: '#f28e2b',
  'step-done': '#4c78a8',
  'step-failed': '#d62728',
  'step-continued': '#e377c2',
  'step-interrupted': '#9c9c9c',
  'step-abandoned': '#8c564b',
  'step-running': '#72b7b2',
  'loop-active': '#bcd4ec',
  'deploy-waiting': '#f2c14e',
  'deploy-unprocessed': '#d62728',
};

export const MARK_COLORS: Readonly<Record<MarkKind, string>> = {
  'device-down': '#3b3b3b',
  'check-wait': '#1f5fa0',
  'check-expired': '#d62728',
  'check-no-timestamp': '#9467bd',
  'policy-retrieved': '#4c9f70',
  'policy-processed': '#1b7a3e',
  'policy-skipped': '#b5b5b5',
  ccmeval: '#17becf',
  'admin-wmi': '#000000',
  'registry-edit': '#8c564b',
  ignored: '#9c9c9c',
  'clock-jump': '#9467bd',
  hazard: '#d62728',
  'ts-start': '#4c78a8',
  'ts-success': '#1b7a3e',
  'ts-failed': '#d62728',
  'ts-abandoned': '#d62728',
  'ts-wait-boot': '#9c9c9c',
  reentry: '#f28e2b',
  'exit-call': '#9c9c9c',
};

/** Vega symbol shapes for the point marks. */
export const MARK_SHAPES: Readonly<Partial<Record<MarkKind, string>>> = {
  'device-down': 'triangle-down',
  ccmeval: 'circle',
  'admin-wmi': 'square',
  'registry-edit': 'cross',
  ignored: 'circle',
  'clock-jump': 'triangle-down',
  hazard: 'diamond',
  'ts-start': 'triangle-right',
  'ts-success': 'square',
  'ts-failed': 'cross',
  'ts-abandoned': 'cross',
  'ts-wait-boot': 'circle',
  reentry: 'triangle-up',
  'exit-call': 'circle',
};

/** Text on a bar of this state is white when the bar is dark. */
export function labelColorOn(state: SpanState): string {
  return ['off', 'running', 'disabled', 'step-done', 'step-failed', 'step-abandoned', 'deploy-unprocessed'].includes(
    state,
  )
    ? '#ffffff'
    : '#1a1a1a';
}

export const PROVISIONING_SHADE = '#f28e2b';
export const DEADLINE_COLOR = '#d62728';
export const PARTING_COLOR = '#7b2cbf';
