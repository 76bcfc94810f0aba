import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { CreateOrganizationDto, MemberEmailDto, OrganizationsService, OrgMemberDto } from '@app/tenancy';
import { Access, ApiToken, Auth, IgnoreTenantParams, OnInvalid } from '../http/decorators';

@ApiTags('organizations')
@ApiToken()
@IgnoreTenantParams()
@OnInvalid('errors')
@Access('service')
@Controller('api/v1/orgs/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @ApiOperation({ summary: "List the caller's organizations" })
  listOrganizations(@Auth() auth: AuthContext) {
    return this.organizations.list(auth);
  }

  @Post()
  @ApiOperation({ summary: 'Create an organization (the caller becomes its owner)' })
  createOrganization(@Auth() auth: AuthContext, @Body() dto: CreateOrganizationDto) {
    return this.organizations.create(auth, dto);
  }

  @Get(':orgId')
  getOrganization(@Auth() auth: AuthContext, @Param('orgId') orgId: string) {
    return this.organizations.get(auth, orgId);
  }

  @Delete(':orgId')
  @ApiOperation({ summary: 'Delete an organization with its projects and their data (owners only)' })
  deleteOrganization(@Auth() auth: AuthContext, @Param('orgId') orgId: string) {
    return this.organizations.delete(auth, orgId);
  }

  @Get(':orgId/members')
  listOrganizationMembers(@Auth() auth: AuthContext, @Param('orgId') orgId: string) {
    return this.organizations.members(auth, orgId);
  }

  @Post(':orgId/members')
  @ApiOperation({ summary: 'Add a member (an unknown e-mail becomes a pending invitation)' })
  addOrganizationMember(@Auth() auth: AuthContext, @Param('orgId') orgId: string, @Body() dto: OrgMemberDto) {
    return this.organizations.addMember(auth, orgId, dto);
  }

  @Put(':orgId/members')
  @HttpCode(200)
  updateOrganizationMember(@Auth() auth: AuthContext, @Param('orgId') orgId: string, @Body() dto: OrgMemberDto) {
    return this.organizations.updateMember(auth, orgId, dto);
  }

  @Delete(':orgId/members')
  @ApiOperation({ summary: 'Remove a member; e-mail in the JSON body or the `email` query parameter' })
  removeOrganizationMember(
    @Auth() auth: AuthContext,
    @Param('orgId') orgId: string,
    @Body() body: MemberEmailDto,
    @Query() query: MemberEmailDto,
  ) {
    return this.organizations.removeMember(auth, orgId, body.email ?? query.email);
  }
}
