import { describe, expect, it } from "bun:test";
import { markdownToText, renderMarkdown } from "./markdown.ts";

describe("renderMarkdown", () => {
  it("renders GitHub-flavoured Markdown", () => {
    expect(renderMarkdown("**Bottom line:** shipped.\n\n- one\n- two").value).toBe(
      "<p><strong>Bottom line:</strong> shipped.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n",
    );
  });

  it("renders <script> and inline handlers inert", () => {
    const html = renderMarkdown(
      'hi <script>alert(1)</script> <img src=x onerror="alert(2)"> <b onclick="x()">b</b>',
    ).value;
    expect(html).not.toContain("<script");
    expect(html).not.toContain("onerror");
    expect(html).not.toContain("onclick");
    expect(html).not.toContain("<img");
  });

  it("drops javascript: and data: links but keeps http(s) ones, with rel=noopener", () => {
    const html = renderMarkdown("[a](javascript:alert(1)) [b](data:text/html,x) [c](https://example.com)").value;
    expect(html).not.toContain("javascript:");
    expect(html).not.toContain("data:");
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer nofollow">c</a>');
  });

  it("keeps no style attributes (the CSP forbids inline styles)", () => {
    expect(renderMarkdown('<p style="color:red">x</p>').value).not.toContain("style=");
  });
});

describe("markdownToText", () => {
  it("gives the plain text of a document", () => {
    expect(markdownToText("# Title\n\nA **bold** move & <more>.\n\n- item")).toBe("Title\n\nA bold move & .\n\nitem");
  });
});
