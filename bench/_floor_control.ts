/**
 * The floors' control connection (bench/_small_files_floor.ts and its split
 * variant): writes commands, reads replies line by line, with no ferry code.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One control connection: writes commands, reads replies line by line. */
export class Control {
  #buffer = "";
  #chunk = new Uint8Array(16384);
  constructor(readonly conn: Deno.TcpConn) {}

  async send(line: string): Promise<void> {
    const bytes = encoder.encode(line + "\r\n");
    for (let at = 0; at < bytes.length;) at += await this.conn.write(bytes.subarray(at));
  }

  /** The next reply (code and text of its last line); multi-line replies read whole. */
  async reply(): Promise<{ code: number; text: string }> {
    let code = "";
    for (;;) {
      const end = this.#buffer.indexOf("\r\n");
      if (end < 0) {
        const n = await this.conn.read(this.#chunk);
        if (n === null) throw new Error("control connection closed");
        this.#buffer += decoder.decode(this.#chunk.subarray(0, n));
        continue;
      }
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      if (code === "" && /^\d{3}-/.test(line)) code = line.slice(0, 3);
      else if (code === "" || line.startsWith(code + " ")) {
        return { code: Number(line.slice(0, 3)), text: line.slice(4) };
      }
    }
  }

  async expect(first: number, line?: string): Promise<string> {
    if (line !== undefined) await this.send(line);
    const reply = await this.reply();
    if (Math.floor(reply.code / 100) !== first) {
      throw new Error(`${line ?? "greeting"}: ${reply.code} ${reply.text}`);
    }
    return reply.text;
  }
}
