/** Proxy mode: local CA plus CONNECT-tunnel termination for clients that ignore AWS_ENDPOINT_URL. */
export { loadOrCreateCa } from './ca.js';
export type { CaOptions, CertificateAuthority } from './ca.js';
export { attachProxyMode, createConnectHandler, isAwsHost } from './connect.js';
export type { ConnectHandler, ProxyModeOptions } from './connect.js';
