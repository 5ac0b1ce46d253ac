import type { DeviceOutbound, RpcRequest } from './contract.ts';

interface Poll {
  resolve: (request: RpcRequest | undefined) => void;
  open: () => boolean;
}

/**
 * The HTTP device API's side of DeviceOutbound: `GET /api/v1/{token}/rpc?timeout=` waits here, and a server-side RPC
 * for the device is handed to the oldest waiting poll. Shared-attribute pushes have no HTTP channel (HTTP devices
 * read their attributes with GET /api/v1/{token}/attributes), so they are not delivered here.
 */
export class HttpPoll implements DeviceOutbound {
  private readonly polls = new Map<string, Poll[]>();

  /** HTTP devices are not pushed to; they ask. */
  sharedAttributes(): void {}

  /** Hands the RPC to a waiting poll of the device; false when none waits (it stays queued). */
  async rpc(deviceId: string, request: RpcRequest): Promise<boolean> {
    const list = this.polls.get(deviceId);
    while (list && list.length > 0) {
      const poll = list.shift() as Poll;
      if (list.length === 0) this.polls.delete(deviceId);
      if (!poll.open()) continue;
      poll.resolve(request);
      return true;
    }
    return false;
  }

  /** The device's credentials changed or it was deleted: its waiting polls end now, empty-handed. */
  disconnect(deviceId: string): void {
    for (const poll of this.polls.get(deviceId) ?? []) poll.resolve(undefined);
    this.polls.delete(deviceId);
  }

  /** Waits up to `timeoutMs` for an RPC for the device; undefined on timeout or when `closed` fires first. */
  wait(deviceId: string, timeoutMs: number, open: () => boolean, closed: (stop: () => void) => void): Promise<RpcRequest | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (request: RpcRequest | undefined) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const list = this.polls.get(deviceId)?.filter((p) => p !== poll);
        if (list?.length) this.polls.set(deviceId, list);
        else this.polls.delete(deviceId);
        resolve(request);
      };
      const poll: Poll = { resolve: finish, open: () => !done && open() };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const list = this.polls.get(deviceId) ?? [];
      list.push(poll);
      this.polls.set(deviceId, list);
      closed(() => finish(undefined));
    });
  }

  /** Polls waiting now (tests, metrics). */
  get waiting(): number {
    let n = 0;
    for (const l of this.polls.values()) n += l.length;
    return n;
  }
}
