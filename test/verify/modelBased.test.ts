/**
 * Model-based test (fast-check `fc.commands` + `fc.modelRun`): random command sequences drive the simulator
 * (`ModelRunner`) and a small reference model of the rules written separately here, in a different shape (explicit
 * due times instead of an event queue); after every command their observable states must agree.
 *
 * The reference covers a fixed client (release 2403, default assumptions, boot 2m, service restart 10s, checks and
 * policy every 60m, no ccmeval) and a one-step task sequence of 90 minutes, in two setups: the device in the
 * installed OS, or the device in Windows PE at time 0 with the step restarting into the OS (docs/model.md, Windows
 * PE: nothing of the client runs until that restart, and the sequence ends in Windows PE).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelRunner } from '../../sim/model/runModel.js';
import { createScenario } from '../../sim/scenario/createScenario.js';
import type { Environment, RegistryName, Scenario } from '../../sim/scenario/Scenario.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const BOOT = 2 * M;
const RESTART = 10 * S;
const INTERVAL = H;
const STEP = 90 * M;
const EXCLUDES = 'SchedulerStartup;SchedulerShutdown;SchedulerLogon;SchedulerLogoff;ClientRegistrationStartup';
const START_MS = Date.UTC(2026, 0, 1);

function scenarioIn(startsIn: Environment): Scenario {
  return createScenario({
    horizonMs: 365 * 24 * H,
    client: { ccmeval: { enabled: false }, startsIn },
    taskSequence: {
      startAtMs: 365 * 24 * H,
      // In Windows PE, the step is the image's: it restarts into the installed OS after the end.
      steps: [{ name: 'Upgrade', durationMs: STEP, restart: startsIn === 'winpe' ? 'os' : false }],
    },
  });
}

/** The reference model: the rules of spec/model.md for this fixed client, as due times and plain updates. */
class Reference {
  now = 0;
  offsetMs = 0;
  device: 'on' | 'off' = 'on';
  running = false;
  effective = false;
  reg: {
    ProvisioningMode?: string;
    SystemTaskExcludes?: string;
    ProvisioningEnabledTime?: number;
    ProvisioningMaxMinutes?: number;
  } = {
    ProvisioningMode: 'false',
    SystemTaskExcludes: '',
  };
  ts: 'scheduled' | 'waiting-boot' | 'running' | 'success' = 'scheduled';
  skipped = 0;
  endedInWinpe = 0;
  deployments: { name: string; publishedAtMs: number; processedAtMs: number | null }[] = [];
  // Due times, in the order they are served at one instant: boot, restart, task sequence, policy, check.
  bootAt: number | null = null;
  startAt: number | null = null;
  tsAt: number | null = null;
  tsResumes = false;
  policyAt: number | null = null;
  checkAt: number | null = null;

  constructor(public env: Environment) {
    this.start();
  }

  advance(toMs: number): void {
    for (;;) {
      const due = [this.bootAt, this.startAt, this.tsAt, this.policyAt, this.checkAt];
      const at = Math.min(...due.map((d) => d ?? Number.POSITIVE_INFINITY));
      if (at > toMs) break;
      this.now = at;
      if (this.bootAt === at) this.bootEnd();
      else if (this.startAt === at) this.start();
      else if (this.tsAt === at) this.tsDue();
      else if (this.policyAt === at) this.policyTick();
      else this.evaluate();
    }
    this.now = toMs;
  }

  private wallSeconds(): number {
    return Math.floor((START_MS + this.now + this.offsetMs) / 1000);
  }

  private start(): void {
    this.startAt = null;
    // No client in Windows PE.
    if (this.device === 'off' || this.env === 'winpe' || this.running) return;
    this.running = true;
    this.effective = this.reg.ProvisioningMode?.toLowerCase() === 'true';
    this.policyAt = this.now + INTERVAL;
    if (!this.effective) this.retrieve();
    else this.evaluate();
  }

  private stop(): void {
    this.running = false;
    this.checkAt = null;
    this.policyAt = null;
  }

