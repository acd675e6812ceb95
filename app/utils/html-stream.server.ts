import { Transform } from "node:stream";

/**
 * The stream React's server renderer writes the page into, in place of a bare PassThrough.
 *
 * React 18.3's Node renderer (react-dom/server, writeStringChunk) encodes text into 2,048-byte views;
 * when a multi-byte character does not fit at the end of a view it writes out the whole view, unfilled
 * tail included: one to three NUL bytes land in the HTML just before that character (react#31134; fixed
 * upstream by writing only the filled part). A Chinese page hits it whenever a character straddles a
 * 2 KiB boundary — the workstation's reject placeholder read "拒绝原因（必\u0000填）". React writes each view
 * as one chunk and no real chunk of HTML ends in a NUL byte, so dropping a chunk's trailing NUL bytes
 * removes exactly that tail.
 */
export function htmlSink(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let end = chunk.length;
      while (end > 0 && chunk[end - 1] === 0) end -= 1;
      done(null, end === chunk.length ? chunk : chunk.subarray(0, end));
    },
  });
}
