import { describe, expect, it } from 'vitest';
import { EXPRESS, PRODUCTION_OUTPUT, TransferMetrics } from '../../../models/network/transfer-metrics.ts';

describe('TransferMetrics', () => {
  it('slides each window in twelve buckets: the 1 h one holds the current 5 min bucket and the 11 before', () => {
    const m = new TransferMetrics();
    m.filesQueued('CERN', 'BNL', PRODUCTION_OUTPUT, 3);
    m.fileTransferred('CERN', 'BNL', PRODUCTION_OUTPUT, 1e9, 10, 100); // bucket 0 of the 1 h ring
    m.fileTransferred('CERN', 'BNL', PRODUCTION_OUTPUT, 2e9, 10, 3500); // bucket 11
    expect(m.queuedFiles('CERN', 'BNL', PRODUCTION_OUTPUT)).toBe(1);
    // At 3599 s buckets 0..11 are in the 1 h window.
    expect(m.throughput('CERN', 'BNL', '1h', 3599)).toBe(3e9 / 20);
    m.fileTransferred('CERN', 'BNL', PRODUCTION_OUTPUT, 3e9, 20, 3650); // bucket 12
    expect(m.queuedFiles('CERN', 'BNL', PRODUCTION_OUTPUT)).toBe(0);
    // At 3700 s bucket 0 has left the 1 h window (buckets 1..12 remain).
    expect(m.throughput('CERN', 'BNL', '1h', 3700)).toBe(5e9 / 30);
    expect(m.throughput('CERN', 'BNL', '1d', 3700)).toBe(6e9 / 40);
    expect(m.throughput('CERN', 'BNL', '1w', 3700)).toBe(6e9 / 40);
    expect(m.throughput('CERN', 'BNL', '1h', 7200)).toBeUndefined();
    // 1 d buckets are 2 h: the one of t < 7200 s leaves the window at 12 × 7200 s.
    expect(m.throughput('CERN', 'BNL', '1d', 86_399)).toBe(6e9 / 40);
    expect(m.throughput('CERN', 'BNL', '1d', 86_400)).toBeUndefined();
    expect(m.throughput('CERN', 'BNL', '1w', 86_400)).toBe(6e9 / 40);
    expect(m.throughput('CERN', 'BNL', '1w', 604_800)).toBeUndefined();
    expect(m.throughput('BNL', 'CERN', '1w', 0)).toBeUndefined();
  });

  it('reuses a ring slot for a new bucket, dropping what the old one held', () => {
    const m = new TransferMetrics(2);
    m.filesQueued('A', 'B', EXPRESS, 2);
    m.fileTransferred('A', 'B', EXPRESS, 100, 1, 0); // 1 h ring: 30 min buckets, bucket 0
    m.fileTransferred('A', 'B', EXPRESS, 400, 1, 3600); // bucket 2 → the same slot as bucket 0
    expect(m.throughput('A', 'B', '1h', 3600)).toBe(400);
    expect(m.throughput('A', 'B', '1d', 3600)).toBe(250);
  });

  it('counts queued files per activity and refuses to dequeue more than were queued', () => {
    const m = new TransferMetrics();
    m.filesQueued('A', 'B', PRODUCTION_OUTPUT, 5);
    m.filesQueued('A', 'B', EXPRESS, 2);
    m.filesDropped('A', 'B', PRODUCTION_OUTPUT, 2);
    m.fileTransferred('A', 'B', EXPRESS, 10, 0, 5);
    expect(m.queuedFiles('A', 'B', PRODUCTION_OUTPUT)).toBe(3);
    expect(m.queuedFiles('A', 'B', EXPRESS)).toBe(1);
    // A transfer of no duration leaves the throughput alone.
    expect(m.throughput('A', 'B', '1h', 5)).toBeUndefined();
    expect(() => m.filesDropped('A', 'B', EXPRESS, 2)).toThrow(/more Express files done than queued/);
    expect(m.linkPairs()).toEqual([['A', 'B']]);
  });
});
