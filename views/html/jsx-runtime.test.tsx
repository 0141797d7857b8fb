import { describe, expect, it } from "bun:test";
import { raw } from "./escape.ts";
import { renderToString } from "./jsx-runtime.ts";

describe("html jsx runtime", () => {
  it("escapes text children and attribute values", () => {
    const evil = `<script>alert("x")</script>`;
    const html = renderToString(<p title={evil}>{evil}</p>);
    expect(html).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
  });

  it("passes nested elements and raw() through unescaped", () => {
    const html = renderToString(
      <ul>
        {["a&b", "c"].map((x) => (
          <li>{x}</li>
        ))}
        {raw("<li>trusted</li>")}
      </ul>,
    );
    expect(html).toBe("<ul><li>a&amp;b</li><li>c</li><li>trusted</li></ul>");
  });

  it("renders boolean attributes, skips false and null ones, and closes void elements", () => {
    const html = renderToString(<input type="checkbox" checked disabled={false} name={null} />);
    expect(html).toBe('<input type="checkbox" checked>');
  });

  it("renders components and fragments", () => {
    const Greeting = (props: { name: string }) => <b>Hi {props.name}</b>;
    expect(
      renderToString(
        <>
          <Greeting name="<Ann>" />!
        </>,
      ),
    ).toBe("<b>Hi &lt;Ann&gt;</b>!");
  });
});
