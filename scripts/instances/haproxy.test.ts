import { describe, expect, it } from "vitest";
import { haproxyConfig } from "./haproxy";

describe("haproxyConfig", () => {
  const cfg = haproxyConfig({ port: 5500, webs: [{ name: "web-1", port: 5501 }, { name: "web-2", port: 5502 }] });

  it("balances every web instance, checked by liveness, naming the one that answered", () => {
    expect(cfg).toContain("bind 127.0.0.1:5500");
    expect(cfg).toContain("server web-1 127.0.0.1:5501 check");
    expect(cfg).toContain("server web-2 127.0.0.1:5502 check");
    expect(cfg).toContain("balance roundrobin");
    expect(cfg).toContain("option httpchk GET /healthz");
    expect(cfg).toContain("http-response set-header X-Served-By %[srv_name]");
  });

  it("retries only what never reached a server, and keeps event streams open past the heartbeat", () => {
    expect(cfg).toMatch(/^\s*retry-on conn-failure$/m);
    expect(cfg).not.toMatch(/retry-on .*(response-timeout|all-retryable-errors)/);
    const serverTimeout = Number(/timeout server (\d+)s/.exec(cfg)?.[1]);
    expect(serverTimeout).toBeGreaterThan(15);
    expect(cfg).not.toMatch(/compression/);
  });

  it("refuses a balancer with nothing behind it", () => {
    expect(() => haproxyConfig({ port: 1, webs: [] })).toThrow();
  });
});
