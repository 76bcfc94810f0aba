export * from './auth-context';
export * from './auth.module';
export * from './auth.service';
export * from './credentials';
