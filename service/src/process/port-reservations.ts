// The ports a process will listen on, bound before it does anything else: a second instance started with the same
// ports fails here, before it migrates the database, syncs the catalog or starts an emulator, instead of after.
// Each port is held by a placeholder listener until the real one is about to listen on it.
import net from 'node:net';

export interface PortToReserve {
  /** What listens there ("API", "metrics"). */
  name: string;
  /** The variable that sets it, for the error message. */
  variable: string;
  host: string;
  /** 0 (any free port) is not reserved. */
  port: number;
}

export interface PortReservations {
  /** Frees the port reserved under `name` (call just before the real listener listens). */
  release: (name: string) => Promise<void>;
  releaseAll: () => Promise<void>;
}

export class PortInUseError extends Error {
  constructor(port: PortToReserve, cause: unknown) {
    super(
      `${port.name} port ${port.host}:${port.port} (${port.variable}) is already in use, by another instance or ` +
        'program: nothing was started (no migration, no catalog sync). Stop it or choose another port.',
      { cause },
    );
    this.name = 'PortInUseError';
  }
}

export async function reservePorts(ports: PortToReserve[]): Promise<PortReservations> {
  const held = new Map<string, net.Server>();
  const release = async (name: string) => {
    const server = held.get(name);
    if (server === undefined) return;
    held.delete(name);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const releaseAll = async () => {
    for (const name of [...held.keys()]) await release(name);
  };
  try {
    for (const port of ports) {
      if (port.port === 0) continue;
      held.set(port.name, await listenPlaceholder(port));
    }
  } catch (error) {
    await releaseAll();
    throw error;
  }
  return { release, releaseAll };
}

function listenPlaceholder(port: PortToReserve): Promise<net.Server> {
  // Anyone connecting meanwhile is turned away at once.
  const server = net.createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, error) : error);
    });
    server.listen({ host: port.host, port: port.port, exclusive: true }, () => resolve(server));
  });
}