  private restart(): void {
    this.stop();
    this.startAt = this.now + RESTART;
  }

  private evaluate(): void {
    this.checkAt = null;
    if (!this.effective) return;
    const max = (this.reg.ProvisioningMaxMinutes ?? 0) > 0 ? (this.reg.ProvisioningMaxMinutes as number) : 2880;
    const stamp = this.reg.ProvisioningEnabledTime;
    if (stamp !== undefined && this.wallSeconds() - stamp > max * 60) this.exit();
    else this.checkAt = this.now + INTERVAL;
  }

  private policyTick(): void {
    this.policyAt = this.now + INTERVAL;
    if (this.effective) this.skipped++;
    else this.retrieve();
  }

  private retrieve(): void {
    for (const d of this.deployments)
      if (d.processedAtMs === null && d.publishedAtMs <= this.now) d.processedAtMs = this.now;
  }

  enter(): void {
    this.reg.ProvisioningMode = 'true';
    this.reg.SystemTaskExcludes = EXCLUDES;
    this.reg.ProvisioningEnabledTime = this.wallSeconds();
    this.effective = true;
    if (this.running) this.restart();
  }

  exit(): void {
    this.reg.ProvisioningMode = 'false';
    this.reg.SystemTaskExcludes = '';
    this.effective = false;
    if (this.running) this.restart();
  }

  powerLoss(downtimeMs: number): void {
    if (this.running) this.stop();
    this.startAt = null;
    this.device = 'off';
    this.bootAt = this.now + downtimeMs + BOOT;
    if (this.ts === 'running' && !this.tsResumes) {
      this.tsAt = null;
      this.tsResumes = true;
    }
  }

  private bootEnd(): void {
    this.bootAt = null;
    this.device = 'on';
    this.start();
    if (this.tsResumes || this.ts === 'waiting-boot') this.tsAt = this.now;
  }

  private tsDue(): void {
    this.tsAt = null;
    if (this.ts === 'waiting-boot' || this.tsResumes) {
      if (this.ts === 'waiting-boot') this.beginTaskSequence();
      else {
        this.tsResumes = false;
        this.tsAt = this.now + STEP;
      }
      return;
    }
    this.ts = 'success';
    if (this.env === 'os') this.exit();
    else this.endedInWinpe++;
    if (this.env === 'winpe') {
      // The step's restart into the installed OS, after the end.
      this.powerLoss(0);
      this.env = 'os';
    }
  }

  startTaskSequence(): void {
    if (this.device === 'off') this.ts = 'waiting-boot';
    else this.beginTaskSequence();
  }

  private beginTaskSequence(): void {
    this.ts = 'running';
    this.enter();
    this.tsAt = this.now + STEP;
  }

  serviceRestart(): void {
    if (this.device === 'off' || this.env === 'winpe') return;
    if (this.running) this.restart();
    else this.startAt = this.now + RESTART;
  }
}

interface World {
  readonly runner: ModelRunner;
}

function observed(runner: ModelRunner) {
  const s = runner.state;
  return {
    device: s.device,
    env: s.environment,
    endedInWinpe: runner.trace.filter((e) => e.type === 'hazard' && e.kind === 'ended-in-winpe').length,
    running: s.service.status === 'running',
    effective: s.effectiveMode,
    registry: s.registry,
    ts: s.taskSequence.status,
    skipped: runner.trace.filter((e) => e.type === 'policy-skipped').length,
    deployments: s.deployments,
  };
}

function expected(ref: Reference) {
  return {
    device: ref.device,
    env: ref.env,
    endedInWinpe: ref.endedInWinpe,
    running: ref.running,
    effective: ref.effective,
    registry: ref.reg,
    ts: ref.ts,
    skipped: ref.skipped,
    deployments: ref.deployments,
  };
}

type Cmd = fc.Command<Reference, World>;

