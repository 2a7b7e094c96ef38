import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { usageExportCsvStream, type TUsageExport } from "./usage-export";

function exportOf(batches: (string | null)[][][], columns = ["name", "value"]): TUsageExport & { pulled: () => number } {
  let pulled = 0;
  async function* generate() {
    for (const batch of batches) {
      pulled += 1;
      yield batch;
    }
  }
  return { filename: "x.csv", columns, batches: generate(), pulled: () => pulled };
}

async function textOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("usage export CSV", () => {
  it("is a header row alone when there are no rows", async () => {
    expect(await textOf(usageExportCsvStream(exportOf([])))).toBe("name,value\r\n");
  });

  it("writes RFC 4180 records: CRLF, and quotes around a comma, a quote, a bare CR or LF; text round-trips", async () => {
    const rows = [
      ['Café "Zürich", 東京\nGmbH', "0.0000000001"],
      ["Two\nlines", "98765432101234.0123456789"],
      ["carriage\rreturn", null],
      ["plain", "1"],
    ];
    const text = await textOf(usageExportCsvStream(exportOf([rows.slice(0, 2), rows.slice(2)])));
    expect(text).toBe(
      'name,value\r\n"Café ""Zürich"", 東京\nGmbH",0.0000000001\r\n"Two\nlines",98765432101234.0123456789\r\n"carriage\rreturn",\r\nplain,1\r\n',
    );
    expect(parse(text, { record_delimiter: "\r\n" })).toEqual([["name", "value"], ...rows.map(([name, value]) => [name, value ?? ""])]);
  });

  it("pulls one batch per read, and none after the reader cancels", async () => {
    const usageExport = exportOf([[["a", "1"]], [["b", "2"]], [["c", "3"]]]);
    // Time for a stream with a buffer of its own to read ahead, which this one must not do.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    const reader = usageExportCsvStream(usageExport).getReader();
    await settle();
    expect(usageExport.pulled()).toBe(0);
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("name,value\r\na,1\r\n");
    await settle();
    expect(usageExport.pulled()).toBe(1);
    await reader.cancel();
    await settle();
    expect(usageExport.pulled()).toBe(1);
  });
});
