// Cross-references inside a broker file that the brokerages silently tolerate: a `queueStates` entry under a
// misspelt PQ name just leaves that PQ without jobs or pilots, a nucleus listing an unknown PQ just owns nothing
// there. In a file written by hand such names are typos, so they are reported with the other problems.

import type { z } from 'zod';
import type { BrokerageSnapshot } from '../snapshot/world.ts';
import type { InputChunk } from '../snapshot/task.ts';
import type { NucleusSpec } from '../snapshot/nucleus.ts';

type Path = (string | number)[];

function report(ctx: z.RefinementCtx, path: Path, input: unknown, message: string): void {
  ctx.addIssue({ code: 'custom', path, input, message });
}

function checkNuclei(
  ctx: z.RefinementCtx,
  nuclei: Record<string, NucleusSpec>,
  queues: ReadonlySet<string>,
  path: Path,
): void {
  for (const [key, nucleus] of Object.entries(nuclei)) {
    if (nucleus.name !== key) {
      report(ctx, [...path, key, 'name'], nucleus.name, `the name it is listed under ("${key}")`);
    }
    nucleus.allPandaSites.forEach((pq, k) => {
      if (!queues.has(pq)) {
        report(ctx, [...path, key, 'allPandaSites', k], pq, 'the sitename of a PQ in snapshot.queues');
      }
    });
  }
}

/** PQ names of the snapshot; duplicates are reported. */
function queueNames(ctx: z.RefinementCtx, snapshot: BrokerageSnapshot): Set<string> {
  const seen = new Set<string>();
  snapshot.queues.forEach((q, k) => {
    if (seen.has(q.sitename))
      report(ctx, ['snapshot', 'queues', k, 'sitename'], q.sitename, 'a PQ name not used before');
    seen.add(q.sitename);
  });
  return seen;
}

/** Names used in the snapshot that must refer to its PQs, nuclei and RSEs. */
export function checkSnapshotReferences(
  ctx: z.RefinementCtx,
  snapshot: BrokerageSnapshot & { satellites?: Record<string, NucleusSpec> },
): Set<string> {
  const queues = queueNames(ctx, snapshot);
  for (const name of Object.keys(snapshot.queueStates)) {
    if (!queues.has(name)) {
      report(ctx, ['snapshot', 'queueStates', name], name, 'the sitename of a PQ in snapshot.queues');
    }
  }
  for (const [key, rse] of Object.entries(snapshot.ddmEndpoints)) {
    if (rse.ddm_endpoint_name !== key) {
      report(
        ctx,
        ['snapshot', 'ddmEndpoints', key, 'ddm_endpoint_name'],
        rse.ddm_endpoint_name,
        `the name it is listed under ("${key}")`,
      );
    }
  }
  checkNuclei(ctx, snapshot.nuclei, queues, ['snapshot', 'nuclei']);
  if (snapshot.satellites) checkNuclei(ctx, snapshot.satellites, queues, ['snapshot', 'satellites']);
  return queues;
}

/** `availableFiles` is keyed by unified PQ name. */
export function checkChunkReferences(
  ctx: z.RefinementCtx,
  chunk: InputChunk,
  queues: ReadonlySet<string>,
  path: Path,
): void {
  for (const name of Object.keys(chunk.availableFiles ?? {})) {
    if (!queues.has(name)) {
      report(ctx, [...path, 'availableFiles', name], name, 'the sitename of a PQ in snapshot.queues');
    }
  }
}
