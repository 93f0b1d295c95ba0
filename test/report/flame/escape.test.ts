import { describe, expect, it } from "vitest";
import { escapeXml, jsonForScript, plainText, truncate } from "../../../src/report/flame/escape.js";

describe("escaping", () => {
  it("escapes XML metacharacters and drops characters XML 1.0 forbids", () => {
    expect(escapeXml(`</script><script>alert(1)</script>`)).toBe(
      "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
    );
    expect(escapeXml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
    expect(escapeXml("a\u0000b\u001Bc\uFFFEd\uD800e")).toBe("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe");
    // Tabs, newlines and real surrogate pairs are legal and stay.
    expect(escapeXml("a\tb\nc 😀")).toBe("a\tb\nc 😀");
  });

  it("JSON for a script block cannot close it, and parses back unchanged", () => {
    const value = { name: "</script><script>alert(1)</script> <!-- & \u2028\u2029" };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it("plain text keeps one line and cannot close a ``` fence", () => {
    const s = plainText("a\nb\r```c`d\u2028e");
    expect(s).toBe("a\uFFFDb\uFFFD\u02CBc\u02CBd\uFFFDe");
    expect(s).not.toContain("`");
  });

  it("truncates by code points with an ellipsis", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc", 3)).toBe("abc");
    expect(truncate("😀😀😀", 2)).toBe("😀…");
    expect(truncate("abc", 0)).toBe("");
  });
});
