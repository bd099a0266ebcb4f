using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace JourneyKit.Reporting.Tests;

/// <summary>
/// Headless Chromium (installed by eng/test.sh) driven over the DevTools protocol: open a page, wait for it to load and
/// evaluate an expression in it. <c>Runtime.evaluate</c> runs in the page's context but is not subject to its
/// Content-Security-Policy, so a page without scripts can still be measured with its own geometry.
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _socket = new();
    private readonly string _profile;
    private int _id;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static string? Find()
    {
        foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static string Require() => Find()
        ?? throw new InvalidOperationException("Chromium is needed for this test: apt-get install chromium (eng/test.sh does it).");

    /// <summary>Starts Chromium with a remote-debugging port chosen by the browser and connects to it.</summary>
    public static async Task<HeadlessChromium> StartAsync(int width, int height)
    {
        string profile = Path.Combine(TestTemp.Root, "jk-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(Require()) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--remote-debugging-port=0",
            "--user-data-dir=" + profile, $"--window-size={width},{height}", "about:blank",
        })
        {
            start.ArgumentList.Add(a);
        }

        Process process = Process.Start(start)!;
        var chromium = new HeadlessChromium(process, profile);
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? url = null;
        while (url is null)
        {
            string? line = await process.StandardError.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException("Chromium exited before it opened its DevTools port.");
            }

            Match m = DevToolsUrl().Match(line);
            url = m.Success ? m.Groups[1].Value : null;
        }

        _ = DrainAsync(process.StandardError);
        await chromium._socket.ConnectAsync(new Uri(url), timeout.Token);
        return chromium;
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null)
        {
        }
    }

    /// <summary>Opens a page, waits until it has loaded and laid out, and returns its session id.</summary>
    public async Task<string> OpenAsync(string url)
    {
        JsonElement target = await SendAsync("Target.createTarget", null, new { url });
        string targetId = target.GetProperty("targetId").GetString()!;
        JsonElement attached = await SendAsync("Target.attachToTarget", null, new { targetId, flatten = true });
        string session = attached.GetProperty("sessionId").GetString()!;
        for (int i = 0; i < 600; i++)
        {
            if (await EvaluateAsync(session, "location.href !== 'about:blank' && document.readyState === 'complete' && document.body !== null") == "true")
            {
                return session;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The page did not load within 60 s.");
    }

    /// <summary>Evaluates an expression in the page and returns its value as a string (JSON.stringify it for objects).</summary>
    public async Task<string?> EvaluateAsync(string session, string expression)
    {
        JsonElement result = await SendAsync("Runtime.evaluate", session, new { expression, returnByValue = true });
        if (result.TryGetProperty("exceptionDetails", out JsonElement error))
        {
            throw new InvalidOperationException("The expression threw: " + error.GetRawText());
        }

        JsonElement value = result.GetProperty("result");
        return value.TryGetProperty("value", out JsonElement v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;
    }

    public async Task<JsonElement> SendAsync(string method, string? session, object parameters)
    {
        int id = ++_id;
        var message = new Dictionary<string, object> { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (session is not null)
        {
            message["sessionId"] = session;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var received = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await _socket.ReceiveAsync(buffer, timeout.Token);
                received.Write(buffer, 0, r.Count);
            }
            while (!r.EndOfMessage);

            using JsonDocument doc = JsonDocument.Parse(received.ToArray());
            if (doc.RootElement.TryGetProperty("id", out JsonElement got) && got.GetInt32() == id)
            {
                if (doc.RootElement.TryGetProperty("error", out JsonElement error))
                {
                    throw new InvalidOperationException($"{method}: {error.GetRawText()}");
                }

                return doc.RootElement.GetProperty("result").Clone();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await SendAsync("Browser.close", null, new { });
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            // already gone
        }

        _socket.Dispose();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a file for a moment; the directory is in the temp folder.
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsUrl();
}
