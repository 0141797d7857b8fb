import { GROUP_SCHEMA } from "./groups.ts";
import { USER_SCHEMA } from "./users.ts";

// What the service provider supports (RFC 7643 §5–7), for clients that read it before syncing.

export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";

export const MAX_RESULTS = 200;

export function serviceProviderConfig(baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SPC_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description: "A SCIM token created by an admin on DeskTrust's SCIM page.",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/scim/v2/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string): Record<string, unknown>[] {
  return [
    { id: "User", name: "User", endpoint: "/Users", schema: USER_SCHEMA },
    { id: "Group", name: "Group", endpoint: "/Groups", schema: GROUP_SCHEMA },
  ].map((t) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    ...t,
    description: t.id === "User" ? "A person" : "A team",
    meta: { resourceType: "ResourceType", location: `${baseUrl}/scim/v2/ResourceTypes/${t.id}` },
  }));
}

const attribute = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  type: "string",
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...extra,
});

export function schemas(baseUrl: string): Record<string, unknown>[] {
  const user = {
    id: USER_SCHEMA,
    name: "User",
    description: "A person. userName is their email address.",
    attributes: [
      attribute("userName", { required: true, uniqueness: "server" }),
      attribute("name", {
        type: "complex",
        subAttributes: [attribute("formatted"), attribute("givenName"), attribute("familyName")],
      }),
      attribute("displayName"),
      attribute("emails", {
        type: "complex",
        multiValued: true,
        subAttributes: [attribute("value"), attribute("type"), attribute("primary", { type: "boolean" })],
      }),
      attribute("active", { type: "boolean" }),
      attribute("externalId", { caseExact: true }),
    ],
  };
  const group = {
    id: GROUP_SCHEMA,
    name: "Group",
    description: "A team.",
    attributes: [
      attribute("displayName", { required: true, uniqueness: "server" }),
      attribute("members", {
        type: "complex",
        multiValued: true,
        subAttributes: [
          attribute("value", { mutability: "immutable" }),
          attribute("display", { mutability: "readOnly" }),
        ],
      }),
      attribute("externalId", { caseExact: true }),
    ],
  };
  return [user, group].map((s) => ({
    schemas: [SCHEMA_SCHEMA],
    ...s,
    meta: { resourceType: "Schema", location: `${baseUrl}/scim/v2/Schemas/${s.id}` },
  }));
}
