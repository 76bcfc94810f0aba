import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { AuthContext, AuthService, extractApiKey } from '@app/auth';

export const API_KEY_STRATEGY = 'api-key';

/** Passport strategy: `Token`/`Bearer`/`X-API-Key` credentials resolved to the key's tenant. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  constructor(private readonly auth: AuthService) {
    super();
  }

  validate(request: { headers: Record<string, string | string[] | undefined> }): Promise<AuthContext> {
    return this.auth.authenticate(extractApiKey(request.headers));
  }
}
