import { QueueName } from '@app/queue';
import { checkProcessors, ExportsProcessor, PROCESSORS } from './processors';

describe('queue processors', () => {
  it('has each queue consumed by the processor listed for it', () => {
    expect(() => checkProcessors(PROCESSORS)).not.toThrow();
    expect(Object.keys(PROCESSORS).sort()).toEqual(Object.values(QueueName).sort());
  });

  it('refuses to boot when a queue is listed with another queue’s processor', () => {
    expect(() => checkProcessors({ ...PROCESSORS, [QueueName.MemoryIngestion]: ExportsProcessor })).toThrow(
      'queues without their processor: memory-ingestion',
    );
  });
});
