import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { MemberEmailDto, ProjectMemberDto, ProjectsService } from '@app/tenancy';
import { Access, ApiToken, Auth, IgnoreTenantParams, OnInvalid } from '../http/decorators';

@ApiTags('projects')
@ApiToken()
@IgnoreTenantParams()
@OnInvalid('message')
@Access('service')
@Controller('api/v1/orgs/organizations/:orgId/projects/:projectId/members')
export class ProjectMembersController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  listProjectMembers(@Auth() auth: AuthContext, @Param('orgId') orgId: string, @Param('projectId') projectId: string) {
    return this.projects.members(auth, orgId, projectId);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a member of the organization to the project (project owners only)' })
  addProjectMember(
    @Auth() auth: AuthContext,
    @Param('orgId') orgId: string,
    @Param('projectId') projectId: string,
    @Body() dto: ProjectMemberDto,
  ) {
    return this.projects.addMember(auth, orgId, projectId, dto);
  }

  @Put()
  updateProjectMember(
    @Auth() auth: AuthContext,
    @Param('orgId') orgId: string,
    @Param('projectId') projectId: string,
    @Body() dto: ProjectMemberDto,
  ) {
    return this.projects.updateMember(auth, orgId, projectId, dto);
  }

  @Delete()
  @ApiOperation({ summary: 'Remove a member; `email` query parameter (or JSON body)' })
  removeProjectMember(
    @Auth() auth: AuthContext,
    @Param('orgId') orgId: string,
    @Param('projectId') projectId: string,
    @Query() query: MemberEmailDto,
    @Body() body: MemberEmailDto,
  ) {
    return this.projects.removeMember(auth, orgId, projectId, query.email ?? body.email);
  }
}
