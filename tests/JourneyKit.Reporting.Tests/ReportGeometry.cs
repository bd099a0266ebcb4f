using System.Text.Json;

namespace JourneyKit.Reporting.Tests;

/// <summary>
/// The page's own geometry, read in headless Chromium: every rendered text box (HTML line boxes from a Range over each
/// text node; SVG <c>text</c>/<c>tspan</c> bounding boxes), then which pairs overlap and which are clipped — cut by an
/// SVG viewport or an <c>overflow: hidden</c> box, or out of reach of scrolling (left of or above a scroll container or
/// the page, or past the page's right edge outside any horizontal scroll container).
/// </summary>
internal static class ReportGeometry
{
    /// <summary>Evaluated in the page; returns JSON {boxes, overlaps: [[a, b]], clipped: [[text, why]]} (first 25 of each).</summary>
    public const string Script = """
        (() => {
          const tol = 1;
          const boxes = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (!n.nodeValue.trim()) continue;
            const el = n.parentElement;
            if (el.closest('title, style, script, desc')) continue;
            const style = getComputedStyle(el);
            if (style.display === 'none' || style.visibility === 'hidden') continue;
            let rects;
            if (el instanceof SVGElement) {
              rects = [el.getBoundingClientRect()];
            } else {
              const range = document.createRange();
              range.selectNodeContents(n);
              rects = [...range.getClientRects()];
            }
            for (const r of rects) {
              if (r.width > 0.5 && r.height > 0.5) boxes.push({ n, el, l: r.left + scrollX, t: r.top + scrollY, r: r.right + scrollX, b: r.bottom + scrollY, text: n.nodeValue.trim().slice(0, 70) });
            }
          }
          const overlaps = [];
          let overlapCount = 0;
          const sorted = [...boxes].sort((a, b) => a.t - b.t);
          for (let i = 0; i < sorted.length; i++) {
            const a = sorted[i];
            for (let j = i + 1; j < sorted.length && sorted[j].t < a.b - tol; j++) {
              const b = sorted[j];
              if (a.n === b.n) continue;
              const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
              if (w > tol && h > tol) { overlapCount++; if (overlaps.length < 25) overlaps.push([a.text, b.text]); }
            }
          }
          const pageWidth = document.documentElement.clientWidth;
          const clipped = [];
          let clippedCount = 0;
          for (const x of boxes) {
            let why = null, scrollsX = false;
            if (x.l < -tol || x.t < -tol) why = 'outside the page (left or above)';
            for (let e = x.el; e && !why && e !== document.documentElement; e = e.parentElement) {
              const r = e.getBoundingClientRect();
              const box = { l: r.left + scrollX, t: r.top + scrollY, r: r.right + scrollX, b: r.bottom + scrollY };
              if (e instanceof SVGSVGElement) {
                if (x.l < box.l - tol || x.r > box.r + tol || x.t < box.t - tol || x.b > box.b + tol) why = 'outside its SVG viewport';
                continue;
              }
              if (e instanceof SVGElement) continue;
              const s = getComputedStyle(e);
              for (const [axis, overflow] of [['x', s.overflowX], ['y', s.overflowY]]) {
                if (overflow === 'visible') continue;
                const lo = axis === 'x' ? x.l < box.l - tol : x.t < box.t - tol;
                const hi = axis === 'x' ? x.r > box.r + tol : x.b > box.b + tol;
                if (overflow === 'hidden' || overflow === 'clip') { if (lo || hi) why = `cut by an overflow:${overflow} box`; }
                else { if (lo) why = 'before the start of a scroll container'; if (axis === 'x') scrollsX = true; }
              }
            }
            if (!why && !scrollsX && x.r > pageWidth + tol) why = 'past the right edge of the page';
            if (why) { clippedCount++; if (clipped.length < 25) clipped.push([x.text, why]); }
          }
          return JSON.stringify({ boxes: boxes.length, overlapCount, overlaps, clippedCount, clipped, pageWidth, scrollWidth: document.documentElement.scrollWidth });
        })()
        """;

    /// <summary>The measurements of one page.</summary>
    public sealed record Result(int Boxes, int OverlapCount, IReadOnlyList<string[]> Overlaps, int ClippedCount, IReadOnlyList<string[]> Clipped, double PageWidth, double ScrollWidth);

    /// <summary>Opens a file in headless Chromium at a viewport width and measures it.</summary>
    public static async Task<Result> MeasureAsync(string path, int width = 1280, int height = 900)
    {
        await using HeadlessChromium chromium = await HeadlessChromium.StartAsync(width, height);
        string session = await chromium.OpenAsync(new Uri(path).AbsoluteUri);
        string json = await chromium.EvaluateAsync(session, Script) ?? throw new InvalidOperationException("no result");
        return JsonSerializer.Deserialize<Result>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }
}
