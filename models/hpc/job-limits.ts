/**
 * Counting a project's jobs against a set of limits (machine-wide, a routing queue's, an execution queue's):
 * jobs in any state, eligible jobs (running or ageing), running jobs and the nodes they hold, for the whole
 * project and per user. A job counts against every scope it belongs to and may advance only when all allow.
 */
import type { Cap, JobLimits } from './machine-params.ts';

class Count {
  project = 0;
  private readonly users = new Map<string, number>();

  of(user: string): number {
    return this.users.get(user) ?? 0;
  }

  add(user: string, delta: number): void {
    this.project += delta;
    this.users.set(user, this.of(user) + delta);
  }
}

function below(cap: Cap | undefined, count: Count, user: string): boolean {
  if (cap === undefined) return true;
  return count.project < (cap.perProject ?? Infinity) && count.of(user) < (cap.perUser ?? Infinity);
}

export class LimitScope {
  readonly jobs = new Count();
  readonly eligible = new Count();
  readonly running = new Count();
  nodesInUse = 0;

  constructor(
    /** How the scope is named in messages: the machine, or `<machine> <queue>`. */
    readonly label: string,
    readonly limits: JobLimits,
  ) {}

  /** Why one more job of `user` cannot be submitted here, or undefined. */
  refusal(user: string): string | undefined {
    const cap = this.limits.maxJobs;
    if (below(cap, this.jobs, user)) return undefined;
    if (this.jobs.project >= (cap!.perProject ?? Infinity)) {
      return `${this.label}: the project has ${this.jobs.project} jobs, the limit`;
    }
    return `${this.label}: user ${user === '' ? '(production)' : user} has ${this.jobs.of(user)} jobs, the limit`;
  }

  allowsEligible(user: string): boolean {
    return below(this.limits.maxEligible, this.eligible, user);
  }

  allowsStart(user: string, nodes: number): boolean {
    return (
      below(this.limits.maxRunning, this.running, user) &&
      this.nodesInUse + nodes <= (this.limits.maxNodesInUse ?? Infinity)
    );
  }
}
