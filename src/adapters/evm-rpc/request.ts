/** One JSON-RPC call as the adapter asks it (the transport adds jsonrpc and id). */
export interface RpcRequest {
  method: string;
  params: unknown[];
}
