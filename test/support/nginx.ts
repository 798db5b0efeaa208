import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { statusOf } from './http';

/** Debian's nginx (`apt-get install nginx`, as `.ci/run` does): its path, or null when it is not installed. */
function nginxBinary(): string | null {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    if (spawnSync(candidate, ['-v']).status === 0) return candidate;
  }
  return null;
}

export interface Nginx {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Which upstream answered each request (`127.0.0.1:40123`), from the access log. */
  upstreams(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * nginx in front of API processes, as a ministry would deploy it: round-robin over `ports`, keep-alive
 * to the upstreams, `X-Forwarded-For` appended (the API reads the entry this proxy wrote: TRUST_PROXY=1).
 * One foreground process (`daemon off`, `master_process off`) running as the caller, with its pid,
 * logs and temporary files in its own directory: no root-owned path, nothing left behind.
 */
export async function startNginx(ports: number[]): Promise<Nginx> {
  const binary = nginxBinary();
  if (!binary) throw new Error('nginx is not installed (apt-get install -y nginx, as .ci/run does)');
  const dir = await mkdtemp(path.join(tmpdir(), 'mentor-nginx-'));
  for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) await mkdir(path.join(dir, temp));
  const port = await freePort();
  const conf = `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format upstream '$upstream_addr $status';
  access_log ${dir}/access.log upstream;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 2m;
  upstream mentor {
${ports.map(upstream => `    server 127.0.0.1:${upstream};`).join('\n')}
    keepalive 32;
    # nginx's default upstream keepalive_timeout (60 s): the API keeps idle connections longer (65 s).
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mentor;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 60s;
    }
  }
}
`;
  await writeFile(path.join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT'); // graceful: finishes the requests under way
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = await readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`nginx exited with ${child.exitCode}: ${output}${log}`);
    }
    const up = await statusOf(`${origin}/healthz`).then(status => status === 200, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not answer on ${origin}: ${output}`);
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return {
    origin,
    async upstreams() {
      const log = await readFile(path.join(dir, 'access.log'), 'utf8');
      return log.split('\n').filter(Boolean).map(line => line.split(' ')[0]);
    },
    stop,
  };
}
