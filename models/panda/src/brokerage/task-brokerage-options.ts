// Configuration of the production task brokerage: the gdpconfig keys `AtlasProdTaskBrokerThread.runImpl`
// (pandajedi/jedibrokerage/AtlasProdTaskBroker.py) reads with component `taskbrokerage`, app `jedi`, vo `atlas`,
// and the defaults the code falls back to when a key is absent (brokerage.md §3). `NQUEUED_NUC_CAP` is read by
// `getBackloggedNuclei` (pandaserver/taskbuffer/db_proxy_mods/entity_module.py).

export interface TaskBrokerageOptions {
  /** `DISK_THRESHOLD`, TB: minimum usable space, after the projected demand, at each output endpoint. */
  DISK_THRESHOLD: number;
  /** `DISK_THRESHOLD_<work queue name>`, TB; wins over `DISK_THRESHOLD` for that work queue. */
  DISK_THRESHOLD_BY_WORK_QUEUE: Record<string, number>;
  /** `FREE_DISK_CUTOFF`, TB: the free-space term of the weight saturates here. */
  FREE_DISK_CUTOFF: number;
  /** `INPUT_SIZE_THRESHOLD`, GB: data-locality size check only for larger inputs. */
  INPUT_SIZE_THRESHOLD: number;
  /** `INPUT_NUM_THRESHOLD`: data-locality file-count check only for more files. */
  INPUT_NUM_THRESHOLD: number;
  /** `INPUT_SIZE_FRACTION`, %: a nucleus must hold at least this share of the input bytes … */
  INPUT_SIZE_FRACTION: number;
  /** `INPUT_NUM_FRACTION`, %: … and of the input files. */
  INPUT_NUM_FRACTION: number;
  /** `MIN_IO_INTENSITY_WITH_LOCAL_DATA`, kB/s: above it the data fraction enters the weight and locality binds. */
  MIN_IO_INTENSITY_WITH_LOCAL_DATA: number;
  /** `MIN_INPUT_SIZE_WITH_LOCAL_DATA`, GB: above it locality binds. */
  MIN_INPUT_SIZE_WITH_LOCAL_DATA: number;
  /** `MAX_TASK_PRIO_WITH_LOCAL_DATA`: tasks at or above this priority may ignore locality. */
  MAX_TASK_PRIO_WITH_LOCAL_DATA: number;
  /** `DATA_LOCATION_CHECK_PERIOD`, days in assigning after which the locality check is skipped. */
  DATA_LOCATION_CHECK_PERIOD: number;
  /** `NQUEUED_NUC_CAP`: files queued towards a nucleus (all sources) above which it is backlogged. */
  NQUEUED_NUC_CAP: number;
}

/** Code defaults (brokerage.md §3 table). */
export const DEFAULT_TASK_BROKERAGE_OPTIONS: TaskBrokerageOptions = {
  DISK_THRESHOLD: 100,
  DISK_THRESHOLD_BY_WORK_QUEUE: {},
  FREE_DISK_CUTOFF: 1000,
  INPUT_SIZE_THRESHOLD: 1,
  INPUT_NUM_THRESHOLD: 100,
  INPUT_SIZE_FRACTION: 10,
  INPUT_NUM_FRACTION: 10,
  MIN_IO_INTENSITY_WITH_LOCAL_DATA: 200,
  MIN_INPUT_SIZE_WITH_LOCAL_DATA: 10000,
  MAX_TASK_PRIO_WITH_LOCAL_DATA: 800,
  DATA_LOCATION_CHECK_PERIOD: 7,
  NQUEUED_NUC_CAP: 2000,
};

/** Hard-coded in `runImpl`: below this remaining work a nucleus counts as idle (RW factor 1). */
export const CUT_OFF_RW = 50;
/** Hard-coded in `runImpl`: weight factor when part of the input is only on tape at the nucleus. */
export const NEG_WEIGHT_TAPE = 0.001;

export function resolveTaskBrokerageOptions(
  overrides: Partial<TaskBrokerageOptions> = {},
): TaskBrokerageOptions {
  return { ...DEFAULT_TASK_BROKERAGE_OPTIONS, ...overrides };
}

/** Disk threshold in GB for a work queue (`runImpl` multiplies the TB value by 1024). */
export function diskThresholdGB(options: TaskBrokerageOptions, workQueueName: string): number {
  return (options.DISK_THRESHOLD_BY_WORK_QUEUE[workQueueName] ?? options.DISK_THRESHOLD) * 1024;
}
