// Finds a PostgreSQL server for the integration tests: TEST_DATABASE_URL, then
// DATABASE_URL, then the machine's service on 127.0.0.1:5432; when none answers,
// starts a throwaway one from the installed binaries (data under /tmp).
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import pg from "pg";

export async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function findPostgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = `${root}/${version}/bin`;
    if (fs.existsSync(`${bin}/initdb`) && fs.existsSync(`${bin}/pg_ctl`)) return bin;
  }
  return null;
}

export type TPostgresServer = { adminUrl: string; stop(): Promise<void> };

export async function ensurePostgresServer(): Promise<TPostgresServer> {
  const configured = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  const candidates = configured ? [configured] : ["postgresql://postgres@127.0.0.1:5432/postgres"];
  for (const url of candidates) {
    if (await canConnect(url)) return { adminUrl: url, stop: async () => {} };
  }
  if (configured) throw new Error(`PostgreSQL at TEST_DATABASE_URL/DATABASE_URL (${configured}) does not answer.`);

  const bin = findPostgresBin();
  if (!bin) {
    throw new Error(
      "No PostgreSQL answers on 127.0.0.1:5432 and none is installed under /usr/lib/postgresql. " +
        "Install it (apt-get install -y postgresql) or set TEST_DATABASE_URL.",
    );
  }
  const port = 54329;
  const dataDir = `/tmp/meterline-test-pg-${port}`;
  // initdb refuses to run as root: run the server as the postgres user when we are root.
  const asPostgres = (cmd: string, args: string[]) =>
    process.getuid?.() === 0 ? (["runuser", ["-u", "postgres", "--", cmd, ...args]] as const) : ([cmd, args] as const);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", dataDir]);
  const [initCmd, initArgs] = asPostgres(`${bin}/initdb`, ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync"]);
  execFileSync(initCmd, [...initArgs], { stdio: "ignore" });
  const [startCmd, startArgs] = asPostgres(`${bin}/pg_ctl`, [
    "-D", dataDir, "-o", `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`, "-w", "start",
  ]);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(startCmd, [...startArgs], { stdio: "ignore" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl start exited with ${code}`))));
  });
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    stop: async () => {
      const [stopCmd, stopArgs] = asPostgres(`${bin}/pg_ctl`, ["-D", dataDir, "-m", "fast", "stop"]);
      execFileSync(stopCmd, [...stopArgs], { stdio: "ignore" });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
