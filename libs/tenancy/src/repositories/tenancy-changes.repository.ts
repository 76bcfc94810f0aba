import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '@app/core';

/** The channel the database notifies when keys, users, projects or memberships change (see migrations). */
const CHANNEL = 'tenancy_changed';
const RECONNECT_MS = 1000;

/**
 * Listens for tenancy changes on a connection of its own. `live` says whether changes are being
 * received right now: a cache of identities is only safe while they are, so each handler also runs
 * when the connection is lost or (re)established.
 */
@Injectable()
export class TenancyChangesRepository implements OnModuleDestroy {
  private readonly logger = new Logger(TenancyChangesRepository.name);
  private readonly handlers: Array<() => void> = [];
  private client: Client | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private closed = false;
  live = false;

  constructor(private readonly config: AppConfig) {}

  /** Runs `handler` on every change; the first subscriber opens the connection. */
  subscribe(handler: () => void): void {
    this.handlers.push(handler);
    if (this.handlers.length === 1) {
      void this.connect();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.reconnect) {
      clearTimeout(this.reconnect);
    }
    const client = this.client;
    this.client = null;
    this.live = false;
    await client?.end().catch(() => undefined);
  }

  private changed(): void {
    for (const handler of this.handlers) {
      handler();
    }
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.config.env.DATABASE_URL,
      connectionTimeoutMillis: 2000,
      keepAlive: true,
    });
    let lost = false;
    const onLost = () => {
      if (!lost) {
        lost = true;
        this.lost(client);
      }
    };
    client.on('notification', () => this.changed());
    client.on('error', onLost);
    client.on('end', onLost);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch {
      onLost();
      return;
    }
    if (this.closed || lost) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.live = true;
    // Whatever was cached while nothing was heard may be stale.
    this.changed();
  }

  private lost(client: Client): void {
    if (this.client === client) {
      this.client = null;
      this.logger.warn('tenancy change notifications lost; identities are read from the database until they are back');
    }
    this.live = this.client !== null;
    this.changed();
    void client.end().catch(() => undefined);
    if (!this.closed && !this.reconnect) {
      this.reconnect = setTimeout(() => {
        this.reconnect = null;
        void this.connect();
      }, RECONNECT_MS);
      this.reconnect.unref();
    }
  }
}
