import { Module } from '@nestjs/common';
import { MemoriesModule } from '@app/memories';
import { McpController } from './mcp.controller';
import { McpTools } from './mcp-tools';

/** `/mcp`: the memory tools for agents (Claude, Cursor, Codex, any MCP client). */
@Module({
  imports: [MemoriesModule],
  controllers: [McpController],
  providers: [McpTools],
})
export class McpModule {}
