// @pactflow/swagger-mock-validator 14.5 names "lib/api-types.d.ts" as its types but does not
// ship it; this declares the part the contract check uses.
declare module '@pactflow/swagger-mock-validator' {
  export interface ValidationResult {
    readonly code: string;
    readonly message: string;
    readonly type: 'error' | 'warning';
    readonly mockDetails?: {
      readonly interactionDescription?: string;
      readonly location?: string;
    };
    readonly specDetails?: { readonly location?: string };
  }
  export interface ValidationOutcome {
    readonly success: boolean;
    readonly failureReason?: string;
    readonly errors: readonly ValidationResult[];
    readonly warnings: readonly ValidationResult[];
  }
  export const SwaggerMockValidatorFactory: {
    create(): {
      validate(options: {
        specPathOrUrl: string;
        mockPathOrUrl: string;
        additionalPropertiesInResponse?: 'true' | 'false';
        requiredPropertiesInResponse?: 'true' | 'false';
      }): Promise<ValidationOutcome>;
    };
  };
}
