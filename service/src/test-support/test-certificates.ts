// Certificates made in the test with the openssl CLI: a throwaway CA and server certificates it signs, with
// subjectAltName entries for localhost and 127.0.0.1 (what TLS host-name checks compare against).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

export interface TestCertificates {
  directory: string;
  /** A new CA (its certificate and key), named `name`. */
  authority: (name: string) => Promise<CertificateFiles>;
  /** A server certificate for `names` (DNS names and IP addresses) signed by `authority`. */
  server: (name: string, authority: CertificateFiles, names?: string[]) => Promise<CertificateFiles>;
  remove: () => Promise<void>;
}

export async function createTestCertificates(): Promise<TestCertificates> {
  const directory = await mkdtemp(path.join(tmpdir(), 'billing-certs-'));
  const file = (name: string) => path.join(directory, name);
  return {
    directory,
    async authority(name) {
      const files = { certFile: file(`${name}.crt`), keyFile: file(`${name}.key`) };
      await run('openssl', [
        'req',
        '-x509',
        ...EC_KEY,
        '-keyout',
        files.keyFile,
        '-out',
        files.certFile,
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ]);
      return files;
    },
    async server(name, authority, names = ['localhost', '127.0.0.1']) {
      const files = { certFile: file(`${name}.crt`), keyFile: file(`${name}.key`) };
      const request = file(`${name}.csr`);
      const extensions = file(`${name}.ext`);
      const altNames = names.map((entry) => (/^[\d.]+$/.test(entry) ? `IP:${entry}` : `DNS:${entry}`));
      await writeFile(extensions, `subjectAltName=${altNames.join(',')}\nextendedKeyUsage=serverAuth\n`);
      await run('openssl', [
        'req',
        ...EC_KEY,
        '-keyout',
        files.keyFile,
        '-out',
        request,
        '-subj',
        `/CN=${name}`,
      ]);
      await run('openssl', [
        'x509',
        '-req',
        '-in',
        request,
        '-CA',
        authority.certFile,
        '-CAkey',
        authority.keyFile,
        '-CAcreateserial',
        '-out',
        files.certFile,
        '-days',
        '2',
        '-extfile',
        extensions,
      ]);
      return files;
    },
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
