import { Controller, Delete, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AuthContext } from '@app/auth';
import { ApiToken, Auth, ReadsOnly } from '../http/decorators';
import { McpTools } from './mcp-tools';

/** What the SDK's stateless servers answer to GET (no stream to resume) and DELETE (no session to end). */
const METHOD_NOT_ALLOWED = { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null };

/**
 * The Mem0 MCP server over streamable HTTP, stateless: each POST gets its own server and transport,
 * authenticated and scoped like every REST route. The transport writes the raw response, which
 * Fastify's onSend hooks never see, so an `Idempotency-Key` is not applied here.
 */
@ApiTags('mcp')
@ApiToken()
@ReadsOnly()
@Controller('mcp')
export class McpController {
  constructor(private readonly tools: McpTools) {}

  @Post()
  @ApiOperation({ summary: 'MCP JSON-RPC (streamable HTTP): the hosted Mem0 MCP server tools, in the key project' })
  async handleMcp(
    @Auth() auth: AuthContext,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const server = this.tools.server({ auth, request });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    reply.hijack();
    // Headers set so far (request id, rate limits) live on Fastify's reply until it sends: copy them over.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) {
        reply.raw.setHeader(name, value);
      }
    }
    reply.raw.on('close', () => void server.close());
    // An empty body parses as undefined, on which the transport would read the already consumed stream.
    await transport.handleRequest(request.raw, reply.raw, request.body ?? null);
  }

  @Get()
  @HttpCode(405)
  @Header('Allow', 'POST')
  @ApiOperation({ summary: 'Not served: the server is stateless, with no stream to open (405)' })
  openMcpStream() {
    return METHOD_NOT_ALLOWED;
  }

  @Delete()
  @HttpCode(405)
  @Header('Allow', 'POST')
  @ApiOperation({ summary: 'Not served: the server is stateless, with no session to end (405)' })
  endMcpSession() {
    return METHOD_NOT_ALLOWED;
  }
}
