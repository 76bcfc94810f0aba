import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AuthContext } from '@app/auth';
import { CreateExportDto, ExportsService, GetExportDto } from '@app/memories';
import { Access, ApiToken, Auth, OnInvalid } from '../http/decorators';

/** Schema-shaped exports: built by the worker, read back by id or by filters. */
@ApiTags('exports')
@ApiToken()
@OnInvalid('error')
@Controller()
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post('v1/exports')
  @ApiOperation({ summary: 'Queue an export: the memories matching filters, as one object valid against schema' })
  createExport(@Auth() auth: AuthContext, @Body() dto: CreateExportDto) {
    return this.exports.create(auth.projectId, dto as unknown as Record<string, unknown>);
  }

  @Post('v1/exports/get')
  @Access('read')
  @HttpCode(200)
  @ApiOperation({ summary: 'The exported object (200), its status while running (202), or its failure (200)' })
  async getExport(
    @Auth() auth: AuthContext,
    @Body() dto: GetExportDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const reading = await this.exports.read(auth.projectId, dto as unknown as Record<string, unknown>);
    void reply.status(reading.status);
    return reading.body;
  }
}
