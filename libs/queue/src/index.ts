export * from './job-backoff';
export * from './queue.constants';
export * from './queue.module';
export * from './queue.service';
