// PGlite is one process's database: two processes opening the same directory corrupt
// it. A lock file next to the data directory holds the owner's pid; a second process
// is refused with a message that says what to do instead.
import fs from "node:fs";
import path from "node:path";

export class DatabaseLockedError extends Error {
  override name = "DatabaseLockedError";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockPathFor(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

/** Takes the lock or throws DatabaseLockedError; returns the function that releases it. */
export function acquirePgliteLock(dataDir: string): () => void {
  const lockPath = lockPathFor(dataDir);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      return () => {
        try {
          if (fs.readFileSync(lockPath, "utf8") === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(fs.readFileSync(lockPath, "utf8"), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseLockedError(
          `The embedded database ${path.resolve(dataDir)} is open in another process (pid ${owner}), ` +
            `probably the running app. Stop it first, or run against PostgreSQL with DATABASE_URL.`,
        );
      }
      // Left behind by a process that died (or by this one): take it over.
      fs.unlinkSync(lockPath);
    }
  }
  throw new DatabaseLockedError(`Could not take the lock ${lockPath}`);
}
