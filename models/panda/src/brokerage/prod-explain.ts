// Human-readable reasons for PQs dropped by the §2.2 filters, in the spirit of PanDA's
// `skip site=… due to … criteria=-…` log lines. Built only when explanations are asked for; the numbers are
// re-derived here so the filter loop itself never formats strings.

import { ramNeedAtSite, siteWalltimeLimit, useDirectIoForJob } from './job-requirements.ts';
import { codeName } from './prod-codes.ts';
import type { ProdContext } from './prod-context.ts';
import { spaceUsable, type QueueRow } from './queue-catalog.ts';
import { checkSoftware } from './software-check.ts';

export function filterMessage(ctx: ProdContext, row: QueueRow, outcome: number): string {
  const { task, o, req, cat } = ctx;
  const u = cat.rows[row.unifiedIndex];
  const st = ctx.view.state[u.index];
  const name = row.sitename;
  switch (codeName(outcome)) {
    case 'status':
      return row.isUnifiedParent
        ? `${name}: unified queue, brokered through its pseudo queues`
        : `${name}: status=${row.status}`;
    case 'link_unusable': {
      const link = ctx.links?.[cat.atlasSite[u.index]];
      return link?.closeness === -1
        ? `${name}: link from ${cat.atlasSite[u.index]} to nucleus ${ctx.nucleus} is blocked (closeness -1)`
        : `${name}: too many output files queued from ${cat.atlasSite[u.index]} to nucleus ${ctx.nucleus} (>=${o.NQUEUED_SAT_CAP})`;
    }
    case 'dest_blacklisted':
      return `${name}: output endpoint of nucleus ${ctx.nucleus} is unwritable over WAN`;
    case 'links_full':
      return `${name}: ${ctx.totalQueuedToNucleus} output files being transferred to nucleus ${ctx.nucleus} (>=${o.NQUEUED_NUC_CAP_FOR_JOBS})`;
    case 'opportunistic':
      return `${name}: opportunistic PQ avoided for high priority jobs`;
    case 'inactive':
      return `${name}: laststart older than ${o.inactiveTimeLimitHours}h with queued jobs`;
    case 'zeroshare':
      return `${name}: zero share in fairsharePolicy ${row.fairsharePolicy}`;
    case 'jumbo':
      return `${name}: only for jumbo jobs`;
    case 'fewevents':
      return `${name}: not enough events for jumbo (${ctx.chunk.nReadyEvents} < ${row.minEventsForJumbo})`;
    case 'diskIO':
      return `${name}: diskIO overload (usage ${st?.diskIoPerCore} kB/s per core over the limit)`;
    case 'cpucore':
      return `${name}: core mismatch site:${row.coreCount} <> task:${task.coreCount}`;
    case 'max_cpucore':
      return `${name}: core count ${row.coreCount} larger than task maximum ${task.maxCoreCount}`;
    case 'cache':
    case 'regexpcmtconfig': {
      const v = checkSoftware(u.spec, ctx.sw!);
      return `${name}: ${v.ok ? 'software check failed' : v.detail}`;
    }
    case 'lowmemory':
      return `${name}: insufficient RAM, maxrss ${row.maxrss} MB less than job requirement ${ramNeedAtSite(req, row.coreCount, ctx.isMerging)} MB`;
    case 'highmemory':
      return `${name}: minrss ${row.minrss} MB greater than job requirement ${ramNeedAtSite(req, row.coreCount, ctx.isMerging)} MB`;
    case 'remoteio':
      return `${name}: direct IO is disabled`;
    case 'disk': {
      const need = useDirectIoForJob(task, u.spec, ctx.isMerging) ? req.diskDirectMB : req.diskCopyMB;
      return `${name}: small scratch disk (maxwdir ${u.maxwdir} MB per ${Math.max(u.coreCount, 1)} cores) for ${need} MB`;
    }
    case 'se_space': {
      const e = cat.defaultOutputEndpoint[u.index];
      return `${name}: disk shortage at ${e?.ddm_endpoint_name} ${e ? spaceUsable(e) : 0}GB < ${o.STORAGE_MIN_FREE_SIZE}GB`;
    }
    case 'read_lan_blacklist':
      return `${name}: input endpoints cannot read over LAN (read_lan not ON)`;
    case 'write_lan_blacklist':
      return `${name}: output endpoints cannot write over LAN (write_lan not ON)`;
    case 'write_wan_blacklist':
      return `${name}: input endpoints cannot receive files over WAN (write_wan not ON)`;
    case 'read_wan_blacklist':
      return `${name}: output endpoints cannot send files over WAN (read_wan not ON)`;
    case 'source_blacklist':
      return `${name}: source endpoints cannot transfer files over WAN and it is a satellite`;
    case 'shortwalltime':
      return `${name}: site walltime ${siteWalltimeLimit(row.maxtime, row, req.hs06, req.baseWalltime, req.cpuEfficiency)} less than job walltime ${req.minWalltime}`;
    case 'scout_walltime':
    case 'min_walltime':
      return `${name}: site walltime ${siteWalltimeLimit(row.maxtime, row, req.hs06, req.baseWalltime, req.cpuEfficiency)} below 24 h at 10 HS06 per core (${24 * 3600 * 10 * (row.coreCount || 1)}) for ${codeName(outcome) === 'scout_walltime' ? 'scout' : 'walltime-undefined'} jobs`;
    case 'longwalltime':
      return `${name}: site walltime lower limit ${siteWalltimeLimit(row.mintime, row, req.hs06, req.baseWalltime, req.cpuEfficiency)} greater than job walltime ${req.minWalltime}`;
    case 'network':
      return `${name}: connectivity ${row.wnConnectivity}#${row.ipStack} vs task ${task.ipConnectivity ?? '-'}#${task.ipStack ?? '-'}`;
    case 'es':
      return `${name}: EventService is not allowed`;
    case 'eshigh':
      return `${name}: low prio EventService is not allowed`;
    case 'nones':
      return `${name}: only EventService is allowed`;
    case 'es_ucore':
      return `${name}: EventService on UCORE/SCORE`;
    case 'transferring':
      return `${name}: too many transferring=${ctx.view.transferringAll[u.index]} > max(${u.transferringlimit || o.defaultMaxTransferring},2x${ctx.view.runningAll[u.index]})`;
    case 'non_pledged':
      return `${name}: opportunistic PQ avoided under work shortage`;
    case 'over_pledged':
      return `${name}: nCores(running+starting)=${st?.nCoresRunningStarting} more than pledgedCPU=${u.pledgedCPU}`;
    case 't1weight':
      return `${name}: not a nucleus PQ while t1Weight is negative`;
    case 'max_io_intensity':
      return `${name}: ioIntensity=${task.ioIntensity} larger than max_io_intensity=${row.maxIoIntensity}`;
    case 'full_chain':
      return `${name}: not in nucleus for full chain`;
    case 'not_full_chain':
      return `${name}: only for full chain`;
    case 'nopilot':
      return `${name}: no pilot in the last 3 h`;
    case 'io':
      return `${name}: too much missing input for IO intensive task (${task.ioIntensity} > ${o.IO_INTENSITY_CUTOFF} kBPerS)`;
    default:
      return `${name}: ${codeName(outcome)}`;
  }
}
