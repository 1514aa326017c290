/** The BSD socket layer: a host's socket table over the endpoint machines. */
export {
  Host,
  CallHandle,
  SHUT_HOWS,
  demuxKey,
  describeArgs,
  type Call,
  type CallName,
  type CallResult,
  type Conn,
  type HostEnv,
  type ShutHow,
  type Sock,
  type BlockedCall,
  type SocketRole,
  type SocketView,
} from './host';
export { ConnHistory, CHECKPOINT_EVERY } from './history';
