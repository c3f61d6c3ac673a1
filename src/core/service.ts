/**
 * The label categories of services an investigator can write to (a disclosure and freeze request): each stops a
 * branch as an endpoint of its own kind, gets a request packet per entity, and may have deposit addresses found by
 * behaviour. Ordered as a label decides among them (an address labeled both an exchange and a payment service is an
 * exchange).
 */
export const SERVICE_CATEGORIES = ['exchange', 'instant-exchange', 'payment', 'gambling', 'custody'] as const;
/** A service category: exchange, instant-exchange, payment, gambling or custody. */
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

const services: ReadonlySet<string> = new Set(SERVICE_CATEGORIES);
/** Whether a category or endpoint kind is a service an investigator can write to. */
export const isService = (kind: string | undefined): kind is ServiceCategory => kind !== undefined && services.has(kind);
