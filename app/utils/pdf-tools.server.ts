import { execFile } from "node:child_process";

export type ToolRun = { code: number | null; stdout: string; stderr: string; timedOut: boolean };

/**
 * Runs one of poppler's command-line tools on a file with a time limit. A missing tool is an
 * error of the machine (rejected); anything the tool says about the file comes back in the ToolRun.
 */
export function runTool(command: string, args: string[], timeoutMs: number): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, env: { ...process.env, LC_ALL: "C" } },
      (err, stdout, stderr) => {
        if (err && "code" in err && err.code === "ENOENT") {
          reject(new Error(`${command} is not installed (apt-get install poppler-utils)`));
          return;
        }
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ code, stdout, stderr, timedOut: Boolean(err?.killed) });
      },
    );
  });
}

export type PdfFacts = { encrypted: boolean; unreadable: boolean; pages?: number };

// Reading the structure of a PDF takes milliseconds; one that takes longer is treated as damaged.
const UPLOAD_CHECK_TIMEOUT_MS = 15_000;

/**
 * What the upload check needs to know about a PDF, without rendering anything: whether opening it needs
 * a password and how many pages it has. One pdfinfo call (poppler, which the imaging worker renders
 * with, so both agree): it fails with "Incorrect password" when a user password is set; a PDF with an
 * owner password only (printing or copying restricted) opens like any other and is not "encrypted" here.
 */
export async function readPdfFacts(file: string): Promise<PdfFacts> {
  const info = await runTool("pdfinfo", [file], UPLOAD_CHECK_TIMEOUT_MS);
  if (info.code !== 0) {
    return /incorrect password/i.test(info.stderr) ? { encrypted: true, unreadable: false } : { encrypted: false, unreadable: true };
  }
  const pages = /^Pages:\s+(\d+)/m.exec(info.stdout);
  if (!pages) return { encrypted: false, unreadable: true };
  return { encrypted: false, unreadable: false, pages: Number(pages[1]) };
}