/** Every command acts on both, then compares. */
function command(
  label: string,
  act: (ref: Reference, runner: ModelRunner) => void,
  canRun: (ref: Reference) => boolean = () => true,
): Cmd {
  return {
    check: canRun,
    run(ref, world) {
      act(ref, world.runner);
      world.runner.runUntil(ref.now);
      expect(observed(world.runner)).toEqual(expected(ref));
    },
    toString: () => label,
  };
}

const advance = fc.integer({ min: 1, max: 6 * 60 }).map((minutes) =>
  command(`advance ${minutes}m`, (ref, runner) => {
    ref.advance(ref.now + minutes * M);
    runner.runUntil(ref.now);
  }),
);
const powerLoss = fc.integer({ min: 0, max: 30 }).map((minutes) =>
  command(`power-loss ${minutes}m`, (ref, runner) => {
    ref.powerLoss(minutes * M);
    runner.inject({ type: 'power-loss', downtimeMs: minutes * M, recoverable: true });
  }),
);
const serviceRestart = fc.constant(
  command('service-restart', (ref, runner) => {
    ref.serviceRestart();
    runner.inject({ type: 'service-restart' });
  }),
);
const adminWmi = fc.boolean().map((enable) =>
  command(`SetClientProvisioningMode(${enable})`, (ref, runner) => {
    if (ref.device === 'on' && ref.env === 'os') {
      if (enable) ref.enter();
      else ref.exit();
    }
    runner.inject({ type: 'admin-wmi', enable });
  }),
);
const maxMinutes = fc.constantFrom(0, 1, 59, 60, 61, 2880, 4294967295).map((value) =>
  command(`ProvisioningMaxMinutes = ${value}`, (ref, runner) => {
    ref.reg.ProvisioningMaxMinutes = value;
    runner.inject({ type: 'registry-set', name: 'ProvisioningMaxMinutes', value });
  }),
);
const registryDelete = fc.constantFrom<RegistryName>('ProvisioningEnabledTime', 'ProvisioningMaxMinutes').map((name) =>
  command(`delete ${name}`, (ref, runner) => {
    delete ref.reg[name];
    runner.inject({ type: 'registry-delete', name });
  }),
);
// Whole hours, or the 10 s that a CcmExec restart adds (so a check can see exactly ProvisioningMaxMinutes).
const clockJump = fc
  .oneof(
    fc.integer({ min: -72, max: 72 }).map((h) => h * H),
    fc.constantFrom(-10 * S, 10 * S),
  )
  .map((byMs) =>
    command(`clock ${byMs / 1000}s`, (ref, runner) => {
      ref.offsetMs += byMs;
      runner.inject({ type: 'clock-jump', byMs });
    }),
  );
const publish = fc.nat({ max: 99 }).map((n) =>
  command(`publish D${n}`, (ref, runner) => {
    ref.deployments.push({ name: `D${n}`, publishedAtMs: ref.now, processedAtMs: null });
    runner.inject({ type: 'deployment', name: `D${n}` });
  }),
);
const startTaskSequence = fc.constant(
  command(
    'start the task sequence',
    (ref, runner) => {
      ref.startTaskSequence();
      runner.startTaskSequence();
    },
    (ref) => ref.ts === 'scheduled',
  ),
);

describe('the simulator against a reference model', () => {
  it.each<Environment>(['os', 'winpe'])(
    'agrees after every command of long random sequences (starting in %s)',
    (env) => {
      const scenario = scenarioIn(env);
      fc.assert(
        fc.property(
          fc.commands(
            [
              advance,
              advance,
              advance,
              powerLoss,
              serviceRestart,
              adminWmi,
              maxMinutes,
              registryDelete,
              clockJump,
              publish,
              startTaskSequence,
            ],
            {
              maxCommands: 60,
              size: 'max',
            },
          ),
          (commands) => {
            fc.modelRun(() => ({ model: new Reference(env), real: { runner: new ModelRunner(scenario) } }), commands);
          },
        ),
        { numRuns: Number(process.env.PROVSIM_RUNS ?? 200), seed: Number(process.env.PROVSIM_SEED ?? 20261122) },
      );
    },
  );
});
