// A TCP load balancer in front of the API processes, as production puts one in front of its replicas: Stripe
// (the emulator) sends every webhook to one URL and the balancer passes each connection to the next API that
// accepts it; an API that refuses (killed, restarting) is skipped. When none accepts the connection is closed
// and the sender retries, as Stripe does.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface Balancer {
  port: number;
  close: () => Promise<void>;
}

export async function startBalancer(backendPorts: () => number[]): Promise<Balancer> {
  let turn = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((incoming) => {
    track(incoming);
    incoming.pause();
    const ports = backendPorts();
    const tryBackend = (attempt: number) => {
      if (attempt >= ports.length || incoming.destroyed) return incoming.destroy();
      const port = ports[(turn + attempt) % ports.length]!;
      const outgoing = connect({ host: '127.0.0.1', port });
      let connected = false;
      outgoing.once('error', () => {
        if (!connected) tryBackend(attempt + 1);
      });
      outgoing.once('connect', () => {
        connected = true;
        track(outgoing);
        incoming.pipe(outgoing).pipe(incoming);
        incoming.on('close', () => outgoing.destroy());
        outgoing.on('close', () => incoming.destroy());
        incoming.resume();
      });
    };
    turn += 1;
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
